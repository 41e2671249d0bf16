"""Business time: hand-worked cases for the Python reference, then the SQL engine against it.

The reference (tests/reference/business_time.py) walks the calendar day by day; the engine
(models/intermediate/calendars, macros/business_time) looks instants up in a cumulative
index. Part (a) pins the reference to values worked out by hand; part (b) builds the
calendar models with dbt into a temporary DuckDB file, renders the macros with
`dbt compile --inline`, runs them over a few thousand random clocks and compares them with
the reference to the millisecond. Set JOURNEY_SLA_BENCH=1 to also time the look-ups on one
million clocks (part (c)).
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from journey_sla.build import run_dbt
from journey_sla.contract import TABLES
from tests.reference import business_time as reference

CALENDARS = reference.load_calendars()

# ---------------------------------------------------------------------------------------
# (a) Hand-worked cases. Instants are UTC. Offsets: New York EST −5 / EDT −4 (2025: EDT
# from Sun 03-09, EST from Sun 11-02); Los Angeles PDT −7 in June; Berlin CET +1 / CEST +2
# (CEST from Sun 03-30, CET from Sun 10-26); Singapore +8. Calendars as shipped in seeds/.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueCase:
    name: str
    calendar_id: str
    start: datetime
    budget_seconds: float
    due: datetime


DUE_CASES = [
    # Mon 08:00 EDT, before opening: the hour starts at 09:00 EDT, due 10:00 EDT.
    DueCase("before_opening", "us_east", datetime(2025, 6, 2, 12), 3600, datetime(2025, 6, 2, 14)),
    # Mon 18:30 EDT, after closing: Tue opens 09:00 EDT (13:00 UTC), due 09:30 EDT.
    DueCase(
        "after_closing", "us_east", datetime(2025, 6, 2, 22, 30), 1800, datetime(2025, 6, 3, 13, 30)
    ),
    # Saturday: nothing until Mon 09:00 UTC, two hours later is 11:00.
    DueCase("weekend", "default", datetime(2025, 6, 7, 10), 7200, datetime(2025, 6, 9, 11)),
    # Thu 16:00 EDT: one hour on Thursday, Fri 07-04 is Independence Day, the weekend, then
    # the second hour is Mon 09:00–10:00 EDT.
    DueCase("over_holiday", "us_east", datetime(2025, 7, 3, 20), 7200, datetime(2025, 7, 7, 14)),
    # Wed 12:00 CEST: 30 min until the 12:30 lunch break, 30 more from 13:30: due 14:00 CEST.
    DueCase("across_lunch", "emea", datetime(2025, 6, 4, 10), 3600, datetime(2025, 6, 4, 12)),
    # Wed 13:00 CEST, during lunch: counts from 13:30, due 13:45 CEST.
    DueCase("start_at_lunch", "emea", datetime(2025, 6, 4, 11), 900, datetime(2025, 6, 4, 11, 45)),
    # Fri 16:00 EST: one hour on Friday; New York springs forward on Sunday, so Monday opens
    # 09:00 EDT = 13:00 UTC (not 14:00) and the second hour ends 14:00 UTC.
    DueCase(
        "ny_spring_forward_weekend",
        "us_east",
        datetime(2025, 3, 7, 21),
        7200,
        datetime(2025, 3, 10, 14),
    ),
    # Fri 16:30 EDT: 30 min on Friday; after the fall-back Monday opens 09:00 EST = 14:00
    # UTC, due 09:30 EST.
    DueCase(
        "ny_fall_back_weekend",
        "us_east",
        datetime(2025, 10, 31, 20, 30),
        3600,
        datetime(2025, 11, 3, 14, 30),
    ),
    # Fri 17:00 CET: one hour on Friday; Monday (CEST) opens 09:00 = 07:00 UTC, due 08:00.
    DueCase(
        "berlin_spring_forward_weekend",
        "emea",
        datetime(2025, 3, 28, 16),
        7200,
        datetime(2025, 3, 31, 8),
    ),
    # Fri 17:30 CEST: 30 min on Friday; Monday (CET) opens 09:00 = 08:00 UTC, due 08:30.
    DueCase(
        "berlin_fall_back_weekend",
        "emea",
        datetime(2025, 10, 24, 15, 30),
        3600,
        datetime(2025, 10, 27, 8, 30),
    ),
    # Mon 09:00 EDT + exactly 8 h = the 17:00 EDT closing, not Tuesday's opening.
    DueCase(
        "due_on_closing", "us_east", datetime(2025, 6, 2, 13), 8 * 3600, datetime(2025, 6, 2, 21)
    ),
    # 09:00 CEST + 3.5 h = the 12:30 lunch closing, not the 13:30 reopening.
    DueCase(
        "due_on_lunch_closing",
        "emea",
        datetime(2025, 6, 4, 7),
        3.5 * 3600,
        datetime(2025, 6, 4, 10, 30),
    ),
    # Tue 12:00 + 5 h = 17:00 closing, not Wed 09:00.
    DueCase(
        "due_on_closing_mid_day_start",
        "default",
        datetime(2025, 6, 3, 12),
        5 * 3600,
        datetime(2025, 6, 3, 17),
    ),
    # Starting exactly at a closing time counts from the next opening: Wed 09:01.
    DueCase(
        "start_on_closing", "default", datetime(2025, 6, 3, 17), 60, datetime(2025, 6, 4, 9, 1)
    ),
    # Starting exactly at an opening: one second later.
    DueCase(
        "start_on_opening", "default", datetime(2025, 6, 3, 9), 1, datetime(2025, 6, 3, 9, 0, 1)
    ),
    # Fractions are kept: 0.75 s left on Tuesday, 0.75 s on Wednesday.
    DueCase(
        "fractional_seconds",
        "default",
        datetime(2025, 6, 3, 16, 59, 59, 250000),
        1.5,
        datetime(2025, 6, 4, 9, 0, 0, 750000),
    ),
    # Singapore Fri 17:00 SGT (09:00 UTC): one hour Friday, Mon 09:00–10:00 SGT: 02:00 UTC.
    DueCase("singapore_weekend", "apac", datetime(2025, 6, 6, 9), 7200, datetime(2025, 6, 9, 2)),
]


@dataclass(frozen=True)
class ElapsedCase:
    name: str
    calendar_id: str
    start: datetime
    end: datetime
    seconds: float


ELAPSED_CASES = [
    # Mon 08:00 → 10:00 EDT: only 09:00–10:00 is open.
    ElapsedCase(
        "before_opening", "us_east", datetime(2025, 6, 2, 12), datetime(2025, 6, 2, 14), 3600
    ),
    # Wed 12:00 → 14:00 CEST: 12:00–12:30 and 13:30–14:00.
    ElapsedCase("across_lunch", "emea", datetime(2025, 6, 4, 10), datetime(2025, 6, 4, 12), 3600),
    # Sat 10:00 → Mon 11:00 UTC: Monday 09:00–11:00.
    ElapsedCase("weekend", "default", datetime(2025, 6, 7, 10), datetime(2025, 6, 9, 11), 7200),
    # Fri 09:00 EST → Mon 17:00 EDT: two full days, although the UTC span is 3 days 7 h.
    ElapsedCase(
        "ny_spring_forward", "us_east", datetime(2025, 3, 7, 14), datetime(2025, 3, 10, 21), 57600
    ),
    # Fri 09:00 CEST → Mon 18:00 CET: two full split days of 8 h.
    ElapsedCase(
        "berlin_fall_back", "emea", datetime(2025, 10, 24, 7), datetime(2025, 10, 27, 17), 57600
    ),
    # Thu 09:00 EDT → Mon 09:00 EDT over Independence Day: Thursday only.
    ElapsedCase(
        "over_holiday", "us_east", datetime(2025, 7, 3, 13), datetime(2025, 7, 7, 13), 28800
    ),
    # Closed time only (Friday's close to Monday's opening): nothing.
    ElapsedCase("closed_span", "default", datetime(2025, 6, 6, 17), datetime(2025, 6, 9, 9), 0),
]


@dataclass(frozen=True)
class DaysCase:
    name: str
    calendar_id: str
    start: datetime
    days: int
    due: datetime


DAYS_CASES = [
    # Thu 11:00 EDT, 2 business days: Friday, then Monday; Monday closes 17:00 EDT.
    DaysCase("across_weekend", "us_east", datetime(2025, 6, 5, 15), 2, datetime(2025, 6, 9, 21)),
    # Wed 07-02, 2 business days: Thursday, then (Fri 07-04 holiday, weekend) Monday 07-07.
    DaysCase("across_holiday", "us_east", datetime(2025, 7, 2, 15), 2, datetime(2025, 7, 7, 21)),
    # Thu 10-02, 1 business day: Fri 10-03 is German Unity Day, so Monday, 18:00 CEST.
    DaysCase(
        "across_german_holiday", "emea", datetime(2025, 10, 2, 10), 1, datetime(2025, 10, 6, 16)
    ),
    # Saturday is day 0 although not a business day: 1 business day is Monday.
    DaysCase("start_on_saturday", "us_east", datetime(2025, 6, 7, 15), 1, datetime(2025, 6, 9, 21)),
    # Independence Day is day 0: 1 business day is Monday.
    DaysCase("start_on_holiday", "us_east", datetime(2025, 7, 4, 15), 1, datetime(2025, 7, 7, 21)),
    # Thu 20:00 UTC is already Fri 04:00 in Singapore: day 0 is Friday, so Monday 18:00 SGT.
    DaysCase(
        "local_date_ahead_of_utc", "apac", datetime(2025, 6, 5, 20), 1, datetime(2025, 6, 9, 10)
    ),
    # Sat 03:00 UTC is still Fri 20:00 in Los Angeles: day 0 is Friday, so Monday 17:00 PDT
    # = Tue 00:00 UTC.
    DaysCase("local_date_behind_utc", "us_west", datetime(2025, 6, 7, 3), 1, datetime(2025, 6, 10)),
    # Fri 03-07 (EST) + 1 business day = Monday after the spring-forward: 17:00 EDT = 21:00 UTC.
    DaysCase(
        "ny_spring_forward", "us_east", datetime(2025, 3, 7, 15), 1, datetime(2025, 3, 10, 21)
    ),
    # Split day: the due is the close of the afternoon interval, 18:00 CET = 17:00 UTC.
    DaysCase(
        "berlin_fall_back_split_day",
        "emea",
        datetime(2025, 10, 24, 9),
        1,
        datetime(2025, 10, 27, 17),
    ),
]


@pytest.mark.parametrize("case", DUE_CASES, ids=lambda case: case.name)
def test_reference_due_after_business_seconds(case: DueCase) -> None:
    calendar = CALENDARS[case.calendar_id]
    assert (
        reference.due_after_business_seconds(calendar, case.start, case.budget_seconds) == case.due
    )
    # And the budget is exactly the open time between start and due.
    assert reference.elapsed_business_seconds(calendar, case.start, case.due) == pytest.approx(
        case.budget_seconds, abs=1e-6
    )


@pytest.mark.parametrize("case", ELAPSED_CASES, ids=lambda case: case.name)
def test_reference_elapsed_business_seconds(case: ElapsedCase) -> None:
    calendar = CALENDARS[case.calendar_id]
    assert reference.elapsed_business_seconds(calendar, case.start, case.end) == case.seconds
    # The minute walker reads each minute's own wall clock: a third way to the same number.
    assert (
        reference.elapsed_business_seconds_by_minute(calendar, case.start, case.end) == case.seconds
    )


@pytest.mark.parametrize("case", DAYS_CASES, ids=lambda case: case.name)
def test_reference_due_after_business_days(case: DaysCase) -> None:
    calendar = CALENDARS[case.calendar_id]
    assert reference.due_after_business_days(calendar, case.start, case.days) == case.due


# A 24/7-style support desk open Sundays 00:00–06:00 New York time: on the transition
# Sundays the interval spans 02:00, the moment the clocks change.
SUNDAY_NIGHT_DESK = reference.Calendar(
    "sunday_night_desk",
    "America/New_York",
    (reference.OpeningHours(weekday=7, opens_minute=0, closes_minute=6 * 60),),
    frozenset(),
)


def test_reference_open_period_on_dst_transition_days() -> None:
    # Spring: 00:00 EST = 05:00 UTC, 06:00 EDT = 10:00 UTC: five hours, not six.
    assert reference.open_periods_on(SUNDAY_NIGHT_DESK, date(2025, 3, 9)) == [
        (datetime(2025, 3, 9, 5), datetime(2025, 3, 9, 10))
    ]
    # Autumn: 00:00 EDT = 04:00 UTC, 06:00 EST = 11:00 UTC: seven hours.
    assert reference.open_periods_on(SUNDAY_NIGHT_DESK, date(2025, 11, 2)) == [
        (datetime(2025, 11, 2, 4), datetime(2025, 11, 2, 11))
    ]
    for day, hours in ((date(2025, 3, 9), 5), (date(2025, 11, 2), 7)):
        start = datetime.combine(day, datetime.min.time())
        end = start + timedelta(days=1)
        assert reference.elapsed_business_seconds(SUNDAY_NIGHT_DESK, start, end) == hours * 3600
        assert (
            reference.elapsed_business_seconds_by_minute(SUNDAY_NIGHT_DESK, start, end)
            == hours * 3600
        )
    # Four open hours from the spring Sunday's opening end at 09:00 UTC = 05:00 EDT.
    assert reference.due_after_business_seconds(
        SUNDAY_NIGHT_DESK, datetime(2025, 3, 9, 5), 4 * 3600
    ) == datetime(2025, 3, 9, 9)


def test_reference_resolves_dst_gaps_and_overlaps_to_the_later_instant() -> None:
    # 02:30 does not exist on 2025-03-09 in New York: read with the pre-change offset (EST),
    # 07:30 UTC = 03:30 EDT. 01:30 happens twice on 2025-11-02: the second time (EST).
    assert reference.local_to_utc(datetime(2025, 3, 9, 2, 30), "America/New_York") == datetime(
        2025, 3, 9, 7, 30
    )
    assert reference.local_to_utc(datetime(2025, 11, 2, 1, 30), "America/New_York") == datetime(
        2025, 11, 2, 6, 30
    )


def test_reference_unmapped_territories_use_default() -> None:
    territories = reference.load_territories()
    assert reference.calendar_id_for_territory(territories, "na_east") == "us_east"
    assert reference.calendar_id_for_territory(territories, "latam") == "default"
    assert reference.calendar_id_for_territory(territories, None) == "default"


def test_seeds_are_consistent() -> None:
    # The reference parses every seed row, and every mapped calendar exists.
    assert set(CALENDARS) == {"default", "us_east", "us_west", "emea", "apac"}
    assert set(reference.load_territories().values()) <= set(CALENDARS)
    assert not CALENDARS["default"].holidays
    for calendar_id in ("us_east", "us_west", "emea", "apac"):
        years = {day.year for day in CALENDARS[calendar_id].holidays}
        assert years >= {2024, 2025, 2026, 2027, 2028}, calendar_id


# ---------------------------------------------------------------------------------------
# (b) The SQL engine against the reference.
# ---------------------------------------------------------------------------------------

CALENDAR_START_DATE = "2024-12-01"
CALENDAR_END_DATE = "2027-06-30"
DBT_VARS = {"calendar_start_date": CALENDAR_START_DATE, "calendar_end_date": CALENDAR_END_DATE}
RAW_TYPES = {
    "id": "varchar",
    "text": "varchar",
    "enum": "varchar",
    "timestamp": "timestamp",
    "date": "date",
    "number": "double",
    "boolean": "boolean",
}

# The engine's calls, as the clock models make them: F(start), F(end), the business-seconds
# due at F(start) + budget, and the business-days due. `{prefix}` selects the dispatched
# macros ('') or the portable ones ('journey_sla.default__').
ENGINE_SQL = """
with

