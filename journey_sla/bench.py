"""`journey-sla bench`: time generate, load and build at given scales on this machine.

Speed targets live here and in BENCHMARKS.md, never in timed unit tests: the machines are
small and noisy, so compare figures from one run as ratios rather than against a stopwatch.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass
class BenchResult:
    journeys: int
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    model_seconds: dict[str, float] = field(default_factory=dict)


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def machine_description() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scale(
    journeys: int, workdir: Path, steps: Sequence[str], dbt_args: Sequence[str]
) -> BenchResult:
    from journey_sla.build import build_warehouse
    from journey_sla.generate import generate
    from journey_sla.load import load_extracts

    result = BenchResult(journeys)
    extract = workdir / f"extract_{journeys}"
    warehouse = workdir / f"warehouse_{journeys}" / "warehouse.duckdb"
    if "generate" in steps or not (extract / "manifest.json").exists():
        shutil.rmtree(extract, ignore_errors=True)
        rows, result.seconds["generate"] = timed(
            lambda: generate(extract, journeys=journeys, seed=7, show_progress=True)
        )
        result.rows = rows
    if "load" in steps or not warehouse.with_name("warehouse.raw.duckdb").exists():
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        _, result.seconds["load"] = timed(
            lambda: load_extracts(extract, warehouse, replace=True, show_progress=True)
        )
    if "build" in steps:
        build, result.seconds["build"] = timed(
            lambda: build_warehouse(warehouse, dbt_args=dbt_args)
        )
        result.model_seconds = build.node_seconds
    return result


def markdown_report(results: Sequence[BenchResult], command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {when}",
        "",
        f"Machine: {machine_description()}. Command: `{command}`. Peak RSS of the bench process: "
        f"{peak_memory_mib():,.0f} MiB.",
        "",
        "| journeys | generate s | load s | build s | rows written |",
        "|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        cells = [
            f"{result.seconds[step]:.1f}" if step in result.seconds else "–"
            for step in ("generate", "load", "build")
        ]
        rows = f"{sum(result.rows.values()):,}" if result.rows else "–"
        lines.append(f"| {result.journeys:,} | {' | '.join(cells)} | {rows} |")
    for result in results:
        if not result.model_seconds:
            continue
        lines += ["", f"Slowest dbt nodes at {result.journeys:,} journeys:", "",
                  "| node | seconds |", "|---|---:|"]  # fmt: skip
        ranked = sorted(result.model_seconds.items(), key=lambda item: -item[1])
        lines += [f"| {name} | {seconds:.2f} |" for name, seconds in ranked[:15]]
    return "\n".join(lines) + "\n"


# --- Business-time look-ups side by side (`journey-sla bench --lookups`) -------------------

# step -> (column it adds, macro, arguments). The due look-up reads the same clocks, whose
# due_open_seconds is F(start) + budget from DuckDB's ASOF (identical on every engine).
LOOKUP_STEPS = {
    "F(start)": ("open_seconds_at_start", "open_seconds_at", "started_at"),
    "F(end)": ("open_seconds_at_end", "open_seconds_at", "ended_at"),
    "due": ("business_due_at", "instant_at_open_seconds", "due_open_seconds"),
}
# variant -> macro name pattern. ASOF is DuckDB's (duckdb__); the range join is the
# portable default__; the carry-forward (union the probes with the interval index, carry the
# last interval forward with a running max) is what postgres__ and spark__ dispatch to; the
# lateral as-of is PostgreSQL's own as-of idiom (an index probe per row, bench only).
LOOKUP_VARIANTS = {
    "asof": "duckdb__{macro}",
    "range join": "default__{macro}",
    "carry-forward": "_carried_{macro}",
    "lateral as-of": "_lateral_{macro}",
}
# Spark's own as-of join is a DataFrame operation (Dataset.joinAsOf, what pandas-on-Spark's
# merge_asof runs), not SQL: the bench builds it in Python (_spark_join_as_of_views).
SPARK_JOIN_AS_OF = "joinAsOf"
# Each engine's variants; the first is the engine's own as-of join, the yardstick "on the same
# engine's terms"; the last (carry-forward) is compared with every other variant row by row.
ENGINE_VARIANTS = {
    "duckdb": ("asof", "range join", "carry-forward"),
    "postgres": ("lateral as-of", "range join", "carry-forward"),
    "spark": (SPARK_JOIN_AS_OF, "range join", "carry-forward"),
}
LOOKUP_SCHEMA = "lookup_bench"
INTERVALS = "int_calendar_open_intervals"

# Random clocks over two years in five calendars, drawn once in DuckDB and shipped to every
# engine as Parquet, so all engines probe the same instants.
LOOKUP_CLOCKS_SQL = """
select
    clock_id,
    (['default', 'us_east', 'us_west', 'emea', 'apac'])[1 + clock_id % 5] as calendar_id,
    started_at,
    started_at + to_microseconds(cast(exp(random() * 15) * 1000000 as bigint)) as ended_at,
    60 * (15 + random() * 4785) as budget_seconds
