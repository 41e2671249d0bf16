"""Fixtures shared by the cross-engine modules (tests/test_engines.py, tests/test_readers.py),
registered once as a plugin (tests/conftest.py): a session fixture imported into two modules
would be two fixtures, and start two PostgreSQL clusters and build the golden scenario twice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from journey_sla.build import _env

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_EXTRACTS = ROOT / "tests" / "golden" / "extracts"
GOLDEN_AS_OF = "2025-11-30 00:00:00"
GENERATED_JOURNEYS = 300


def environment(**values: str):
    """``with environment(NAME=value):`` sets variables and restores them afterwards."""
    return _env(values)


def run_script(*args: str) -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}",
            pytrace=False,
        )
    return result.stdout.strip()


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on a free 127.0.0.1 port for the whole session.

    Its folder is outside pytest's private temp root: the cluster runs as user `postgres`
    when the tests run as root, and that user must reach it.
    """
    run_script("install_engines.sh")
    folder = Path(tempfile.mkdtemp(prefix="journey-sla-postgres-"))
    os.chmod(folder, 0o755)
    port = run_script("start_postgres.sh", str(folder))
    try:
        with environment(JOURNEY_SLA_PG_PORT=port, JOURNEY_SLA_PG_HOST="127.0.0.1"):
            yield port
    finally:
        subprocess.run(
            [str(ROOT / "scripts" / "start_postgres.sh"), "--stop", str(folder)],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def load_and_build_duckdb(extracts: Path, folder: Path, as_of: str | None) -> Path:
    from journey_sla.build import build_warehouse
    from journey_sla.load import load_extracts

    warehouse = folder / "warehouse.duckdb"
    load_extracts(extracts, warehouse, notice=lambda message: None, max_reject_rate=1.0)
    build_warehouse(warehouse, as_of=as_of)
    return warehouse


@pytest.fixture(scope="session")
def golden_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden scenario loaded and built on DuckDB: the reference every engine meets."""
    return load_and_build_duckdb(
        GOLDEN_EXTRACTS, tmp_path_factory.mktemp("engines_golden"), GOLDEN_AS_OF
    )


@pytest.fixture(scope="session")
def scenarios(
    golden_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, str | None]]:
    """name -> (DuckDB warehouse, as_of), each built once per session."""
    from journey_sla.generate import generate

    generated = tmp_path_factory.mktemp("engines_extract")
    generate(generated, journeys=GENERATED_JOURNEYS, seed=11, dirty=0.02)
    return {
        "golden": (golden_warehouse, GOLDEN_AS_OF),
        "generated": (
            load_and_build_duckdb(generated, tmp_path_factory.mktemp("engines_generated"), None),
            None,
        ),
    }


@pytest.fixture(scope="session")
def postgres_builds(
    postgres: str, scenarios: dict, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Each scenario published, copied into PostgreSQL and built there: name -> schema."""
    from journey_sla.engines import build_on_engine, copy_to_postgres, publish
    from journey_sla.paths import raw_path_for

    schemas = {}
    for name, (warehouse, as_of) in scenarios.items():
        out = tmp_path_factory.mktemp(f"published_{name}")
        publish(raw_path_for(warehouse), out)
        copy_to_postgres(out, f"raw_{name}")
        schemas[name], _, _ = build_on_engine(
            "postgres", as_of, schema=f"journey_sla_{name}", raw=f"raw_{name}"
        )
    return schemas