with_open_seconds_at_start as (
    {{{{ {prefix}open_seconds_at(
        'clock_inputs', 'calendar_id', 'started_at', 'open_seconds_at_start'
    ) }}}}
),

with_open_seconds_at_end as (
    {{{{ {prefix}open_seconds_at(
        'with_open_seconds_at_start', 'calendar_id', 'ended_at', 'open_seconds_at_end'
    ) }}}}
),

due_targets as (
    select *, open_seconds_at_start + budget_seconds as due_open_seconds
    from with_open_seconds_at_end
),

with_business_due as (
    {{{{ {prefix}instant_at_open_seconds(
        'due_targets', 'calendar_id', 'due_open_seconds', 'business_due_at'
    ) }}}}
),

with_business_days_due as (
    {{{{ {prefix}business_days_due_at(
        'with_business_due', 'calendar_id', 'started_at', 'business_days', 'business_days_due_at'
    ) }}}}
)

select * from with_business_days_due
"""


@dataclass(frozen=True)
class CalendarWarehouse:
    warehouse: Path
    env: dict[str, str]
    dbt_paths: tuple[str, ...]

    def dbt(self, *args: str):
        # run_dbt drives dbtRunner in-process on the repo (--project-dir/--profiles-dir) and
        # closes dbt-duckdb's cached database afterwards.
        result = run_dbt([*args, "--vars", json.dumps(DBT_VARS), *self.dbt_paths], self.env)
        assert result.success, f"dbt {args[0]} failed: {result.exception or 'see the dbt log'}"
        return result

    def render(self, sql: str) -> str:
        result = self.dbt("compile", "--quiet", "--inline", sql)
        return result.result.results[0].node.compiled_code

    def connect(self) -> duckdb.DuckDBPyConnection:
        connection = duckdb.connect(str(self.warehouse))
        connection.execute("set TimeZone = 'UTC'")
        return connection


def _create_empty_raw_file(path: Path) -> None:
    """A raw file with the loader's schema and no rows: the calendar range comes from vars."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema raw")
        for table in TABLES:
            columns = ", ".join(
                f"{column.name} {RAW_TYPES[column.kind]}" for column in table.columns
            )
            connection.execute(
                f"create table raw.{table.name} ({columns}, "
                "_source_file varchar, _load_id varchar, _loaded_at timestamp)"
            )
        connection.execute(
            "create table raw.rejects (load_id varchar, table_name varchar, file_name varchar, "
            "reason varchar, column_name varchar, raw_values varchar, row_number bigint, "
            "rejected_at timestamp)"
        )
        connection.execute(
            "create table raw.load_log (load_id varchar, table_name varchar, file_name varchar, "
            "rows_read bigint, rows_loaded bigint, rows_rejected bigint, rows_inserted bigint, "
            "rows_updated bigint, loaded_at timestamp)"
        )