from (
    select
        range as clock_id,
        timestamp '2025-01-01'
            + to_microseconds(cast(random() * 730 * 86400 * 1e6 as bigint)) as started_at
    from range({clocks})
)
"""


@dataclass
class LookupTimings:
    engine: str
    # variant -> step -> seconds per round (None: cut off at the timeout)
    seconds: dict[str, dict[str, list[float | None]]] = field(default_factory=dict)
    disagreements: dict[str, int] = field(default_factory=dict)
    load_average: tuple[float, float] = (0.0, 0.0)
    timeout: float = 0.0


def median_seconds(values: Sequence[float | None]) -> float | None:
    finished = sorted(value for value in values if value is not None)
    if not finished or len(finished) < len(values):
        return None
    middle = len(finished) // 2
    if len(finished) % 2:
        return finished[middle]
    return (finished[middle - 1] + finished[middle]) / 2


def render_lookups(target: str, variants: Sequence[str], env: dict[str, str], scratch: Path):
    """Each variant's SQL per step, rendered by dbt for `target`, reading the bench tables."""
    from journey_sla.build import run_dbt

    marker = "-- next query --"
    calls = [f"{{{{ ref('{INTERVALS}') }}}}"]
    variants = [variant for variant in variants if variant in LOOKUP_VARIANTS]
    for variant in variants:
        for column, macro, argument in LOOKUP_STEPS.values():
            name = LOOKUP_VARIANTS[variant].format(macro=macro)
            calls.append(
                f"{{{{ journey_sla.{name}('{LOOKUP_SCHEMA}.bench_clocks', 'calendar_id', "
                f"'{argument}', '{column}') }}}}"
            )
    result = run_dbt(
        ["compile", "--quiet", "--target", target, "--inline", marker.join(calls),
         "--target-path", str(scratch / f"target_{target}"),
         "--log-path", str(scratch / f"logs_{target}")],
        env,
    )  # fmt: skip
    if result.exception is not None or not result.success:
        raise RuntimeError(f"dbt compile --target {target} failed: {result.exception}")
    rendered = result.result.results[0].node.compiled_code.split(marker)
    intervals, queries = rendered[0].strip(), iter(rendered[1:])
    bench_intervals = f"{LOOKUP_SCHEMA}.bench_intervals"
    return {
        variant: {step: next(queries).replace(intervals, bench_intervals) for step in LOOKUP_STEPS}
        for variant in variants
    }


def prepare_lookup_data(warehouse: Path, clocks: int, out: Path) -> Path:
    """bench_clocks (with due_open_seconds from the ASOF) and the warehouse's interval index
    as ``out/<table>/part-0.parquet``, the layout engines.copy_to_postgres/spark read."""
    import duckdb

    for table in ("bench_clocks", "bench_intervals"):
        (out / table).mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        schema = connection.execute(
            "select table_schema from information_schema.tables where table_name = ?",
            [INTERVALS],
        ).fetchone()[0]
        connection.execute(
            f"copy (select * from {schema}.{INTERVALS}) to ? (format parquet)",
            [str(out / "bench_intervals" / "part-0.parquet")],
        )
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute("select setseed(0.42)")
        connection.execute(f"create schema {LOOKUP_SCHEMA}")
        connection.execute(
            f"create table {LOOKUP_SCHEMA}.bench_intervals as select * from read_parquet(?)",
            [str(out / "bench_intervals" / "part-0.parquet")],
        )
        connection.execute(
            f"create table {LOOKUP_SCHEMA}.bench_clocks as "
            + LOOKUP_CLOCKS_SQL.format(clocks=clocks)
        )
        # F(start) by the plain ASOF with a calendar equality (independent of the macros).
        connection.execute(
            f"""
            copy (
                select clocks.*,
                    clocks.budget_seconds + case
                        when intervals.calendar_id is not null then
                            cast(intervals.cumulative_seconds_before * 1000000 + least(
                                date_diff('microsecond', intervals.opens_at, clocks.started_at),
                                intervals.open_seconds * 1000000) as double) / 1000000
                        else 0
                    end as due_open_seconds
                from {LOOKUP_SCHEMA}.bench_clocks as clocks
                asof left join {LOOKUP_SCHEMA}.bench_intervals as intervals
                    on clocks.calendar_id = intervals.calendar_id
                    and clocks.started_at >= intervals.opens_at
                order by clock_id
            ) to ? (format parquet)
            """,
            [str(out / "bench_clocks" / "part-0.parquet")],
        )
    return out


