"""The carry-forward business-time look-ups (what postgres__ and spark__ dispatch to) run on
DuckDB against the ASOF (duckdb__) and the range join (default__), at every interval edge;
and the bench's median. The 1M-clock timing itself is `journey-sla bench --lookups`
(BENCHMARKS.md), never a timed test."""

from __future__ import annotations

from datetime import datetime

import pytest

from journey_sla.bench import LOOKUP_VARIANTS, median_seconds
from tests.test_business_time import CalendarWarehouse, calendar_warehouse  # noqa: F401

# Probes at each open interval's edges (one microsecond either side of every opening and
# closing, and the edges themselves), and due targets on each interval's cumulative bounds.
PROBES_SQL = """
create or replace temp table lookup_probes as
with edges as (
    select calendar_id, opens_at as edge_at, cumulative_seconds_before as edge_seconds
    from int_calendar_open_intervals
    union all
    select calendar_id, closes_at, cumulative_seconds_after
    from int_calendar_open_intervals
)
select
    row_number() over (order by calendar_id, edge_at, shift_us, edge_seconds) as clock_id,
    calendar_id,
    edge_at + to_microseconds(shift_us) as probe_at,
    edge_seconds + shift_us / 1000000 as due_open_seconds
from edges, (select unnest([-1, 0, 1]) as shift_us)
union all
select -1, 'mars', timestamp '2025-06-02 09:00', 60.0
"""


def _render(warehouse: CalendarWarehouse, variant: str) -> tuple[str, str]:
    open_seconds = LOOKUP_VARIANTS[variant].format(macro="open_seconds_at")
    instant = LOOKUP_VARIANTS[variant].format(macro="instant_at_open_seconds")
    marker = "-- next query --"
    sql = warehouse.render(
        f"{{{{ journey_sla.{open_seconds}('lookup_probes', 'calendar_id', 'probe_at', 'f') }}}}"
        + marker
        + f"{{{{ journey_sla.{instant}('lookup_probes', 'calendar_id', "
        "'due_open_seconds', 'due_at') }}"
    )
    open_sql, instant_sql = sql.split(marker)
    return open_sql, instant_sql


@pytest.mark.slow
def test_carry_forward_equals_asof_and_range_join_at_every_edge(
    calendar_warehouse: CalendarWarehouse,  # noqa: F811
) -> None:
    # The lateral as-of is PostgreSQL's own as-of idiom, the bench's yardstick there (its
    # probe bound is PostgreSQL numeric arithmetic); the bench counts its rows that differ
    # from the carry-forward on PostgreSQL.
    rendered = {
        variant: _render(calendar_warehouse, variant)
        for variant in LOOKUP_VARIANTS
        if variant != "lateral as-of"
    }
    assert "max(interval_number) over" in rendered["carry-forward"][0]
    with calendar_warehouse.connect() as connection:
        connection.execute(PROBES_SQL)
        probes = connection.execute("select count(*) from lookup_probes").fetchone()[0]
        assert probes > 10_000  # five calendars, thousands of intervals, 12 probes each
        results = {}
        for variant, (open_sql, instant_sql) in rendered.items():
            results[variant] = dict(
                (row[0], row[1:])
                for row in connection.execute(
                    f"select o.clock_id, o.f, i.due_at from ({open_sql}) as o "
                    f"inner join ({instant_sql}) as i using (clock_id)"
                ).fetchall()
            )
            assert len(results[variant]) == probes, variant
        assert results["carry-forward"] == results["asof"]
        assert results["carry-forward"] == results["range join"]

        # Hand-worked on `default` (Mon–Fri 09:00–17:00 UTC, see test_engine_boundaries):
        # Mon 2025-06-02 09:00 opens an interval; F there equals F at Fri 17:00 before (the
        # weekend adds nothing), one microsecond later it has grown by 1e-6 s, and at 17:00
        # by 8 h = 28,800 s. A target of F(09:00) + 28,800 is due at 17:00 itself, not at
        # Tuesday's opening; one microsecond more is due at Tue 09:00:00.000001.
        connection.execute(
            "create or replace temp table lookup_probes as select * from (values "
            "(1, 'default', timestamp '2025-05-30 17:00:00', 0.0), "
            "(2, 'default', timestamp '2025-06-02 09:00:00', 0.0), "
            "(3, 'default', timestamp '2025-06-02 09:00:00.000001', 0.0), "
            "(4, 'default', timestamp '2025-06-02 17:00:00', 0.0)"
            ") as t(clock_id, calendar_id, probe_at, due_open_seconds)"
        )
        open_sql, _ = rendered["carry-forward"]
        f = dict(connection.execute(f"select clock_id, f from ({open_sql})").fetchall())
        assert f[2] == f[1]
        assert f[3] - f[2] == pytest.approx(1e-6, abs=1e-9)
        assert f[4] - f[2] == 28_800
        on_closing, after_closing = f[2] + 28_800, f[2] + 28_800 + 1e-6
        connection.execute(
            "create or replace temp table lookup_probes as select * from (values "
            f"(1, 'default', timestamp '2025-06-02 09:00', cast({on_closing!r} as double)), "
            f"(2, 'default', timestamp '2025-06-02 09:00', cast({after_closing!r} as double))"
            ") as t(clock_id, calendar_id, probe_at, due_open_seconds)"
        )
        _, instant_sql = rendered["carry-forward"]
        due = dict(connection.execute(f"select clock_id, due_at from ({instant_sql})").fetchall())
        assert due[1] == datetime(2025, 6, 2, 17)
        assert due[2] == datetime(2025, 6, 3, 9, 0, 0, 1)


def test_median_of_rounds() -> None:
    assert median_seconds([3.0, 1.0, 2.0]) == 2.0  # sorted 1, 2, 3: the middle
    assert median_seconds([4.0, 1.0, 2.0, 3.0]) == 2.5  # (2 + 3) / 2
    assert median_seconds([1.0, None]) is None  # a round cut off: no median
    assert median_seconds([]) is None


def test_ratios_bound_a_cut_off_base() -> None:
    from journey_sla.bench import _ratios

    steps = {"F(start)": [2.0], "F(end)": [3.0], "due": [None]}
    base = {"F(start)": [1.0], "F(end)": [None], "due": [1.0]}
    # 2 ÷ 1; the base ran past the 120 s cut-off, so 3 s is under 3/120 of it; this variant
    # was cut off itself: no ratio.
    assert _ratios(steps, base, 120.0) == "2.0× / < 0.03× / –"
    assert _ratios(steps, None, 120.0) == "– / – / –"