@pytest.fixture(scope="session")
def calendar_warehouse(tmp_path_factory: pytest.TempPathFactory) -> CalendarWarehouse:
    """The calendar seeds, their tests, unit tests and models, built once into a temp file."""
    directory = tmp_path_factory.mktemp("business_time")
    warehouse = directory / "warehouse.duckdb"
    raw = directory / "warehouse.raw.duckdb"
    _create_empty_raw_file(raw)
    built = CalendarWarehouse(
        warehouse=warehouse,
        env={"JOURNEY_SLA_BUILD_DB": str(warehouse), "JOURNEY_SLA_RAW_DB": str(raw)},
        # Own target and log folders: the repo's are shared with concurrent builds.
        dbt_paths=(
            "--target-path",
            str(directory / "target"),
            "--log-path",
            str(directory / "logs"),
        ),
    )
    built.dbt(
        "build",
        "--select",
        "+int_calendar_open_intervals +int_calendar_days territories",
        # Only tests whose parents are all selected (not the clock models' tests).
        "--indirect-selection",
        "cautious",
    )
    return built


# The helpers the models use, DuckDB version against the portable one (which DuckDB can
# run too): any row returned is a disagreement.
HELPERS_SQL = """
with

instants as (
    select
        timestamp '2025-01-01 00:17:03.123456'
            + to_microseconds(hours.range * 3600000000) as instant_at,
        zones.timezone
    from range(0, 2 * 8760 + 48) as hours
    cross join (
        select unnest([
            'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Singapore', 'UTC'
        ]) as timezone
    ) as zones
),

converted as (
    select
        *,
        {{ journey_sla.duckdb__to_local_timestamp('instant_at', 'timezone') }}
            as duckdb_local_at,
        {{ journey_sla.default__to_local_timestamp('instant_at', 'timezone') }}
            as portable_local_at,
        {{ journey_sla.duckdb__from_local_timestamp('instant_at', 'timezone') }}
            as duckdb_utc_at,
        {{ journey_sla.default__from_local_timestamp('instant_at', 'timezone') }}
            as portable_utc_at,
        {{ journey_sla.duckdb__add_seconds('instant_at', '-1234.567891') }}
            as duckdb_shifted_at,
        {{ journey_sla.default__add_seconds('instant_at', '-1234.567891') }}
            as portable_shifted_at,
        {{ journey_sla.duckdb__iso_weekday('cast(instant_at as date)') }}
            as duckdb_weekday,
        {{ journey_sla.default__iso_weekday('cast(instant_at as date)') }}
            as portable_weekday
    from instants
),

date_range as (
    select date '2024-12-30' as start_date, date '2027-01-03' as end_date
),

duckdb_dates as (
    {{ journey_sla.duckdb__calendar_date_series('date_range', 'start_date', 'end_date') }}
),

portable_dates as (
    {{ journey_sla.default__calendar_date_series('date_range', 'start_date', 'end_date') }}
)

select 'helper' as source, instant_at, timezone
from converted
where duckdb_local_at is distinct from portable_local_at
    or duckdb_utc_at is distinct from portable_utc_at
    or duckdb_shifted_at is distinct from portable_shifted_at
    or duckdb_shifted_at != instant_at - to_microseconds(1234567891)
    or duckdb_weekday is distinct from portable_weekday

union all

select 'date series', null, null
where (select list(local_date order by local_date) from duckdb_dates)
    is distinct from (select list(local_date order by local_date) from portable_dates)
    or (select count(*) from duckdb_dates) != 735
"""


