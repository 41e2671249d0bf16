"""Business-time look-ups on PostgreSQL, 1M random clocks: range join vs carry-forward.

    JOURNEY_SLA_PG_PORT=... JOURNEY_SLA_PG_SCHEMA=journey_sla \
        .venv/bin/python scripts/bench_business_time_engines.py [--clocks 1000000] [--rounds 3]

Needs a PostgreSQL schema built by `journey-sla build --target postgres` (it reads that
schema's int_calendar_open_intervals). Renders the macros with `dbt compile --inline` for the
postgres target: `default__` (the portable range join) and `postgres__` (union the probes
with the interval index, carry the last interval forward with a running max). Prints the best
of --rounds per look-up and checks that both agree on every clock. DuckDB's figures for the
same look-ups come from tests/test_business_time.py (JOURNEY_SLA_BENCH=1).
"""

from __future__ import annotations

import argparse
import time

from journey_sla.build import run_dbt
from journey_sla.engines import postgres_connect, served_schema

STEPS = {
    "F(start)": (
        "open_seconds_at_start",
        "open_seconds_at('bench_clocks', 'calendar_id', 'started_at', 'open_seconds_at_start')",
    ),
    "F(end)": (
        "open_seconds_at_end",
        "open_seconds_at('bench_clocks', 'calendar_id', 'ended_at', 'open_seconds_at_end')",
    ),
    "due": (
        "business_due_at",
        "instant_at_open_seconds("
        "'bench_targets', 'calendar_id', 'due_open_seconds', 'business_due_at')",
    ),
}

CLOCKS_SQL = """
create temp table bench_clocks as
select
    clock_id,
    (array['default', 'us_east', 'us_west', 'emea', 'apac'])[1 + clock_id % 5] as calendar_id,
    started_at,
    started_at + exp(random() * 15) * interval '1 second' as ended_at,
    60 * (15 + random() * 4785) as budget_seconds
from (
    select
        clock_id,
        timestamp '2025-01-01' + random() * 730 * interval '1 day' as started_at
    from generate_series(0, {clocks} - 1) as clock_id
) as clocks
"""


def render(sql: str) -> str:
    result = run_dbt(["compile", "--quiet", "--target", "postgres", "--inline", sql], {})
    return result.result.results[0].node.compiled_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-range-join",
        action="store_true",
        help="time the carry-forward only (the range join takes minutes per look-up at 1M)",
    )
    args = parser.parse_args()
    marker = "-- next query --"
    variants = {}
    chosen = [("carry-forward", "postgres__")]
    if not args.no_range_join:
        chosen.insert(0, ("range join", "default__"))
    for variant, prefix in chosen:
        calls = [f"{{{{ journey_sla.{prefix}{call} }}}}" for _, call in STEPS.values()]
        variants[variant] = dict(zip(STEPS, render(marker.join(calls)).split(marker), strict=True))
    connection = postgres_connect()
    connection.autocommit = True
    timings: dict[str, dict[str, float]] = {variant: {} for variant in variants}
    with connection.cursor() as cursor:
        cursor.execute(f'set search_path to "{served_schema("postgres")}", public')
        cursor.execute("select setseed(0.42)")
        cursor.execute(CLOCKS_SQL.format(clocks=args.clocks))
        cursor.execute("analyze bench_clocks")
        cursor.execute(
            "create temp table bench_targets as select *, open_seconds_at_start + budget_seconds"
            f" as due_open_seconds from ({variants['carry-forward']['F(start)']}) as started"
        )
        cursor.execute("analyze bench_targets")
        for _ in range(args.rounds):
            for variant, steps in variants.items():
                for step, sql in steps.items():
                    table = f"result_{variant.replace(' ', '_').replace('-', '_')}_{len(step)}"
                    cursor.execute(f"drop table if exists {table}")
                    began = time.perf_counter()
                    cursor.execute(f"create temp table {table} as {sql}")
                    seconds = time.perf_counter() - began
                    timings[variant][step] = min(timings[variant].get(step, seconds), seconds)
        for step, (column, _) in STEPS.items():
            if args.no_range_join:
                break
            cursor.execute(
                f"select count(*) from result_range_join_{len(step)} as a"
                f" join result_carry_forward_{len(step)} as b using (clock_id)"
                f" where a.{column} is distinct from b.{column}"
            )
            disagreements = cursor.fetchone()[0]
            assert disagreements == 0, (step, disagreements)
    for variant, timing in timings.items():
        print(f"{variant:14s} " + "  ".join(f"{s} {t:6.2f} s" for s, t in timing.items()))


if __name__ == "__main__":
    main()
