"""Independent reference implementation of business time, for testing the SQL engine.

It reads the same seed CSVs as dbt but shares no code or algorithm with the SQL: there is
no cumulative index and no look-up. Open periods are generated one local date at a time
with ``zoneinfo``, elapsed time is summed period by period, a due time is found by walking
forward from the start and spending the budget, and a business-days due time by counting
dates. ``is_open_at`` and ``elapsed_business_seconds_by_minute`` go further still: they
read the wall clock of each instant, for cross-checking short spans minute by minute.

Conventions, as in the warehouse: instants are naive ``datetime``s holding UTC; opening
hours are local wall-clock minutes after midnight (24:00 = 1440); a wall-clock time that
does not exist (spring gap) or exists twice (autumn overlap) means the later of the two
candidate instants (what DuckDB's ICU does for ``timezone(zone, local_timestamp)``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"
DEFAULT_CALENDAR_ID = "default"
# A due time more than ten years out means the calendar has (almost) no open time.
MAX_WALK_DAYS = 3660


@dataclass(frozen=True)
class OpeningHours:
    weekday: int  # ISO: 1 = Monday .. 7 = Sunday
    opens_minute: int
    closes_minute: int


@dataclass(frozen=True)
class Calendar:
    calendar_id: str
    timezone: str
    hours: tuple[OpeningHours, ...]
    holidays: frozenset[date]


def parse_hhmm(text: str) -> int:
    """'HH:MM' -> minutes after midnight; '24:00' is the end of the day."""
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if len(text) != 5 or not 0 <= int(minutes) < 60 or not 0 <= value <= 24 * 60:
        raise ValueError(f"not HH:MM: {text!r}")
    return value


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def load_calendars(seed_dir: Path = SEED_DIR) -> dict[str, Calendar]:
    """The business calendars of the seeds, holidays included."""
    holidays: dict[str, set[date]] = {}
    for row in _read_csv(seed_dir / "holidays.csv"):
        holidays.setdefault(row["calendar_id"], set()).add(date.fromisoformat(row["holiday_date"]))
    timezones: dict[str, str] = {}
    hours: dict[str, list[OpeningHours]] = {}
    for row in _read_csv(seed_dir / "business_calendars.csv"):
        calendar_id = row["calendar_id"]
        timezones[calendar_id] = row["timezone"]
        hours.setdefault(calendar_id, []).append(
            OpeningHours(
                int(row["weekday"]), parse_hhmm(row["opens_at"]), parse_hhmm(row["closes_at"])
            )
        )
    return {
        calendar_id: Calendar(
            calendar_id,
            timezones[calendar_id],
            tuple(sorted(hours[calendar_id], key=lambda h: (h.weekday, h.opens_minute))),
            frozenset(holidays.get(calendar_id, ())),
        )
        for calendar_id in timezones
    }


def load_territories(seed_dir: Path = SEED_DIR) -> dict[str, str]:
    """territory -> calendar_id, as mapped in the territories seed."""
    return {row["territory"]: row["calendar_id"] for row in _read_csv(seed_dir / "territories.csv")}


def calendar_id_for_territory(territories: dict[str, str], territory: str | None) -> str:
    """Unmapped (or missing) territories work by the calendar `default`."""
    return territories.get(territory or "", DEFAULT_CALENDAR_ID)


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_to_utc(local: datetime, timezone: str) -> datetime:
    """A naive wall-clock time in `timezone` as a naive UTC instant (later one if ambiguous)."""
    candidates = (
        local.replace(tzinfo=_zone(timezone), fold=fold).astimezone(UTC) for fold in (0, 1)
    )
    return max(candidates).replace(tzinfo=None)


def utc_to_local(instant: datetime, timezone: str) -> datetime:
    """A naive UTC instant as naive wall-clock time in `timezone`."""
    return instant.replace(tzinfo=UTC).astimezone(_zone(timezone)).replace(tzinfo=None)


def is_business_day(calendar: Calendar, local_date: date) -> bool:
    return local_date not in calendar.holidays and any(
        hours.weekday == local_date.isoweekday() for hours in calendar.hours
    )


def open_periods_on(calendar: Calendar, local_date: date) -> list[tuple[datetime, datetime]]:
    """The open periods of one local date as (opens, closes) UTC instants, in order."""
    if local_date in calendar.holidays:
        return []
    midnight = datetime.combine(local_date, time())
    return sorted(
        (
            local_to_utc(midnight + timedelta(minutes=hours.opens_minute), calendar.timezone),
            local_to_utc(midnight + timedelta(minutes=hours.closes_minute), calendar.timezone),
        )
        for hours in calendar.hours
        if hours.weekday == local_date.isoweekday()
    )


def _periods_from(calendar: Calendar, first_date: date) -> Iterator[tuple[datetime, datetime]]:
    for offset in range(MAX_WALK_DAYS):
        yield from open_periods_on(calendar, first_date + timedelta(days=offset))


def _local_date(instant: datetime, calendar: Calendar) -> date:
    return utc_to_local(instant, calendar.timezone).date()


def elapsed_business_seconds(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Open seconds of the calendar in [start, end): each period's overlap, summed."""
    if end <= start:
        return 0.0
    total = timedelta()
    # A period of the day before the start's local date cannot reach the start (periods end
    # by their date's midnight); one day of margin each side costs nothing.
    first = _local_date(start, calendar) - timedelta(days=1)
    last = _local_date(end, calendar) + timedelta(days=1)
    for offset in range((last - first).days + 1):
        for opens, closes in open_periods_on(calendar, first + timedelta(days=offset)):
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
    return total.total_seconds()


