"""The app and the export read PostgreSQL (issue 11) the way they read DuckDB: same numbers.

The golden scenario (tests/golden/extracts, as_of pinned) is loaded by the real loader, built
by the real ``dbt build`` on DuckDB, published and built again on a throwaway PostgreSQL
cluster: the same builds the equivalence test of tests/test_engines.py proves equal (shared
fixtures, tests/engine_fixtures.py; the cluster fails loudly, never skips). Then:

- every app page renders through Streamlit's AppTest against ``JOURNEY_SLA_TARGET=postgres``
  without an exception and shows the same metrics and tables as against the DuckDB file;
- every query function of the app's data layer returns the same frame on both;
- ``journey-sla export --target postgres`` writes the same bytes as the DuckDB export;
- the PostgreSQL reader refuses writes, in the reader and in the server session.

Spark: the same page, query and export checks against a local Spark session serving the
golden build's tables (copied in, not built there: see ``golden_on_spark``).
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
from tests.engine_fixtures import GOLDEN_AS_OF, environment, run_script

pytestmark = pytest.mark.slow

# PostgreSQL: the golden build of tests/test_engines.py's equivalence test (the shared
# postgres_builds fixture), read here. Spark: the golden build's tables copied in.
POSTGRES_SCHEMA = "journey_sla_golden"
SPARK_SCHEMA = "journey_sla_readers"
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
def golden(golden_warehouse: Path) -> Path:
    """The golden scenario loaded and built on DuckDB (the reference every engine meets)."""
    return golden_warehouse


@pytest.fixture(scope="session")
def golden_on_postgres(golden: Path, postgres_builds: dict[str, str]) -> Path:
    """The golden scenario published and built by dbt on PostgreSQL too (POSTGRES_SCHEMA):
    the build the equivalence test proved equal, all of its nodes passed."""
    assert postgres_builds["golden"] == POSTGRES_SCHEMA
    return golden


@pytest.fixture(scope="session")
def golden_on_spark(golden: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The golden build's served tables as Spark tables of schema SPARK_SCHEMA, in this process's
    Spark session (local mode, Derby metastore in a temp folder).

    Served, not built: a dbt build on Spark takes over ten minutes here (docs/engines.md,
    "Spark status"; tests/test_engines.py proves a Spark build equals DuckDB table for table),
    so the tables DuckDB built are copied in through Parquet the way ``copy_to_spark`` copies
    the raw tables. What this proves is the reading side: the app's and the export's SQL on
    Spark, over the same rows."""
    import duckdb

    from journey_sla.app_logic.warehouse import RELATIONS
    from journey_sla.engines import copy_to_spark, spark_session
    from journey_sla.export import REQUIRED_TABLES

    run_script("install_engines.sh")  # Java 17; fails the test (never skips) without it
    folder = tmp_path_factory.mktemp("readers_spark")
    served = folder / "served"
    with duckdb.connect(str(golden), read_only=True) as connection:
        for table in sorted(set(RELATIONS.names()) | set(REQUIRED_TABLES)):
            (served / table).mkdir(parents=True)
            target = str(served / table / "part-0.parquet")
            connection.execute(f"copy (select * from {table}) to '{target}' (format parquet)")
    with environment(JOURNEY_SLA_SPARK_DIR=str(folder), JOURNEY_SLA_SPARK_MEMORY="4g"):
        # The session the readers get (engines.spark_session() returns an existing one),
        # with its table catalogue in the JVM: one process writes and reads the tables here,
        # and a Derby metastore costs minutes to create on a busy machine.
        session = in_memory_spark(folder)
        copy_to_spark(served, SPARK_SCHEMA)
        assert spark_session() is session
        try:
            yield golden
        finally:
            session.stop()


def in_memory_spark(folder: Path):
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
        .config("spark.driver.memory", "4g")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.codegen.wholeStage.union.enabled", "false")  # as engines.py
        .getOrCreate()
    )


def point_at(warehouse: Path, target: str):
    """Point the app's data layer (and the CLI) at ``target``'s golden build."""
    return environment(
        JOURNEY_SLA_TARGET=target,
        JOURNEY_SLA_DB=str(warehouse),
        JOURNEY_SLA_PG_SCHEMA=POSTGRES_SCHEMA,
        JOURNEY_SLA_SPARK_SCHEMA=SPARK_SCHEMA,
    )


@pytest.fixture
def on(golden_on_postgres: Path) -> Iterator:
    """``with on("postgres"):`` reads PostgreSQL's golden build, ``on("duckdb")`` DuckDB's."""
    yield lambda target: point_at(golden_on_postgres, target)


@pytest.fixture
def on_spark(golden_on_spark: Path) -> Iterator:
    yield lambda target: point_at(golden_on_spark, target)


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