class _Runner:
    """Runs one statement on an engine with a timeout; returns seconds or None."""

    def __init__(self, engine: str, published: Path, timeout: float) -> None:
        self.engine, self.timeout = engine, timeout
        if engine == "duckdb":
            import duckdb

            self.connection = duckdb.connect()
            self.connection.execute("set TimeZone = 'UTC'")
            self.connection.execute(f"set threads = {os.environ.get('JOURNEY_SLA_THREADS', '2')}")
            self.connection.execute(f"create schema {LOOKUP_SCHEMA}")
            for table in ("bench_clocks", "bench_intervals"):
                self.connection.execute(
                    f"create table {LOOKUP_SCHEMA}.{table} as select * from read_parquet(?)",
                    [str(published / table / "part-0.parquet")],
                )
        elif engine == "postgres":
            from journey_sla.engines import copy_to_postgres, postgres_connect

            copy_to_postgres(published, LOOKUP_SCHEMA)
            self.connection = postgres_connect()
            self.connection.autocommit = True
            with self.connection.cursor() as cursor:
                # The btrees the lateral as-of probes (PostgreSQL's as-of needs them; the
                # range join and the carry-forward do not use them).
                for columns in ("calendar_id, opens_at", "calendar_id, cumulative_seconds_before"):
                    cursor.execute(f"create index on {LOOKUP_SCHEMA}.bench_intervals ({columns})")
                for table in ("bench_clocks", "bench_intervals"):
                    cursor.execute(f"analyze {LOOKUP_SCHEMA}.{table}")
        else:
            from journey_sla.engines import copy_to_spark, spark_session

            copy_to_spark(published, LOOKUP_SCHEMA)
            self.session = spark_session()
            self.views = _spark_join_as_of_views(self.session)

    def run(self, sql: str, result_table: str) -> float | None:
        import threading

        began = time.perf_counter()
        if self.engine == "duckdb":
            import duckdb

            timer = threading.Timer(self.timeout, self.connection.interrupt)
            timer.start()
            try:
                self.connection.execute(f"create or replace temp table {result_table} as {sql}")
            except duckdb.InterruptException:
                return None
            finally:
                timer.cancel()
        elif self.engine == "postgres":
            import psycopg2

            with self.connection.cursor() as cursor:
                cursor.execute(f"drop table if exists {result_table}")
                cursor.execute(f"set statement_timeout = '{int(self.timeout * 1000)}ms'")
                try:
                    cursor.execute(f"create temp table {result_table} as {sql}")
                except psycopg2.errors.QueryCanceled:
                    return None
                finally:
                    cursor.execute("set statement_timeout = 0")
        else:
            # Spark: run the whole plan, write nothing (the noop sink).
            context = self.session.sparkContext
            context.setJobGroup(result_table, result_table, interruptOnCancel=True)
            timer = threading.Timer(self.timeout, lambda: context.cancelJobGroup(result_table))
            timer.start()
            try:
                self.session.sql(sql).write.format("noop").mode("overwrite").save()
            except Exception as error:  # noqa: BLE001  (py4j wraps the cancellation)
                if "cancel" not in str(error).lower():
                    raise
                return None
            finally:
                timer.cancel()
        return time.perf_counter() - began

    def disagreements(self, sql_a: str, sql_b: str, column: str) -> int:
        """Clocks whose value differs between two variants (null-safe)."""
        if self.engine == "spark":
            differs = f"not (a.{column} <=> b.{column})"
        else:
            differs = f"a.{column} is distinct from b.{column}"
        query = (
            f"select count(*) from ({sql_a}) as a inner join ({sql_b}) as b "
            f"on a.clock_id = b.clock_id where {differs}"
        )
        if self.engine == "duckdb":
            return self.connection.execute(query).fetchone()[0]
        if self.engine == "postgres":
            with self.connection.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetchone()[0]
        return self.session.sql(query).collect()[0][0]


