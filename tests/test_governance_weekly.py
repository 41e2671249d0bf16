"""mart_governance_weekly (docs/metrics.md): the weekly cut of the SLA review.

Recomputed independently with pandas over fct_sla_clocks (the engine's clock fact, not the
fct_clock_outcomes the marts read): ISO weeks from Python's ``date.isocalendar()``, status
counts per ISO week × policy, and the month check — a month's clock counts in
mart_governance_monthly equal the weekly mart's summed over the ISO weeks that lie wholly
inside the month, plus the clocks of the month's remaining days counted by pandas.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

STATUS_COUNTS = {
    "met_clocks": "met",
    "breached_clocks": "breached",
    "open_clocks": "open",
    "cancelled_clocks": "cancelled",
}
COUNTS = ["clocks", *STATUS_COUNTS]


@pytest.fixture(scope="module")
def clocks(built_warehouse: Path) -> pd.DataFrame:
    """fct_sla_clocks with the ISO week of started_at worked out in Python."""
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        frame = connection.execute(
            "select clock_id, policy_id, status, started_at from fct_sla_clocks"
        ).df()
    started = pd.to_datetime(frame["started_at"]).dt.date
    iso = [day.isocalendar() for day in started]
    return frame.assign(
        started_date=started,
        iso_week=[f"{year}-W{week:02d}" for year, week, _ in iso],
        week_start_date=[
            day - timedelta(days=weekday - 1)
            for day, (_, _, weekday) in zip(started, iso, strict=True)
        ],  # fmt: skip
        month_start_date=[day.replace(day=1) for day in started],
    )


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return {
            name: connection.execute(
                f"select * from mart_governance_{name} where rollup_level = 'policy'"
            ).df()
            for name in ("weekly", "monthly")
        }


def status_counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counted = frame.assign(
        clocks=1,
        **{
            column: frame["status"] == status for column, status in STATUS_COUNTS.items()
        },  # fmt: skip
    )
    return counted.groupby(keys)[COUNTS].sum().astype("int64")


def test_weekly_counts_match_pandas_iso_weeks(clocks, marts):
    expected = status_counts(clocks, ["iso_week", "week_start_date", "policy_id"])
    weekly = marts["weekly"].assign(
        week_start_date=pd.to_datetime(marts["weekly"]["week_start_date"]).dt.date
    )
    actual = weekly.set_index(["iso_week", "week_start_date", "policy_id"])[COUNTS].astype("int64")
    assert len(expected) > 50
    pd.testing.assert_frame_equal(actual.sort_index(), expected.sort_index())


def test_every_iso_week_label_names_its_monday(marts):
    weekly = marts["weekly"]
    for label, start in zip(weekly["iso_week"], weekly["week_start_date"], strict=True):
        start = pd.Timestamp(start).date()
        year, week, weekday = start.isocalendar()
        assert (label, weekday) == (f"{year}-W{week:02d}", 1)


def weeks_inside(month_start: date) -> list[date]:
    """Mondays of the ISO weeks lying wholly inside the calendar month."""
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    first_monday = month_start + timedelta(days=(7 - month_start.weekday()) % 7)
    mondays = []
    monday = first_monday
    while monday + timedelta(days=6) < next_month:
        mondays.append(monday)
        monday += timedelta(days=7)
    return mondays


def test_weeks_inside_a_month_add_up_to_the_monthly_mart(clocks, marts):
    weekly = marts["weekly"].assign(
        week_start_date=pd.to_datetime(marts["weekly"]["week_start_date"]).dt.date
    )
    monthly = marts["monthly"].assign(
        month_start_date=pd.to_datetime(marts["monthly"]["month_start_date"]).dt.date
    )
    checked = 0
    for month_start in sorted(monthly["month_start_date"].unique()):
        mondays = weeks_inside(month_start)
        assert 3 <= len(mondays) <= 4  # a 28..31-day month holds 3 or 4 whole ISO weeks
        in_weeks = weekly[weekly["week_start_date"].isin(mondays)]
        weeks_sum = in_weeks.groupby("policy_id")[COUNTS].sum()
        # The month's other days (before its first whole week, after its last), by pandas.
        of_month = clocks[clocks["month_start_date"] == month_start]
        rest = of_month[~of_month["week_start_date"].isin(mondays)]
        rest_counts = status_counts(rest, ["policy_id"])
        combined = weeks_sum.add(rest_counts, fill_value=0).astype("int64")
        month_rows = monthly[monthly["month_start_date"] == month_start]
        expected = month_rows.set_index("policy_id")[COUNTS].astype("int64")
        pd.testing.assert_frame_equal(
            combined.sort_index(), expected.sort_index(), check_names=False
        )
        checked += int(weeks_sum["clocks"].sum() > 0)
    assert checked >= 12


def test_weeks_inside_a_month_are_whole_iso_weeks():
    # May 2026: Fri 1 .. Sun 31; Mondays 4, 11, 18, 25 -> weeks 4-10, 11-17, 18-24, 25-31.
    assert weeks_inside(date(2026, 5, 1)) == [date(2026, 5, d) for d in (4, 11, 18, 25)]
    # February 2027: Mon 1 .. Sun 28: exactly four whole weeks, 1-7 .. 22-28.
    assert weeks_inside(date(2027, 2, 1)) == [date(2027, 2, d) for d in (1, 8, 15, 22)]
    # December 2026: Tue 1 .. Thu 31: Mondays 7, 14, 21; the week of Mon 28 ends 2027-01-03.
    assert weeks_inside(date(2026, 12, 1)) == [date(2026, 12, d) for d in (7, 14, 21)]
