"""Business calendars read from the engine's seeds, and vectorised business-time arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from journey_sla.generate.constants import DAY, SEEDS, TERRITORIES, UNMAPPED_TERRITORY_TZ

_KEY_OFFSET = np.int64(1 << 40)  # folds the calendar id into one sortable key


@dataclass(frozen=True)
class _CalendarSpec:
    timezone: str
    hours: tuple[tuple[int, int, int], ...]  # (ISO weekday, opens minute, closes minute)
    holidays: tuple[str, ...]  # local dates, YYYY-MM-DD


def _minutes(hh_mm: str) -> int:
    hours, minutes = hh_mm.strip().split(":")
    return int(hours) * 60 + int(minutes)


def read_territory_calendars(seeds: Path = SEEDS) -> list[_CalendarSpec]:
    """One working calendar per entry of TERRITORIES, from the engine's calendar seeds."""
    hours = pd.read_csv(seeds / "business_calendars.csv", dtype=str)
    holidays = pd.read_csv(seeds / "holidays.csv", dtype=str)
    mapping = pd.read_csv(seeds / "territories.csv", dtype=str)
    calendar_of = dict(
        zip(mapping["territory"].str.strip(), mapping["calendar_id"].str.strip(), strict=True)
    )
    specs = []
    for territory in TERRITORIES:
        calendar_id = calendar_of.get(territory, "default")
        rows = hours[hours["calendar_id"].str.strip() == calendar_id]
        if rows.empty:
            raise ValueError(f"business calendar {calendar_id!r} is not in {seeds}")
        zone = UNMAPPED_TERRITORY_TZ.get(territory, rows["timezone"].iloc[0].strip())
        specs.append(
            _CalendarSpec(
                timezone=zone,
                hours=tuple(
                    (int(w), _minutes(o), _minutes(c))
                    for w, o, c in zip(
                        rows["weekday"], rows["opens_at"], rows["closes_at"], strict=True
                    )
                ),
                holidays=tuple(
                    holidays.loc[
                        holidays["calendar_id"].str.strip() == calendar_id, "holiday_date"
                    ].str.strip()
                ),
            )
        )
    return specs


class Calendars:
    """Business-time arithmetic for the territory calendars, vectorised.

    Each calendar is a sorted list of open intervals with the running total of open
    seconds before each; ``open_before(t)`` is that total at t and ``at(x)`` is its
    inverse, so "t plus d business seconds" is ``at(open_before(t) + d)``. The calendar
    id is folded into the search key so one ``searchsorted`` serves every calendar.
    """

    def __init__(self, first: int, last: int, specs: list[_CalendarSpec]):
        self.base = first - 10 * DAY
        starts, lengths, cums, key_s, key_end, totals, first_idx = [], [], [], [], [], [], []
        day0 = pd.Timestamp(first - 3 * DAY, unit="s").normalize()
        day1 = pd.Timestamp(last + 3 * DAY, unit="s").normalize()
        all_days = pd.date_range(day0, day1, freq="D")
        offset = 0
        for cal, spec in enumerate(specs):
            working = ~all_days.strftime("%Y-%m-%d").isin(spec.holidays)
            s_parts, e_parts = [], []
            for weekday, open_min, close_min in spec.hours:
                days = all_days[working & (all_days.day_of_week == weekday - 1)]
                for minutes, parts in ((open_min, s_parts), (close_min, e_parts)):
                    local = days + pd.Timedelta(minutes=minutes)
                    utc = local.tz_localize(
                        spec.timezone,
                        nonexistent="shift_forward",
                        ambiguous=np.zeros(len(local), dtype=bool),
                    )
                    parts.append(utc.tz_convert("UTC").as_unit("s").asi8.astype(np.int64))
            s = np.concatenate(s_parts)
            e = np.concatenate(e_parts)
            order = np.argsort(s, kind="stable")
            s, e = s[order], e[order]
            length = e - s
            cum = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(np.int64)
            starts.append(s)
            lengths.append(length)
            cums.append(cum)
            key_s.append(cal * _KEY_OFFSET + (s - self.base))
            key_end.append(cal * _KEY_OFFSET + cum + length)
            totals.append(int(cum[-1] + length[-1]))
            first_idx.append(offset)
            offset += len(s)
        self.s = np.concatenate(starts)
        self.len = np.concatenate(lengths)
        self.cum = np.concatenate(cums)
        self.key_s = np.concatenate(key_s)
        self.key_end = np.concatenate(key_end)
        self.total = np.array(totals, dtype=np.int64)
        self.first_idx = np.array(first_idx, dtype=np.int64)

    def open_before(self, t: np.ndarray, cal: np.ndarray) -> np.ndarray:
        """Business seconds of calendar ``cal`` elapsed before wall-clock ``t``."""
        cal = np.asarray(cal, dtype=np.int64)
        key = cal * _KEY_OFFSET + (np.asarray(t, dtype=np.int64) - self.base)
        i = np.searchsorted(self.key_s, key, side="right") - 1
        i = np.maximum(i, self.first_idx[cal])
        return self.cum[i] + np.clip(t - self.s[i], 0, self.len[i])

    def at(self, x: np.ndarray, cal: np.ndarray) -> np.ndarray:
        """Wall-clock time at which calendar ``cal`` has been open for ``x`` seconds."""
        cal = np.asarray(cal, dtype=np.int64)
        x = np.clip(np.floor(x).astype(np.int64), 0, self.total[cal] - 1)
        i = np.searchsorted(self.key_end, cal * _KEY_OFFSET + x, side="right")
        return self.s[i] + (x - self.cum[i])

    def add(self, t: np.ndarray, seconds: np.ndarray, cal: np.ndarray) -> np.ndarray:
        """``t`` plus ``seconds`` business seconds (a closed ``t`` starts at the next opening)."""
        return self.at(self.open_before(t, cal) + seconds, cal)

    def elapsed(self, t_from: np.ndarray, t_to: np.ndarray, cal: np.ndarray) -> np.ndarray:
        return self.open_before(t_to, cal) - self.open_before(t_from, cal)


def add_months(d: date, months: int) -> date:
    """Calendar months later (Jan 31 + 1 month is the last day of February)."""
    return (pd.Timestamp(d) + pd.DateOffset(months=months)).date()


def epoch_seconds(d: date) -> int:
    """Midnight UTC of ``d`` in seconds: the simulation's clock is UTC epoch seconds."""
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())