def _spark_join_as_of_views(session) -> dict[str, str]:
    """Spark's own as-of join (Dataset.joinAsOf, backward, by calendar) for each look-up, as
    temp views: step -> ``select * from <view>``. The values follow the macros' rules to the
    microsecond (open_seconds_at's F; instant_at_open_seconds' strict before < C <= after);
    the bench counts the rows where they differ from the carry-forward's (must be 0)."""
    from pyspark.sql import functions as sf

    clocks = session.table(f"{LOOKUP_SCHEMA}.bench_clocks")
    intervals = session.table(f"{LOOKUP_SCHEMA}.bench_intervals").select(
        sf.col("calendar_id").alias("interval_calendar_id"),
        sf.unix_micros("opens_at").alias("interval_opens_us"),
        sf.unix_micros("closes_at").alias("interval_closes_us"),
        (sf.col("cumulative_seconds_before") * 1000000).alias("interval_before_us"),
        (sf.col("cumulative_seconds_after") * 1000000).alias("interval_after_us"),
        sf.col("open_seconds").alias("interval_open_seconds"),
    )
    calendars = (
        session.table(f"{LOOKUP_SCHEMA}.bench_intervals")
        .select(sf.col("calendar_id").alias("known_calendar_id"))
        .distinct()
    )
    views = {}
    for step, (column, _, argument) in LOOKUP_STEPS.items():
        view = f"lookup_join_as_of_{column}"
        # due: the last interval with before < C (strict); F(at): the last with opens_at <= at.
        is_due = step == "due"
        probe = (
            sf.round(sf.col(argument) * 1000000).cast("bigint")
            if is_due
            else sf.unix_micros(argument)
        )
        probes = clocks.withColumn("probe_us", probe)
        interval_key = intervals.interval_before_us if is_due else intervals.interval_opens_us
        matched = probes._joinAsOf(
            intervals, leftAsOfColumn=probes.probe_us, rightAsOfColumn=interval_key,
            on=probes.calendar_id == intervals.interval_calendar_id,
            how="left", allowExactMatches=not is_due, direction="backward",
        )  # fmt: skip
        if is_due:
            value = sf.when(
                sf.col("probe_us") <= sf.col("interval_after_us"),
                sf.timestamp_micros(
                    sf.col("interval_opens_us") + sf.col("probe_us") - sf.col("interval_before_us")
                ),
            )
        else:
            matched = matched.join(
                sf.broadcast(calendars),
                matched.calendar_id == calendars.known_calendar_id,
                "left",
            )
            value = sf.when(
                sf.col("interval_calendar_id").isNotNull(),
                (
                    sf.col("interval_before_us")
                    + sf.when(
                        sf.col("probe_us") >= sf.col("interval_closes_us"),
                        sf.col("interval_open_seconds") * 1000000,
                    ).otherwise(sf.col("probe_us") - sf.col("interval_opens_us"))
                ).cast("double")
                / 1000000,
            ).when(
                sf.col("probe_us").isNotNull() & sf.col("known_calendar_id").isNotNull(),
                sf.lit(0.0),
            )
        result = matched.select(*[sf.col(name) for name in clocks.columns], value.alias(column))
        result.createOrReplaceTempView(view)
        views[step] = f"select * from {view}"
    return views


def lookup_bench(
    engine: str,
    published: Path,
    env: dict[str, str],
    scratch: Path,
    rounds: int = 3,
    timeout: float = 120.0,
    slow_rounds: int = 1,
) -> LookupTimings:
    """Time every variant on one engine, alternating variants within each round.

    A variant cut off at the timeout is not run again (rounds for it: slow_rounds at most).
    """
    variants = ENGINE_VARIANTS[engine]
    runner = _Runner(engine, published, timeout)
    queries = render_lookups(engine, variants, env, scratch)
    if SPARK_JOIN_AS_OF in variants:
        queries[SPARK_JOIN_AS_OF] = runner.views
    timings = LookupTimings(
        engine, {variant: {step: [] for step in LOOKUP_STEPS} for variant in variants}
    )
    before = os.getloadavg()[0]
    for round_number in range(rounds):
        for variant in variants:
            for step in LOOKUP_STEPS:
                done = timings.seconds[variant][step]
                if None in done or (variant == "range join" and engine != "duckdb"
                                    and round_number >= slow_rounds):  # fmt: skip
                    continue
                table = f"lookup_{variant.replace(' ', '_').replace('-', '_')}_{len(done)}"
                done.append(
                    runner.run(queries[variant][step], f"{table}_{list(LOOKUP_STEPS).index(step)}")
                )
                print(f"{engine} {variant} {step} round {round_number + 1}: {done[-1]}", flush=True)
    reference = variants[-1]  # carry-forward, compared with every other variant
    for variant in variants[:-1]:
        if any(None in timings.seconds[variant][step] for step in LOOKUP_STEPS):
            continue
        for step, (column, _, _) in LOOKUP_STEPS.items():
            timings.disagreements[f"{variant} vs {reference}, {step}"] = runner.disagreements(
                queries[variant][step], queries[reference][step], column
            )
    timings.load_average = (before, os.getloadavg()[0])
    timings.timeout = timeout
    return timings


