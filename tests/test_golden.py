"""Golden scenario for the SLA engine (issue 3): hand-worked expectations vs. the real build.

``tests/golden/extracts`` is a small hand-written CRM extract (36 journeys, one edge case each);
``tests/golden/expected_*.csv`` hold what the specification says the engine must produce for
it, worked out by hand (the arithmetic for every journey is in ``tests/golden/README.md``).
They were never copied from the models' output: when a test here fails, re-derive the value
from the spec before touching an expected file.

The module fixture loads the extract with the real loader, runs the real ``dbt build`` with
``as_of = 2025-11-30 00:00:00`` and opens the warehouse read-only. One test per journey and
table, so a failure names its case (``test_clocks[j05_emea_lunch]``) and shows a field diff.

Conventions of the expected files
---------------------------------
- Timestamps are UTC ``YYYY-MM-DD HH:MM:SS`` and compare to the second (actual values are
  rounded to the nearest second first, so 14:35:59.9999 from float arithmetic still matches).
- Numbers compare with a relative tolerance of 1e-6; booleans are ``true``/``false``.
- An empty cell means NULL; a cell holding ``*`` is not checked.
- Only the columns present in an expected file are compared.
- Completeness: for every journey listed in ``expected_clocks.csv`` all of its clocks are
  listed, so a missing or an extra clock fails; the same holds per journey for
  ``expected_visits.csv`` (all visits) and ``expected_recycles.csv`` (all recycles). Clocks
  match on (journey_id, policy_id, trigger_id); where one key has several clocks (a journey
  with several visits of one stage) they pair up in started_at order.

``test_expected_business_time_is_self_consistent`` re-derives the due, warning and elapsed
values of the expected file with a tiny independent reference (Python + zoneinfo walking the
seeded calendars' open intervals, no SQL): it guards the hand arithmetic, not the engine.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
EXTRACTS = GOLDEN / "extracts"
SEEDS = ROOT / "seeds"
AS_OF = "2025-11-30 00:00:00"

TIMESTAMP_COLUMNS = {
    "started_at", "due_at", "warning_at", "stopped_at", "breached_at", "entered_at",
    "exited_at", "recycled_at", "re_entered_at", "as_of",
}  # fmt: skip
BOOLEAN_COLUMNS = {"is_at_risk", "has_valid_reason", "is_re_entered", "re_entry_reached_sql"}
NUMBER_COLUMNS = {
    "elapsed_minutes", "elapsed_business_minutes", "attempts", "channels", "visit_number",
    "days_to_re_entry",
}  # fmt: skip
NOT_CHECKED = "*"


# --------------------------------------------------------------------------- expected files


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def by_journey(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row["journey_id"]].append(row)
    return dict(grouped)


EXPECTED_CLOCKS = by_journey(read_csv(GOLDEN / "expected_clocks.csv"))
EXPECTED_VISITS = by_journey(read_csv(GOLDEN / "expected_visits.csv"))
EXPECTED_RECYCLES = by_journey(read_csv(GOLDEN / "expected_recycles.csv"))


# --------------------------------------------------------------------------- normalising


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def normalize(column: str, value: object) -> object:
    """Bring an actual or expected value to a comparable form (None for NULL / empty)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if column in TIMESTAMP_COLUMNS:
        if isinstance(value, str):
            value = parse_timestamp(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        whole = value.replace(microsecond=0)
        return whole + timedelta(seconds=1) if value.microsecond >= 500_000 else whole
    if column in BOOLEAN_COLUMNS:
        if isinstance(value, str):
            return {"true": True, "false": False}[value.strip().lower()]
        return bool(value)
    if column in NUMBER_COLUMNS:
        return float(value)
    return str(value)


def same(column: str, expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if column in NUMBER_COLUMNS:
        return math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-6)
    return expected == actual


def show(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(row: dict[str, object], columns: list[str]) -> str:
    return ", ".join(f"{column}={show(row.get(column))}" for column in columns)


def pair_up(
    wanted: list[dict[str, str]], got: list[dict[str, object]], order_column: str | None
) -> list[tuple[dict[str, str] | None, dict[str, object] | None]]:
    """Pair the rows of one key: same order_column value first, then the rest in order."""

    def order(row: dict[str, object]) -> str:
        return show(normalize(order_column, row.get(order_column))) if order_column else ""

    wanted, got = sorted(wanted, key=order), sorted(got, key=order)
    pairs: list[tuple[dict[str, str] | None, dict[str, object] | None]] = []
    if len(wanted) > 1 or len(got) > 1:
        for expected_row in list(wanted):
            match = next((row for row in got if order(row) == order(expected_row)), None)
            if match is not None:
                pairs.append((expected_row, match))
                wanted.remove(expected_row)
                got.remove(match)
    for index in range(max(len(wanted), len(got))):
        pairs.append(
            (
                wanted[index] if index < len(wanted) else None,
                got[index] if index < len(got) else None,
            )
        )
    return sorted(pairs, key=lambda pair: order(pair[0] or pair[1] or {}))


def compare_rows(
    expected_rows: list[dict[str, str]],
    actual_rows: list[dict[str, object]],
    key_columns: list[str],
    order_column: str | None,
) -> list[str]:
    """Pair expected and actual rows on key_columns (then order_column) and list differences."""
    columns = list(expected_rows[0].keys())

    def key(row: dict[str, object]) -> tuple[str, ...]:
        return tuple(show(normalize(column, row.get(column))) for column in key_columns)

    expected_groups: dict[tuple[str, ...], list[dict[str, str]]] = defaultdict(list)
    actual_groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for row in expected_rows:
        expected_groups[key(row)].append(row)
    for row in actual_rows:
        actual_groups[key(row)].append(row)

    problems: list[str] = []
    for group_key in sorted(set(expected_groups) | set(actual_groups)):
        wanted = expected_groups.get(group_key, [])
        got = actual_groups.get(group_key, [])
        label = ", ".join(f"{c}={v}" for c, v in zip(key_columns, group_key, strict=True))
        for expected_row, actual_row in pair_up(wanted, got, order_column):
            if actual_row is None:
                shown = {c: normalize(c, expected_row[c]) for c in columns}
                problems.append(f"MISSING [{label}]: {describe(shown, columns)}")
                continue
            if expected_row is None:
                shown = {c: normalize(c, actual_row.get(c)) for c in columns}
                problems.append(f"EXTRA   [{label}]: {describe(shown, columns)}")
                continue
            diffs = []
            for column in columns:
                raw = expected_row[column]
                if raw.strip() == NOT_CHECKED:
                    continue
                expected_value = normalize(column, raw)
                actual_value = normalize(column, actual_row.get(column))
                if not same(column, expected_value, actual_value):
                    diffs.append(
                        f"    {column}: expected {show(expected_value)}, got {show(actual_value)}"
                    )
            if diffs:
                where = ""
                if len(wanted) > 1 and order_column:
                    order_value = show(normalize(order_column, expected_row[order_column]))
                    where = f" ({order_column}={order_value})"
                problems.append(f"DIFF    [{label}]{where}:\n" + "\n".join(diffs))
    return problems


def assert_no_problems(case: str, table: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(
            f"{table} for {case} differs from the hand-worked expectation "
            f"(tests/golden/README.md explains each value):\n" + "\n".join(problems),
            pytrace=False,
        )


# --------------------------------------------------------------------------- the warehouse


@pytest.fixture(scope="module")
def golden_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden extract, loaded by the real loader and built by the real `dbt build`."""
    from journey_sla.build import build_warehouse
    from journey_sla.load import load_extracts

    warehouse = tmp_path_factory.mktemp("golden") / "golden.duckdb"
    results = load_extracts(EXTRACTS, warehouse, notice=lambda message: None)
    rejected = {result.table: result.rejected for result in results if result.rejected}
    assert not rejected, f"the loader rejected golden extract rows: {rejected}"
    build_warehouse(warehouse, as_of=AS_OF)
    return warehouse


def fetch(warehouse: Path, sql: str) -> list[dict[str, object]]:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def actual_clocks(golden_warehouse: Path) -> dict[str, list[dict[str, object]]]:
    return by_journey(fetch(golden_warehouse, "select * from fct_sla_clocks"))


@pytest.fixture(scope="module")
def actual_visits(golden_warehouse: Path) -> dict[str, list[dict[str, object]]]:
    return by_journey(fetch(golden_warehouse, "select * from fct_stage_visits"))


@pytest.fixture(scope="module")
def actual_recycles(golden_warehouse: Path) -> dict[str, list[dict[str, object]]]:
    return by_journey(fetch(golden_warehouse, "select * from fct_recycles"))


# --------------------------------------------------------------------------- the cases


@pytest.mark.slow
@pytest.mark.parametrize("journey_id", sorted(EXPECTED_CLOCKS))
def test_clocks(journey_id: str, actual_clocks: dict[str, list[dict[str, object]]]) -> None:
    problems = compare_rows(
        EXPECTED_CLOCKS[journey_id],
        actual_clocks.get(journey_id, []),
        key_columns=["journey_id", "policy_id", "trigger_id"],
        order_column="started_at",
    )
    assert_no_problems(journey_id, "fct_sla_clocks", problems)


@pytest.mark.slow
@pytest.mark.parametrize("journey_id", sorted(EXPECTED_VISITS))
def test_stage_visits(journey_id: str, actual_visits: dict[str, list[dict[str, object]]]) -> None:
    problems = compare_rows(
        EXPECTED_VISITS[journey_id],
        actual_visits.get(journey_id, []),
        key_columns=["journey_id", "stage", "visit_number"],
        order_column=None,
    )
    assert_no_problems(journey_id, "fct_stage_visits", problems)


@pytest.mark.slow
@pytest.mark.parametrize("journey_id", sorted(EXPECTED_RECYCLES))
def test_recycles(journey_id: str, actual_recycles: dict[str, list[dict[str, object]]]) -> None:
    problems = compare_rows(
        EXPECTED_RECYCLES[journey_id],
        actual_recycles.get(journey_id, []),
        key_columns=["journey_id", "recycled_at"],
        order_column=None,
    )
    assert_no_problems(journey_id, "fct_recycles", problems)


@pytest.mark.slow
def test_every_clock_carries_the_as_of_passed_to_the_build(
    actual_clocks: dict[str, list[dict[str, object]]],
) -> None:
    as_ofs = {normalize("as_of", row["as_of"]) for rows in actual_clocks.values() for row in rows}
    assert as_ofs == {parse_timestamp(AS_OF)}


@pytest.mark.slow
def test_every_golden_journey_is_pinned(actual_clocks: dict[str, list[dict[str, object]]]) -> None:
    """Every journey of the extract has its clocks listed, so no clock goes unchecked."""
    journeys = {row["journey_id"] for row in read_csv(EXTRACTS / "journeys.csv")}
    assert journeys == set(EXPECTED_CLOCKS)
    assert set(actual_clocks) <= journeys


# --------------------------------------------------------------------------- self-check
# A tiny independent business-time reference, used only to re-check the hand arithmetic in
# expected_clocks.csv (no warehouse needed). It walks each local day's open intervals from the
# seeded calendars (holidays have none; DST is handled by zoneinfo per local day).


def _calendars() -> dict[str, dict[str, object]]:
    calendars: dict[str, dict[str, object]] = {}
    for row in read_csv(SEEDS / "business_calendars.csv"):
        calendar = calendars.setdefault(
            row["calendar_id"], {"tz": ZoneInfo(row["timezone"]), "days": {}, "holidays": set()}
        )
        calendar["days"].setdefault(int(row["weekday"]), []).append(
            (time.fromisoformat(row["opens_at"]), time.fromisoformat(row["closes_at"]))
        )
    for row in read_csv(SEEDS / "holidays.csv"):
        if row["calendar_id"] in calendars:
            calendars[row["calendar_id"]]["holidays"].add(date.fromisoformat(row["holiday_date"]))
    return calendars


class Reference:
    def __init__(self) -> None:
        self.calendars = _calendars()

    def day(self, calendar_id: str, local_day: date) -> list[tuple[datetime, datetime]]:
        calendar = self.calendars[calendar_id]
        if local_day in calendar["holidays"]:
            return []
        intervals = []
        for opens, closes in sorted(calendar["days"].get(local_day.isoweekday(), [])):
            start = datetime.combine(local_day, opens, tzinfo=calendar["tz"])
            end = datetime.combine(local_day, closes, tzinfo=calendar["tz"])
            intervals.append(
                (
                    start.astimezone(UTC).replace(tzinfo=None),
                    end.astimezone(UTC).replace(tzinfo=None),
                )
            )
        return intervals

    def local_date(self, calendar_id: str, instant: datetime) -> date:
        return instant.replace(tzinfo=UTC).astimezone(self.calendars[calendar_id]["tz"]).date()

    def open_from(self, calendar_id: str, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        local_day = self.local_date(calendar_id, instant) - timedelta(days=1)
        while True:
            for start, end in self.day(calendar_id, local_day):
                if end > instant:
                    yield max(start, instant), end
            local_day += timedelta(days=1)

    def open_minutes(self, calendar_id: str, start: datetime, end: datetime) -> float:
        total = 0.0
        if end <= start:
            return total
        for interval_start, interval_end in self.open_from(calendar_id, start):
            if interval_start >= end:
                break
            total += (min(interval_end, end) - interval_start).total_seconds() / 60
        return total

    def add_open_minutes(self, calendar_id: str, start: datetime, minutes: float) -> datetime:
        for interval_start, interval_end in self.open_from(calendar_id, start):
            available = (interval_end - interval_start).total_seconds() / 60
            if minutes <= available:
                return interval_start + timedelta(minutes=minutes)
            minutes -= available
        raise AssertionError("unreachable")

    def business_days_due(self, calendar_id: str, start: datetime, days: int) -> datetime:
        local_day, counted = self.local_date(calendar_id, start), 0
        while counted < days:
            local_day += timedelta(days=1)
            counted += bool(self.day(calendar_id, local_day))
        return self.day(calendar_id, local_day)[-1][1]

    def due_and_warning(
        self, calendar_id: str, unit: str, value: float, pct: float, start: datetime
    ) -> tuple[datetime, datetime]:
        if unit in ("business_minutes", "business_hours"):
            budget = value * (60 if unit == "business_hours" else 1)
            due = self.add_open_minutes(calendar_id, start, budget)
            return due, self.add_open_minutes(calendar_id, start, budget * pct / 100)
        if unit == "business_days":
            due = self.business_days_due(calendar_id, start, int(value))
            budget = self.open_minutes(calendar_id, start, due)
            return due, self.add_open_minutes(calendar_id, start, budget * pct / 100)
        due = start + timedelta(minutes=value * {"minutes": 1, "hours": 60, "days": 1440}[unit])
        return due, start + (due - start) * (pct / 100)


def checkpoint_due_and_warning(
    reference: Reference,
    policy: dict[str, str],
    calendar_id: str,
    row: dict[str, str],
    journey_rows: list[dict[str, str]],
) -> tuple[datetime, datetime]:
    """A checkpoint clock's due D(offset k) = the due of a target of offset k from the visit's
    entry (its checkpoint 1's start), and its warning: warning_pct % of the window from
    started_at to that due, in open time for business units."""
    start, number = parse_timestamp(row["started_at"]), int(row["trigger_id"])
    entry = max(
        parse_timestamp(other["started_at"])
        for other in journey_rows
        if other["policy_id"] == row["policy_id"]
        and other["trigger_id"] == "1"
        and parse_timestamp(other["started_at"]) <= start
    )
    target = float(policy["target_value"])
    listed = [float(offset) for offset in policy["checkpoints"].split("|") if offset.strip()]
    offset = listed[number - 1] if listed else number * target
    unit, pct = policy["target_unit"], float(policy["warning_pct"])
    due, _ = reference.due_and_warning(calendar_id, unit, offset, pct, entry)
    if unit.startswith("business_"):
        window = reference.open_minutes(calendar_id, start, due)
        return due, reference.add_open_minutes(calendar_id, start, window * pct / 100)
    return due, start + (due - start) * (pct / 100)


def test_expected_business_time_is_self_consistent() -> None:
    """Guards the hand arithmetic in expected_clocks.csv (not the engine)."""
    reference = Reference()
    policies = {row["policy_id"]: row for row in read_csv(SEEDS / "sla_policies.csv")}
    territories = {
        row["territory"]: row["calendar_id"] for row in read_csv(SEEDS / "territories.csv")
    }
    accounts = {row["account_id"]: row for row in read_csv(EXTRACTS / "accounts.csv")}
    calendar_of = {
        row["journey_id"]: territories.get(
            row["territory"] or accounts[row["account_id"]]["territory"], "default"
        )
        for row in read_csv(EXTRACTS / "journeys.csv")
    }
    as_of = parse_timestamp(AS_OF)
    problems = []
    for rows in EXPECTED_CLOCKS.values():
        for row in rows:
            policy = policies[row["policy_id"]]
            calendar_id = calendar_of[row["journey_id"]]
            start = parse_timestamp(row["started_at"])
            end = parse_timestamp(row["stopped_at"]) if row["stopped_at"] else as_of
            found = {
                "calendar_id": calendar_id,
                "elapsed_minutes": (end - start).total_seconds() / 60,
                "elapsed_business_minutes": reference.open_minutes(calendar_id, start, end),
            }
            # stall counts from a movement and before_term from the term's end: hand-only.
            if policy["sla_type"] == "checkpoint":
                found["due_at"], found["warning_at"] = checkpoint_due_and_warning(
                    reference, policy, calendar_id, row, rows
                )
            elif policy["sla_type"] not in ("stall", "before_term"):
                found["due_at"], found["warning_at"] = reference.due_and_warning(
                    calendar_id,
                    policy["target_unit"],
                    float(policy["target_value"]),
                    float(policy["warning_pct"]),
                    start,
                )
            for column, value in found.items():
                if row[column] == NOT_CHECKED:
                    continue
                if not same(column, normalize(column, row[column]), normalize(column, value)):
                    problems.append(
                        f"{row['journey_id']} {row['policy_id']} {row['trigger_id']} "
                        f"{row['started_at']}: {column} is {row[column]}, reference {show(value)}"
                    )
    assert not problems, "\n".join(problems)