def assert_page_matches_duckdb(on, page: str, target: str) -> None:
    with on("duckdb"):
        expected = shown(render(page))
    with on(target):
        app = render(page)
        assert not app.exception, app.exception
        got = shown(app)
    assert got["title"] == expected["title"] and got["title"], page
    assert "make run" not in " ".join(got["info"]), got["info"]  # no "warehouse missing"
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


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_postgres_with_the_duckdb_numbers(on, page: str) -> None:
    assert_page_matches_duckdb(on, page, "postgres")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_spark_with_the_duckdb_numbers(on_spark, page: str) -> None:
    assert_page_matches_duckdb(on_spark, page, "spark")


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
    # One dimension at a time (the golden scenario's 36 journeys are too few for all at once
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
        "next_step_coverage": data.next_step_coverage,
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


def numbers_as_floats(got: pd.DataFrame, want: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where one engine's column is a nullable integer and the other's a float (a sum is
    HUGEINT, read as float, on DuckDB but BIGINT, a nullable integer, on Spark), compare both
    as floats: the values must still be equal, only pandas' dtype may differ. A known Spark
    difference (docs/engines.md): such a column prints as 3, not 3.0, on a Spark-served page."""
    got, want = got.copy(), want.copy()
    for column in set(got.columns) & set(want.columns):
        mine, theirs = got[column], want[column]
        is_number = [
            pd.api.types.is_integer_dtype(c) or pd.api.types.is_float_dtype(c)
            for c in (mine, theirs)
        ]
        # Both numbers in different dtypes, or one side numbers and the other only absent
        # values (an empty-result row Spark gets back as object None).
        only_absent = [c.dtype == object and c.isna().all() for c in (mine, theirs)]
        if mine.dtype != theirs.dtype and (all(is_number) or (any(is_number) and any(only_absent))):
            got[column] = mine.astype("float64")
            want[column] = theirs.astype("float64")
    return got, want


def assert_queries_match_duckdb(on, target: str) -> None:
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
    with on(target):
        for (name, i), frame in expected.items():
            got, frame = numbers_as_floats(calls[name](FILTERS[i]), frame)
            pd.testing.assert_frame_equal(
                got.reset_index(drop=True),
                frame.reset_index(drop=True),
                check_dtype=False,
                rtol=1e-9,
                obj=f"{name} (filters {i})",
            )


def test_every_query_of_the_app_returns_the_same_frame_on_postgres(on) -> None:
    assert_queries_match_duckdb(on, "postgres")


def test_every_query_of_the_app_returns_the_same_frame_on_spark(on_spark) -> None:
    assert_queries_match_duckdb(on_spark, "spark")


EXPORTS = ("due_next_tasks", "breach_alerts", "reassignments")


def assert_export_matches_duckdb(
    on, warehouse: Path, out: Path, target: str, crm: str, fmt: str
) -> None:
    from journey_sla.cli import main

    # A window of 400 days puts every open clock of the golden scenario in due_next_tasks.
    args = ["export", "--crm", crm, "--format", fmt, "--as-of", GOLDEN_AS_OF]
    args += ["--window-hours", str(400 * 24)]
    with on("duckdb"):
        assert main([*args, "--db", str(warehouse), "--out", str(out / "duckdb")]) == 0
        # the flag, not the environment, picks the engine
        assert main([*args, "--target", target, "--out", str(out / target)]) == 0
    for name in EXPORTS:
        theirs = (out / "duckdb" / f"{name}.{fmt}").read_bytes()
        mine = (out / target / f"{name}.{fmt}").read_bytes()
        assert mine == theirs, name
    if fmt == "csv":
        tasks = pd.read_csv(out / "duckdb" / "due_next_tasks.csv")
        assert len(tasks) >= 3, "the golden scenario has open clocks to export"


@pytest.mark.parametrize(
    ("crm", "fmt"),
    [("generic", "csv"), ("salesforce", "csv"), ("hubspot", "csv"), ("generic", "parquet")],
)
def test_export_from_postgres_writes_the_same_bytes(
    on, golden_on_postgres: Path, tmp_path: Path, crm: str, fmt: str
) -> None:
    assert_export_matches_duckdb(on, golden_on_postgres, tmp_path, "postgres", crm, fmt)


@pytest.mark.parametrize(("crm", "fmt"), [("generic", "csv"), ("generic", "parquet")])
def test_export_from_spark_writes_the_same_bytes(
    on_spark, golden_on_spark: Path, tmp_path: Path, crm: str, fmt: str
) -> None:
    assert_export_matches_duckdb(on_spark, golden_on_spark, tmp_path, "spark", crm, fmt)


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
