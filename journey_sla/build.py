"""Run dbt into a fresh warehouse file and swap it in atomically.

DuckDB allows one writer and no readers beside it across processes. So a build never
writes the file the app is reading: dbt builds into ``<dir>/.build-<pid>/<name>.duckdb``
(same file name, so the DuckDB catalog name baked into views matches), attaching the raw
file read-only, and only when ``dbt build`` passes is the new file renamed over the served
one. A failed build leaves the served warehouse untouched.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from journey_sla.paths import PROJECT_ROOT, raw_path_for


class BuildError(Exception):
    """dbt build failed or could not start; str() is one line."""


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    nodes_passed: int
    nodes_total: int


def dbt_vars(as_of: str | None) -> dict[str, str]:
    return {"as_of": as_of} if as_of else {}


def has_selection(dbt_args: Sequence[str]) -> bool:
    return any(arg in {"-s", "--select", "-m", "--models", "--exclude", "--selector"} for arg in dbt_args)


@contextmanager
def _env(overrides: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(args: list[str], env: dict[str, str]):
    """Invoke dbt in-process through its programmatic runner."""
    from dbt.cli.main import dbtRunner

    with _env(env):
        return dbtRunner().invoke(
            [*args, "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT)]
        )


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file so the rename moves one complete file."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("checkpoint")


def build_warehouse(
    warehouse: Path,
    as_of: str | None = None,
    dbt_args: Sequence[str] = (),
    command: str = "build",
) -> BuildResult:
    warehouse = Path(warehouse).resolve()
    raw = raw_path_for(warehouse)
    if not raw.exists():
        raise BuildError(f"{raw}: no raw data loaded yet; run `journey-sla load DIR` first")

    staging_dir = warehouse.parent / f".build-{os.getpid()}"
    shutil.rmtree(staging_dir, ignore_errors=True)
    staging_dir.mkdir(parents=True)
    staged = staging_dir / warehouse.name
    try:
        if has_selection(dbt_args) and warehouse.exists():
            # A partial build starts from the served models so unselected ones survive the swap.
            shutil.copy2(warehouse, staged)
        env = {
            "JOURNEY_SLA_BUILD_DB": str(staged),
            "JOURNEY_SLA_RAW_DB": str(raw),
            "JOURNEY_SLA_DB": str(warehouse),
        }
        args = [command, "--vars", json.dumps(dbt_vars(as_of)), *dbt_args]
        result = run_dbt(args, env)
        if result.exception is not None:
            raise BuildError(f"dbt {command} could not run: {result.exception}")
        node_results = list(getattr(result.result, "results", []) or [])
        failed = [r for r in node_results if str(r.status) in {"error", "fail", "runtime error"}]
        if not result.success or failed:
            names = ", ".join(r.node.name for r in failed[:5]) or "see logs/dbt.log"
            raise BuildError(
                f"dbt {command} failed ({len(failed)} of {len(node_results)} nodes): {names}; "
                f"the served warehouse {warehouse} is unchanged"
            )
        _checkpoint(staged)
        os.replace(staged, warehouse)
        return BuildResult(warehouse, len(node_results) - len(failed), len(node_results))
    finally:
        shutil.rmtree(staging_dir, ignore_errors=True)