@pytest.fixture(scope="session")
def engine_sql(calendar_warehouse: CalendarWarehouse) -> dict[str, str]:
    """The engine query rendered for DuckDB (ASOF) and with the portable macros, and the
    helpers check."""
    marker = "-- next query --"
    rendered = calendar_warehouse.render(
        marker.join(
            [
                ENGINE_SQL.format(prefix=""),
                ENGINE_SQL.format(prefix="journey_sla.default__"),
                HELPERS_SQL,
            ]
        )
    )
    duckdb_sql, portable_sql, helpers_sql = rendered.split(marker)
    assert "asof" in duckdb_sql.lower() and "asof" not in portable_sql.lower()
    return {"duckdb": duckdb_sql, "portable": portable_sql, "helpers": helpers_sql}


def _engine_variants(engine_sql: dict[str, str]) -> list[tuple[str, str]]:
    return [(variant, engine_sql[variant]) for variant in ("duckdb", "portable")]


@pytest.mark.slow
def test_portable_helpers_agree_with_duckdb(
    calendar_warehouse: CalendarWarehouse, engine_sql: dict[str, str]
) -> None:
    with calendar_warehouse.connect() as connection:
        disagreements = connection.execute(engine_sql["helpers"]).fetchall()
    assert disagreements == []


@dataclass(frozen=True)
class ClockInput:
    clock_id: int
    calendar_id: str
    started_at: datetime
    ended_at: datetime
    budget_seconds: float
    business_days: int


