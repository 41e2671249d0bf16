"""Small calculations on already-aggregated frames: months, intervals, where conversion drops."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

# The 97.5 % normal quantile, as in the marts' wilson_lower / wilson_upper macros.
Z_95 = 1.959963984540054


def month_start(moment: date | datetime) -> date:
    return date(moment.year, moment.month, 1)


def add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_month(as_of: datetime) -> date:
    """The latest month that ended by as_of.

    A month counts as complete once as_of reaches its last second, so a build
    ``--as-of "2025-10-31 23:59:59"`` reviews October (docs/sla_semantics.md, "As of").
    """
    return add_months(month_start(as_of + timedelta(seconds=1)), -1)


def wilson_interval(
    converted: pd.Series | np.ndarray | float, total: pd.Series | np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95 % interval of converted / total, the marts' formula (docs/metrics.md).

    Used for rates the app sums from mart counts; NaN where total is 0.
    """
    k = np.asarray(converted, dtype=float)
    n = np.asarray(total, dtype=float)
    z2 = Z_95**2
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (k + z2 / 2) / (n + z2)
        half = Z_95 / (n + z2) * np.sqrt(np.clip(k * (n - k) / n, 0, None) + z2 / 4)
        lower = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
        upper = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    # Exact bounds at the edges, as the macros give them.
    lower = np.where((n > 0) & (k == 0), 0.0, lower)
    upper = np.where((n > 0) & (k == n), 1.0, upper)
    return lower, upper


def ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else float(numerator) / float(denominator)


def conversion_falloff(tuning: pd.DataFrame) -> pd.Series | None:
    """The first bucket whose conversion is clearly below the best earlier bucket's.

    "Clearly": its Wilson upper bound is under that earlier bucket's lower bound, so the
    intervals do not overlap. Buckets are read in elapsed-time order; None when conversion
    never drops that clearly (or there is too little data to say).
    """
    best = None
    for _, row in tuning.sort_values("bucket_number").iterrows():
        if pd.isna(row["conversion_rate"]):
            continue
        if best is not None and row["conversion_rate_upper"] < best["conversion_rate_lower"]:
            return pd.Series({**row.to_dict(), "reference_label": best["bucket_label"],
                              "reference_rate": best["conversion_rate"]})  # fmt: skip
        if best is None or row["conversion_rate_lower"] > best["conversion_rate_lower"]:
            best = row
    return None


# How far below its goal a policy may be and still be amber, in attainment (0-1).
AMBER_BAND = 0.05
GOAL_STATUS_WORDS = {"green": "🟢 on goal", "amber": "🟡 near goal", "red": "🔴 below goal"}


def goal_status(attainment: float | None, goal: float | None) -> str | None:
    """Red / amber / green of a policy's attainment against its goal (seed
    attainment_goal_pct): green at or above the goal, amber less than AMBER_BAND (5 points)
    below it, red further below; None without a goal or without resolved clocks."""
    if attainment is None or goal is None or pd.isna(attainment) or pd.isna(goal):
        return None
    if attainment >= goal:
        return "green"
    if attainment > goal - AMBER_BAND:
        return "amber"
    return "red"


def iso_week_monday(iso_week: str) -> date:
    """The Monday of an ISO week named 'YYYY-Www' (e.g. '2026-W21' → 2026-05-18)."""
    match = re.fullmatch(r"(\d{4})-W(\d{2})", iso_week)
    if not match:
        raise ValueError(f"week {iso_week!r}: expected YYYY-Www, e.g. 2026-W21")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"week {iso_week!r}: {match[1]} has no ISO week {match[2]}") from None
