"""The Streamlit app, run with AppTest against a real small warehouse (no mocked data layer)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")

pytestmark = pytest.mark.slow


def run_app() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    return app


def test_data_health_page_shows_counts_and_rejects(warehouse_env: Path) -> None:
    app = run_app()
    assert not app.exception, app.exception
    assert app.title[0].value == "Data health"

    with duckdb.connect(str(warehouse_env), read_only=True) as connection:
        in_warehouse = connection.execute(
            "select sum(rows_in_warehouse) from mart_raw_table_counts"
        ).fetchone()[0]
        rejected = connection.execute(
            "select sum(last_rows_rejected) from mart_raw_table_counts"
        ).fetchone()[0]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rows in warehouse"] == f"{int(in_warehouse):,}"
    assert metrics["Rows rejected (last load)"] == f"{int(rejected):,}"
    assert rejected > 0  # the demo extract is generated with dirty rows

    tables = app.dataframe[0].value
    assert list(tables["table_name"]) == [
        "users", "accounts", "journeys", "stage_events",
        "assignments", "activities", "contracts", "signals",
    ]  # fmt: skip
    reasons = set(app.dataframe[1].value["reject_reason"])
    assert {"bad_enum", "duplicate_key", "missing_parent"} <= reasons


def test_missing_warehouse_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEY_SLA_DB", str(tmp_path / "nothing-here.duckdb"))
    app = run_app()
    assert not app.exception, app.exception
    assert any("make run" in info.value for info in app.info)
