"""The app and the export read PostgreSQL (issue 11) the way they read DuckDB: same numbers.

The golden scenario (tests/golden/extracts, as_of pinned) is loaded by the real loader, built
by the real ``dbt build`` on DuckDB, published and built again on a throwaway PostgreSQL
cluster (the helpers of tests/test_engines.py; the cluster fails loudly, never skips). Then:

- every app page renders through Streamlit's AppTest against ``JOURNEY_SLA_TARGET=postgres``
  without an exception and shows the same metrics and tables as against the DuckDB file;
- every query function of the app's data layer returns the same frame on both;
- ``journey-sla export --target postgres`` writes the same bytes as the DuckDB export;
- the PostgreSQL reader refuses writes, in the reader and in the server session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from journey_sla import readers
from journey_sla.app_logic import data
from journey_sla.app_logic.warehouse import Filters
from journey_sla.paths import app_script
from tests.test_engines import (  # noqa: F401  (postgres is a fixture used by name)
    GOLDEN_AS_OF,
    GOLDEN_EXTRACTS,
    environment,
    load_and_build_duckdb,
    postgres,
)

pytestmark = pytest.mark.slow

SCHEMA = "journey_sla_readers"
PAGES = (
    "monthly_review",
    "sla_matrix",
    "target_tuning",
    "due_next",
    "routing",
    "recycles",
    "journey_explorer",
    "data_health",
)


@pytest.fixture(scope="session")
def golden_on_both(postgres: str, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """The golden scenario built once on DuckDB and once on PostgreSQL (schema SCHEMA)."""
    from journey_sla.engines import build_on_engine, copy_to_postgres, publish
    from journey_sla.paths import raw_path_for

    warehouse = load_and_build_duckdb(
        GOLDEN_EXTRACTS, tmp_path_factory.mktemp("readers_golden"), GOLDEN_AS_OF
    )
    published = tmp_path_factory.mktemp("readers_published")
    publish(raw_path_for(warehouse), published)
    copy_to_postgres(published, "raw_readers")
    schema, passed, total = build_on_engine(
        "postgres", GOLDEN_AS_OF, schema=SCHEMA, raw="raw_readers"
    )
    assert (schema, passed) == (SCHEMA, total)
    return warehouse


@pytest.fixture
def on(golden_on_both: Path) -> Iterator:
    """``with on("postgres"):`` points the app's data layer at that engine's golden build."""

    def target(name: str):
        return environment(
            JOURNEY_SLA_TARGET=name,
            JOURNEY_SLA_DB=str(golden_on_both),
            JOURNEY_SLA_PG_SCHEMA=SCHEMA,
        )

    yield target


def render(page: str) -> AppTest:
    app = AppTest.from_file(str(app_script()), default_timeout=180)
    app.run()
    if page != "monthly_review":
        app.switch_page(f"app_pages/{page}.py").run()
    return app


def shown(app: AppTest) -> dict:
    """What a reader of the page sees: title, metrics, captions, and every table."""
    return {
        "title": [title.value for title in app.title],
        "metrics": [(metric.label, metric.value) for metric in app.metric],
        "info": [info.value for info in app.info],
        "tables": [table.value for table in app.dataframe],
    }


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_postgres_with_the_duckdb_numbers(on, page: str) -> None:
    with on("duckdb"):
        expected = shown(render(page))
    with on("postgres"):
        app = render(page)
        assert not app.exception, app.exception
        got = shown(app)
    assert got["title"] == expected["title"] and got["title"], page
    assert not got["info"] or "make run" not in " ".join(got["info"]), got["info"]
    # Metrics are formatted text: equal numbers give equal text.
    assert got["metrics"] == expected["metrics"]
    assert len(got["tables"]) == len(expected["tables"])
    for mine, theirs in zip(got["tables"], expected["tables"], strict=True):
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True),
            theirs.reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
        )


def test_the_golden_headline_numbers_are_the_ones_worked_out_by_hand(on) -> None:
    """Not just equal to each other: the golden marts' counts on PostgreSQL are the
    scenario's hand-worked clocks (tests/golden/expected_clocks.csv)."""
    expected = pd.read_csv(Path(__file__).parent / "golden" / "expected_clocks.csv")
    with on("postgres"):
        months = data.governance_months(Filters())
    policy_rows = months[months["group_kind"] == "policy"]
    for status in ("met", "breached", "open", "cancelled"):
        assert policy_rows[f"{status}_clocks"].sum() == (expected["status"] == status).sum()