def _run_engine(
    connection: duckdb.DuckDBPyConnection, sql: str, clocks: list[ClockInput]
) -> dict[int, tuple]:
    connection.execute(
        "create or replace temp table clock_inputs (clock_id integer, calendar_id varchar, "
        "started_at timestamp, ended_at timestamp, budget_seconds double, business_days integer)"
    )
    connection.executemany(
        "insert into clock_inputs values (?, ?, ?, ?, ?, ?)",
        [
            (c.clock_id, c.calendar_id, c.started_at, c.ended_at, c.budget_seconds, c.business_days)
            for c in clocks
        ],
    )
    rows = connection.execute(
        f"select clock_id, open_seconds_at_start, open_seconds_at_end, business_due_at, "
        f"business_days_due_at from ({sql})"
    ).fetchall()
    assert len(rows) == len(clocks), "a macro changed the number of rows"
    return {row[0]: row[1:] for row in rows}


DST_CHANGES = [
    datetime(2025, 3, 9),
    datetime(2025, 11, 2),
    datetime(2026, 3, 8),
    datetime(2026, 11, 1),
    datetime(2025, 3, 30),
    datetime(2025, 10, 26),
    datetime(2026, 3, 29),
    datetime(2026, 10, 25),
]


def _random_clocks(count: int, seed: int) -> list[ClockInput]:
    """Clocks over 2025–2026: a third start in DST-change weeks; a tenth start exactly on an
    opening or a closing; a tenth have budgets that run out exactly at a closing time."""
    rng = random.Random(seed)
    calendar_ids = sorted(CALENDARS)
    span_start = datetime(2025, 1, 1)
    span_microseconds = int((datetime(2027, 1, 1) - span_start).total_seconds() * 1e6)

    def periods_of_a_business_day(calendar: reference.Calendar) -> list[tuple[datetime, datetime]]:
        while True:
            day = (span_start + timedelta(days=rng.randrange(730))).date()
            if periods := reference.open_periods_on(calendar, day):
                return periods

    clocks = []
    for clock_id in range(count):
        calendar = CALENDARS[rng.choice(calendar_ids)]
        kind = rng.random()
        started_at = span_start + timedelta(microseconds=rng.randrange(span_microseconds))
        budget = rng.uniform(0.5, 10 * 8 * 3600)
        if kind < 0.1:
            # Start on an opening or a closing, whole quarter hours of budget.
            started_at = rng.choice(rng.choice(periods_of_a_business_day(calendar)))
            budget = 900.0 * rng.randint(1, 80)
        elif kind < 0.2:
            # A budget that is exactly the open time up to a closing a few periods ahead.
            closing = rng.choice(periods_of_a_business_day(calendar))[1]
            started_at = closing - timedelta(seconds=rng.randrange(1, 5 * 86400))
            budget = reference.elapsed_business_seconds(calendar, started_at, closing)
            if budget == 0:
                budget = 60.0
        elif kind < 0.55:
            started_at = rng.choice(DST_CHANGES) + timedelta(
                minutes=rng.randint(-4 * 1440, 4 * 1440)
            )
            budget = rng.uniform(1, 3 * 86400)
        ended_at = started_at + timedelta(seconds=int(rng.expovariate(1 / 86400)) + rng.random())
        clocks.append(
            ClockInput(
                clock_id, calendar.calendar_id, started_at, ended_at, budget, rng.randint(1, 10)
            )
        )
    return clocks


