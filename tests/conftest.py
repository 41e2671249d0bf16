"""Shared fixtures: one generated extract and one real warehouse per test session."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

# The cross-engine fixtures (PostgreSQL cluster, scenarios, PostgreSQL builds), one instance
# each for every module that uses them.
pytest_plugins = ["tests.engine_fixtures"]

DEMO_JOURNEYS = 1500
DEMO_DIRTY = 0.02

# pytest-xdist (opt-in: pytest -n 2 --dist loadfile --no-loadscope-reorder): every dbt run
# goes through journey_sla.build.run_dbt with the repository as --project-dir, so two workers
# would share target/ (manifest, partial_parse.msgpack, compiled SQL) and logs/dbt.log. Each
# worker gets its own: dbt reads DBT_TARGET_PATH (relative: under the project dir, so a
# copied project in a temp folder keeps its own) and DBT_LOG_PATH (relative to the working
# directory: made absolute). Set here, before any test runs, so the CLI and app subprocesses
# inherit them. Without xdist (-n0) dbt keeps the project's target/ and logs/.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if XDIST_WORKER:
    os.environ["DBT_TARGET_PATH"] = f"target/xdist-{XDIST_WORKER}"
    os.environ["DBT_LOG_PATH"] = str(
        Path(__file__).resolve().parent.parent / "logs" / f"xdist-{XDIST_WORKER}"
    )

# The cross-engine modules: one PostgreSQL cluster (the `postgres` session fixture) and one
# in-process Spark session serve both, so xdist sends them to one worker as one unit.
ENGINE_MODULES = frozenset({"test_engines.py", "test_readers.py"})

# The served app draws charts without validating them against the Vega-Lite schema on every
# run (ui.draw_chart); under test, every chart a page draws is validated (AppTest runs the
# pages in this process).
os.environ["JOURNEY_SLA_VALIDATE_CHARTS"] = "1"


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile`` with the cross-engine modules as one unit of work.

    Per module, a module's fixtures (a warehouse built by dbt, a server) are built on one
    worker only; session fixtures used by several modules (``built_warehouse``) are built
    once per worker. ``--dist loadgroup`` with ``xdist_group`` marks would say the same, but
    pytest-xdist 3.8.0 does not group under pytest 9.2 (it renames node ids, which pytest
    9.2 no longer lets it: pytest-dev/pytest-xdist#1386), so the grouping is done here.
    tryfirst: xdist's own implementation of this hook answers otherwise.
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModuleScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid)
            return "engines" if Path(module).name in ENGINE_MODULES else module

    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker, the cross-engine modules first: with ``--no-loadscope-reorder``
    the units go out in collection order, so the longest unit (~10 minutes) starts first
    while the other worker takes the rest. Every worker sorts alike (xdist checks that the
    collections are equal); a run without xdist keeps pytest's order."""
    if XDIST_WORKER:
        items.sort(key=lambda item: item.path.name not in ENGINE_MODULES)


@pytest.fixture(scope="session")
def demo_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated extract with a few bad rows of every kind."""
    from journey_sla.generate import generate

    out = tmp_path_factory.mktemp("demo_extract")
    generate(out, journeys=DEMO_JOURNEYS, seed=7, dirty=DEMO_DIRTY)
    return out


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory, demo_extract: Path) -> Path:
    """The demo extract loaded and built with the real `dbt build`; built once per session."""
    from journey_sla.build import build_warehouse
    from journey_sla.load import load_extracts

    warehouse = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    load_extracts(demo_extract, warehouse, notice=lambda message: None)
    build_warehouse(warehouse)
    return warehouse


@pytest.fixture
def warehouse_env(built_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app (and CLI) at the session warehouse."""
    monkeypatch.setenv("JOURNEY_SLA_DB", str(built_warehouse))
    return built_warehouse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def port() -> int:
    return free_port()


def cli_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "JOURNEY_SLA_DB"}
    env.update(extra)
    return env