FILTERS = (
    Filters(),
    # One dimension at a time (the golden scenario's 32 journeys are too few for all at once
    # to leave rows); dates inside months, so the month filters round.
    Filters(segments=("smb", "mid_market")),
    Filters(territories=("emea", "na_east", "unknown")),
    Filters(teams=("inbound", "new_business")),
    Filters(start_date=date(2025, 3, 15), end_date=date(2025, 10, 20)),
)


def data_calls(journey: str) -> dict:
    months = [date(2025, 6, 1), date(2025, 9, 1)]
    everything = data.QueueChoices(sections=("at_risk", "open", "breach"))
    return {
        "governance_months": data.governance_months,
        "visit_months": data.visit_months,
        "visit_breakdown": lambda f: data.visit_breakdown(f, months),
        "latest_kpis": data.latest_kpis,
        "queue_summary": lambda f: data.queue_summary(f, everything),
        "queue_page": lambda f: data.queue_page(f, data.QueueChoices(), 20, 1),
        "queue_all": lambda f: data.queue_all(f, data.QueueChoices()),
        "queue_backlog": lambda f: data.queue_backlog(f, data.QueueChoices()),
        "recycle_summary": data.recycle_summary,
        "routing_by": lambda f: data.routing_by(f, "team"),
        "routing_monthly": data.routing_monthly,
        "owner_load": data.owner_load,
        "reassignments_after_breaches": data.reassignments_after_breaches,
        "routing_audit": lambda f: data.routing_audit(f, "j", 10, 0)[1],
        "clocks_behind": lambda f: data.clocks_behind(f, "policy", "sal_attempts", months)[1],
        "owner_leaderboard": lambda f: data.owner_leaderboard(f, months),
        "effectiveness": lambda f: data.effectiveness(),
        "tuning_policies": lambda f: data.tuning_policies(),
        "journey_matches": lambda f: pd.DataFrame({"id": data.journey_matches(journey[:3])}),
        "journey_visits": lambda f: data.journey_visits(journey),
        "journey_clocks": lambda f: data.journey_clocks(journey),
        "table_counts": lambda f: data.table_counts(),
        "rejects_by_reason": lambda f: data.rejects_by_reason(),
        "reject_examples": lambda f: data.reject_examples(),
        "load_log": lambda f: data.load_log(),
        "data_quality": lambda f: data.data_quality(),
    }


def test_every_query_of_the_app_returns_the_same_frame_on_postgres(on) -> None:
    with on("duckdb"):
        journey = data.example_journeys(1)[0]
        calls = data_calls(journey)
        expected = {
            (name, i): call(f) for name, call in calls.items() for i, f in enumerate(FILTERS)
        }
    # Not a comparison of empty frames: every query has rows (the golden scenario rejects no
    # row, so the two reject lists are empty) and each filter changes what some query returns.
    empty = {
        name for name in calls if not any(len(expected[(name, i)]) for i in range(len(FILTERS)))
    }
    assert empty == {"rejects_by_reason", "reject_examples"}, empty
    for i in range(1, len(FILTERS)):
        assert any(len(expected[(n, i)]) != len(expected[(n, 0)]) for n in calls), FILTERS[i]
    with on("postgres"):
        for (name, i), frame in expected.items():
            got = calls[name](FILTERS[i])
            pd.testing.assert_frame_equal(
                got.reset_index(drop=True),
                frame.reset_index(drop=True),
                check_dtype=False,
                rtol=1e-9,
                obj=f"{name} (filters {i})",
            )