def run_lookup_bench(
    workdir: Path, engines: Sequence[str], clocks: int, rounds: int, timeout: float
) -> list[LookupTimings]:
    """A small built warehouse supplies the interval index (five calendars, about 5.5k
    intervals over the data's range); the clocks are drawn once and shipped to each engine."""
    from journey_sla.paths import raw_path_for

    warehouse = workdir / "warehouse_300" / "warehouse.duckdb"
    if not warehouse.exists():
        run_scale(300, workdir, ["generate", "load", "build"], [])
    published = prepare_lookup_data(warehouse, clocks, workdir / f"lookups_{clocks}")
    env = {
        "JOURNEY_SLA_BUILD_DB": str(warehouse),
        "JOURNEY_SLA_RAW_DB": str(raw_path_for(warehouse)),
    }
    return [
        lookup_bench(engine, published, env if engine == "duckdb" else {}, workdir, rounds, timeout)
        for engine in engines
    ]


def _ratios(values_by_step: dict, base_by_step: dict | None, timeout: float) -> str:
    """'a× / b× / c×' per step: this variant's median over the base variant's. A base cut off
    at the timeout took longer than it, so the ratio is below median ÷ timeout ('< x×'); '–'
    when this variant was cut off or there is no base."""
    ratios = []
    for step, values in values_by_step.items():
        middle = median_seconds(values)
        base_values = base_by_step.get(step) if base_by_step else None
        base = median_seconds(base_values) if base_values else None
        if middle is None or not base_values:
            ratios.append("–")
        elif base is None:
            ratios.append(f"< {middle / timeout:.2f}×")
        else:
            ratios.append(f"{middle / base:.1f}×")
    return " / ".join(ratios)


def lookup_report(results: Sequence[LookupTimings], clocks: int, command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    asof = next((r.seconds.get("asof") for r in results if r.engine == "duckdb"), None)
    lines = [
        f"### Business-time look-ups side by side, {clocks:,} clocks, {when}",
        "",
        f"Machine: {machine_description()}. Command: `{command}`. Median of the rounds "
        "(variants alternate within each round). Ratios per step (F(start) / F(end) / due): "
        "÷ the engine's own as-of join (DuckDB ASOF JOIN, PostgreSQL LATERAL index probe, "
        "Spark joinAsOf), and ÷ DuckDB's ASOF.",
        "",
        "| engine | variant | "
        + " | ".join(LOOKUP_STEPS)
        + " | ÷ engine's own as-of | ÷ DuckDB ASOF | rounds | load avg |",
        "|---|---|" + "---:|" * len(LOOKUP_STEPS) + "---|---|---:|---|",
    ]
    for result in results:
        own = result.seconds.get(ENGINE_VARIANTS[result.engine][0])
        for variant, steps in result.seconds.items():
            cells = []
            for values in steps.values():
                middle = median_seconds(values)
                if middle is None:
                    cells.append(f"> {result.timeout:.0f} s (cut off)" if values else "–")
                else:
                    cells.append(f"{middle:.2f} s")
            count = max(len(values) for values in steps.values())
            load = f"{result.load_average[0]:.1f}–{result.load_average[1]:.1f}"
            lines.append(
                f"| {result.engine} | {variant} | {' | '.join(cells)} "
                f"| {_ratios(steps, own, result.timeout)} "
                f"| {_ratios(steps, asof, result.timeout)} | {count} | {load} |"
            )
    lines += ["", "Rows that differ between variants (must be 0):", ""]
    for result in results:
        for check, count in result.disagreements.items():
            lines.append(f"- {result.engine}: {check}: {count}")
    return "\n".join(lines) + "\n"
