"""Shared fixtures: one generated extract and one real warehouse per test session."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

DEMO_JOURNEYS = 1500
DEMO_DIRTY = 0.02

# The served app draws charts without validating them against the Vega-Lite schema on every
# run (ui.draw_chart); under test, every chart a page draws is validated (AppTest runs the
# pages in this process).
os.environ["JOURNEY_SLA_VALIDATE_CHARTS"] = "1"


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