@pytest.mark.parametrize(
    ("crm", "fmt"),
    [("generic", "csv"), ("salesforce", "csv"), ("hubspot", "csv"), ("generic", "parquet")],
)
def test_export_from_postgres_writes_the_same_bytes(
    on, golden_on_both: Path, tmp_path: Path, crm: str, fmt: str
) -> None:
    from journey_sla.cli import main

    args = ["export", "--crm", crm, "--format", fmt, "--as-of", GOLDEN_AS_OF]
    with on("duckdb"):
        assert main([*args, "--db", str(golden_on_both), "--out", str(tmp_path / "duckdb")]) == 0
    with on("duckdb"):  # the flag, not the environment, picks the engine
        assert main([*args, "--target", "postgres", "--out", str(tmp_path / "postgres")]) == 0
    names = ["due_next_tasks", "breach_alerts", "reassignments"]
    for name in names:
        duck = (tmp_path / "duckdb" / f"{name}.{fmt}").read_bytes()
        pg = (tmp_path / "postgres" / f"{name}.{fmt}").read_bytes()
        assert pg == duck, name
    rows = (
        sum(len(pd.read_csv(tmp_path / "duckdb" / f"{n}.csv")) for n in names)
        if fmt == "csv"
        else 1
    )
    assert rows > 0, "the golden scenario has tasks, alerts or reassignments to export"


def test_postgres_reader_refuses_writes(on) -> None:
    import psycopg2

    with on("postgres"), readers.connect() as reader:
        assert reader.target == "postgres"
        before = reader.query("select count(*) as n from dim_build")["n"].iloc[0]
        # The reader runs queries only ...
        for statement in ("delete from dim_build", "drop table dim_build", "set role postgres"):
            with pytest.raises(readers.NotReadOnly):
                reader.query(statement)
        # ... and the server session is read-only, whatever statement gets through.
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            reader.query("select 1 as one; delete from dim_build")
        with (
            reader.connection.cursor() as cursor,
            pytest.raises(psycopg2.errors.ReadOnlySqlTransaction),
        ):
            cursor.execute("create table written_by_the_app (x int)")
        assert reader.query("select count(*) as n from dim_build")["n"].iloc[0] == before == 1


def test_user_text_is_bound_on_postgres(on) -> None:
    """A hostile value is a value: bound by the driver, never SQL text."""
    hostile = "smb'); drop table mart_action_queue; --"
    with on("postgres"):
        filters = Filters(segments=(hostile,), territories=(hostile,), teams=(hostile,))
        assert data.queue_summary(filters, data.QueueChoices(owners=(hostile,))).empty
        assert data.journey_matches(hostile) == []
        assert data.journey_matches("%") == []  # LIKE wildcards are escaped
        assert data.journey_matches("j_") == []  # "_" too
        with readers.connect() as reader:
            assert "mart_action_queue" in reader.tables()


def test_placeholders_translate_outside_quotes_only() -> None:
    sql = "select '?' as q, '%' as p, \"a?\" from t where x = ? and y like ? escape '!'"
    assert readers.to_pyformat(sql) == (
        "select '?' as q, '%%' as p, \"a?\" from t where x = %s and y like %s escape '!'"
    )
    assert readers.in_list("c", []) == ("false", [])
    assert readers.in_list("c", ["a", "b"]) == ("c in (?, ?)", ["a", "b"])
    with pytest.raises(readers.NotReadOnly):
        readers.check_select("  insert into t values (1)")
    readers.check_select("\n  (with x as (select 1) select * from x)")
    with pytest.raises(ValueError, match="choose one of"):
        readers.current_target("oracle")


def test_target_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(readers.TARGET_VARIABLE, raising=False)
    assert readers.current_target() == "duckdb"
    monkeypatch.setenv(readers.TARGET_VARIABLE, "postgres")
    assert readers.current_target() == "postgres"
    assert readers.current_target("spark") == "spark"
    assert os.environ[readers.TARGET_VARIABLE] == "postgres"