def _mismatches(results: dict[int, tuple], clocks: list[ClockInput]) -> list[str]:
    tolerance = timedelta(milliseconds=1)
    problems = []
    for clock in clocks:
        calendar = CALENDARS[clock.calendar_id]
        f_start, f_end, due_at, days_due_at = results[clock.clock_id]
        elapsed = reference.elapsed_business_seconds(calendar, clock.started_at, clock.ended_at)
        due = reference.due_after_business_seconds(calendar, clock.started_at, clock.budget_seconds)
        days_due = reference.due_after_business_days(
            calendar, clock.started_at, clock.business_days
        )
        if abs((f_end - f_start) - elapsed) > 1e-3:
            problems.append(f"{clock}: elapsed {f_end - f_start} != reference {elapsed}")
        if due_at is None or abs(due_at - due) > tolerance:
            problems.append(f"{clock}: due {due_at} != reference {due}")
        if days_due_at != days_due:
            problems.append(f"{clock}: business-days due {days_due_at} != reference {days_due}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["duckdb", "portable"])
def test_engine_matches_reference_on_random_clocks(
    calendar_warehouse: CalendarWarehouse, engine_sql: dict[str, str], variant: str
) -> None:
    clocks = _random_clocks(3000 if variant == "duckdb" else 1000, seed=20251109)
    with calendar_warehouse.connect() as connection:
        results = _run_engine(connection, engine_sql[variant], clocks)
    problems = _mismatches(results, clocks)
    assert not problems, f"{len(problems)} mismatches, e.g.:\n" + "\n".join(problems[:10])


@pytest.mark.slow
def test_engine_on_hand_worked_cases(
    calendar_warehouse: CalendarWarehouse, engine_sql: dict[str, str]
) -> None:
    clocks = [
        ClockInput(index, case.calendar_id, case.start, case.start, case.budget_seconds, 1)
        for index, case in enumerate(DUE_CASES)
    ]
    offset = len(clocks)
    clocks += [
        ClockInput(offset + index, case.calendar_id, case.start, case.end, 1.0, 1)
        for index, case in enumerate(ELAPSED_CASES)
    ]
    offset = len(clocks)
    clocks += [
        ClockInput(offset + index, case.calendar_id, case.start, case.start, 1.0, case.days)
        for index, case in enumerate(DAYS_CASES)
    ]
    with calendar_warehouse.connect() as connection:
        for variant, sql in _engine_variants(engine_sql):
            results = _run_engine(connection, sql, clocks)
            for index, case in enumerate(DUE_CASES):
                assert results[index][2] == case.due, (variant, case.name)
            for index, case in enumerate(ELAPSED_CASES, start=len(DUE_CASES)):
                f_start, f_end = results[index][:2]
                assert f_end - f_start == pytest.approx(case.seconds, abs=1e-6), (
                    variant,
                    case.name,
                )
            for index, case in enumerate(DAYS_CASES, start=len(DUE_CASES) + len(ELAPSED_CASES)):
                assert results[index][3] == case.due, (variant, case.name)


@pytest.mark.slow
def test_engine_boundaries(
    calendar_warehouse: CalendarWarehouse, engine_sql: dict[str, str]
) -> None:
    monday_nine = datetime(2025, 6, 2, 9)  # a Monday 09:00 UTC: `default` opens
    clocks = [
        # 0: unknown calendar: everything null.
        ClockInput(0, "mars", monday_nine, monday_nine, 60.0, 1),
        # 1: before the calendar range (starts 2024-12-01): no open time yet, F = 0; the
        #    due counts from the first opening (Mon 2024-12-02 09:00).
        ClockInput(1, "default", datetime(2024, 6, 1), datetime(2024, 6, 2), 60.0, 1),
        # 2: a due beyond the range (ends 2027-06-30) is null, not the range's end.
        ClockInput(
            2, "default", datetime(2027, 6, 29, 12), datetime(2027, 6, 29, 12), 10 * 86400.0, 5
        ),
        # 3: a zero budget inside hours is due at the start itself.
        ClockInput(3, "default", datetime(2025, 6, 2, 12), datetime(2025, 6, 2, 12), 0.0, 1),
        # 4: a zero budget outside hours is due at the previous closing (Fri 17:00).
        ClockInput(4, "default", datetime(2025, 6, 7, 12), datetime(2025, 6, 7, 12), 0.0, 1),
        # 5: a budget ending one microsecond after a closing spills into the next opening.
        ClockInput(5, "default", monday_nine, monday_nine, 8 * 3600 + 1e-6, 1),
    ]
    expected = {
        0: (None, None, None, None),
        1: (0.0, 0.0, datetime(2024, 12, 2, 9, 1), datetime(2024, 6, 3, 17)),
        2: (None, None, None, None),
        3: (None, None, datetime(2025, 6, 2, 12), None),
        4: (None, None, datetime(2025, 6, 6, 17), None),
        5: (None, None, datetime(2025, 6, 3, 9, 0, 0, 1), None),
    }
    with calendar_warehouse.connect() as connection:
        for variant, sql in _engine_variants(engine_sql):
            results = _run_engine(connection, sql, clocks)
            assert results[0] == expected[0], variant
            f_start, f_end, due_at, days_due_at = results[1]
            assert (f_start, f_end, due_at) == expected[1][:3], variant
            # Day 0 (2024-06-01) is outside the range: no business-days due.
            assert days_due_at is None, variant
            assert results[2][2:] == (None, None), variant
            for index in (3, 4, 5):
                assert results[index][2] == expected[index][2], (variant, index)
            # Zero and negative business days have no due.
            connection.execute("update clock_inputs set business_days = 0")
            assert connection.execute(
                f"select count(business_days_due_at) from ({sql})"
            ).fetchall() == [(0,)]


@pytest.mark.slow
def test_calendar_models_cover_the_range(calendar_warehouse: CalendarWarehouse) -> None:
    with calendar_warehouse.connect() as connection:
        days = connection.execute(
            "select calendar_id, min(local_date), max(local_date), count(*) "
            "from int_calendar_days group by calendar_id order by calendar_id"
        ).fetchall()
        intervals = connection.execute(
            "select calendar_id, count(*), sum(open_seconds) = max(cumulative_seconds_after) "
            "from int_calendar_open_intervals group by calendar_id order by calendar_id"
        ).fetchall()
    span = (
        date.fromisoformat(CALENDAR_END_DATE) - date.fromisoformat(CALENDAR_START_DATE)
    ).days + 1
    assert days == [
        (
            calendar_id,
            date.fromisoformat(CALENDAR_START_DATE),
            date.fromisoformat(CALENDAR_END_DATE),
            span,
        )
        for calendar_id in sorted(CALENDARS)
    ]
    # The models' interval counts equal the reference's, calendar by calendar.
    first = date.fromisoformat(CALENDAR_START_DATE)
    for calendar_id, count, totals_chain in intervals:
        expected = sum(
            len(reference.open_periods_on(CALENDARS[calendar_id], first + timedelta(days=offset)))
            for offset in range(span)
        )
        assert (count, totals_chain) == (expected, True), calendar_id


# ---------------------------------------------------------------------------------------
# (c) Benchmark: JOURNEY_SLA_BENCH=1 pytest tests/test_business_time.py -k benchmark -s
# ---------------------------------------------------------------------------------------

# The straightforward DuckDB form, kept here for measurement only: ASOF with a calendar_id
# equality partition. The duckdb__ macros fold the calendar into the key instead.
EQUALITY_ASOF_OPEN_SECONDS = """
select clocks.*,
    case
        when intervals.calendar_id is not null
            then cast(intervals.cumulative_seconds_before * 1000000
                + least(
                    date_diff('microsecond', intervals.opens_at, clocks.{at}),
                    intervals.open_seconds * 1000000
                )
                as double) / 1000000
        when clocks.calendar_id in (select calendar_id from int_calendar_open_intervals) then 0.0
    end as {out}
from {source} as clocks
asof left join int_calendar_open_intervals as intervals
    on clocks.calendar_id = intervals.calendar_id
    and clocks.{at} >= intervals.opens_at
"""

EQUALITY_ASOF_DUE = """
select clocks.*,
    case
        when round(clocks.due_open_seconds * 1000000)
            <= intervals.cumulative_seconds_after * 1000000
            then intervals.opens_at + to_microseconds(
                cast(round(clocks.due_open_seconds * 1000000) as bigint)
                - intervals.cumulative_seconds_before * 1000000
            )
    end as business_due_at
from {source} as clocks
asof left join int_calendar_open_intervals as intervals
    on clocks.calendar_id = intervals.calendar_id
    and cast(round(clocks.due_open_seconds * 1000000) as bigint)
        > intervals.cumulative_seconds_before * 1000000
"""


BENCH_STEPS = {  # step -> (column it adds, macro call)
    "f_start": (
        "open_seconds_at_start",
        "open_seconds_at('bench_clocks', 'calendar_id', 'started_at', 'open_seconds_at_start')",
    ),
    "f_end": (
        "open_seconds_at_end",
        "open_seconds_at('bench_clocks', 'calendar_id', 'ended_at', 'open_seconds_at_end')",
    ),
    "due": (
        "business_due_at",
        "instant_at_open_seconds("
        "'bench_targets', 'calendar_id', 'due_open_seconds', 'business_due_at')",
    ),
    "days_due": (
        "business_days_due_at",
        "business_days_due_at("
        "'bench_clocks', 'calendar_id', 'started_at', 'business_days', 'business_days_due_at')",
    ),
}

BENCH_CLOCKS_SQL = """
create or replace temp table bench_clocks as
select
    clock_id,
    (['default', 'us_east', 'us_west', 'emea', 'apac'])[1 + clock_id % 5] as calendar_id,
    started_at,
    started_at + to_microseconds(cast(exp(random() * 15) * 1000000 as bigint)) as ended_at,
    60 * (15 + random() * 4785) as budget_seconds,
    1 + cast(random() * 9 as integer) as business_days
from (
    select
        range as clock_id,
        timestamp '2025-01-01'
            + to_microseconds(cast(random() * 730 * 86400 * 1e6 as bigint)) as started_at
    from range({clocks})
)
"""


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("JOURNEY_SLA_BENCH"), reason="set JOURNEY_SLA_BENCH=1 to run"
)
def test_benchmark_one_million_clocks(calendar_warehouse: CalendarWarehouse) -> None:
    """Each look-up over one million random clocks, best of five interleaved rounds (the
    machine is shared: the minimum is the least disturbed run); results must agree."""
    marker = "-- next query --"
    variants: dict[str, dict[str, str]] = {}
    for variant, prefix in (("folded_asof", ""), ("range_join", "journey_sla.default__")):
        rendered = calendar_warehouse.render(
            marker.join(f"{{{{ {prefix}{call} }}}}" for _, call in BENCH_STEPS.values())
        ).split(marker)
        variants[variant] = dict(zip(BENCH_STEPS, rendered, strict=True))
    del variants["range_join"]["days_due"]  # one implementation for every engine
    variants["equality_asof"] = {
        "f_start": EQUALITY_ASOF_OPEN_SECONDS.format(
            source="bench_clocks", at="started_at", out="open_seconds_at_start"
        ),
        "f_end": EQUALITY_ASOF_OPEN_SECONDS.format(
            source="bench_clocks", at="ended_at", out="open_seconds_at_end"
        ),
        "due": EQUALITY_ASOF_DUE.format(source="bench_targets"),
    }
    timings: dict[str, dict[str, float]] = {variant: {} for variant in variants}
    with calendar_warehouse.connect() as connection:
        connection.execute("set threads = 2")
        connection.execute("select setseed(0.42)")
        connection.execute(BENCH_CLOCKS_SQL.format(clocks=1_000_000))
        connection.execute(
            "create or replace temp table bench_targets as "
            "select *, open_seconds_at_start + budget_seconds as due_open_seconds "
            f"from ({variants['equality_asof']['f_start']})"
        )
        for round_number in range(5):
            for variant, steps in variants.items():
                if variant == "range_join" and round_number > 0:
                    continue  # several times slower: one round says enough
                for step, sql in steps.items():
                    began = time.perf_counter()
                    connection.execute(f"create or replace temp table {variant}_{step} as {sql}")
                    seconds = time.perf_counter() - began
                    timings[variant][step] = min(timings[variant].get(step, seconds), seconds)
        disagreements = {
            (variant, step): connection.execute(
                f"select count(*) from folded_asof_{step} as folded "
                f"inner join {variant}_{step} as other using (clock_id) "
                f"where folded.{column} is distinct from other.{column}"
            ).fetchall()[0][0]
            for variant in ("range_join", "equality_asof")
            for step, (column, _) in BENCH_STEPS.items()
            if step in variants[variant]
        }
    for variant, timing in timings.items():
        print(
            f"{variant:14s} "
            + "  ".join(f"{step} {seconds:6.3f} s" for step, seconds in timing.items())
        )
    assert not any(disagreements.values()), disagreements