def due_after_business_seconds(calendar: Calendar, start: datetime, seconds: float) -> datetime:
    """The instant `seconds` (> 0) of open time after `start`: walk the periods and spend.

    A budget that runs out exactly at a closing time is due at that closing time.
    """
    if seconds <= 0:
        raise ValueError("the walker defines due times for positive budgets only")
    remaining = timedelta(seconds=seconds)
    for opens, closes in _periods_from(calendar, _local_date(start, calendar) - timedelta(days=1)):
        if closes <= start:
            continue
        begin = max(opens, start)
        available = closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise ValueError(f"{calendar.calendar_id} has no {seconds} s of open time after {start}")


def due_after_business_days(calendar: Calendar, start: datetime, days: int) -> datetime:
    """Close of the last period of the `days`-th business day after the start's local date."""
    if days < 1:
        raise ValueError("business-day targets start at 1")
    day = _local_date(start, calendar)
    counted = 0
    for _ in range(MAX_WALK_DAYS):
        day += timedelta(days=1)
        if is_business_day(calendar, day):
            counted += 1
            if counted == days:
                return open_periods_on(calendar, day)[-1][1]
    raise ValueError(f"{calendar.calendar_id} has no {days} business days after {start}")


def is_open_at(calendar: Calendar, instant: datetime) -> bool:
    """Whether the calendar is open at an instant, read off the instant's own wall clock."""
    local = utc_to_local(instant, calendar.timezone)
    minute = local.hour * 60 + local.minute + local.second / 60 + local.microsecond / 60e6
    if local.date() in calendar.holidays:
        return False
    return any(
        hours.weekday == local.isoweekday() and hours.opens_minute <= minute < hours.closes_minute
        for hours in calendar.hours
    )


def elapsed_business_seconds_by_minute(calendar: Calendar, start: datetime, end: datetime) -> int:
    """Brute force for short spans: 60 s for every whole UTC minute of [start, end) that is open.

    Exact when start, end and every opening and closing instant fall on whole minutes.
    """
    total = 0
    minute = start
    while minute < end:
        if is_open_at(calendar, minute):
            total += 60
        minute += timedelta(minutes=1)
    return total
