"""The Routing page's rules: rates from the counts data.routing_by returns, the headline
numbers, and capacity in words. Pure functions over frames (tests/test_routing.py)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is 0."""
    denominator = denominator.astype(float)
    return numerator.astype(float) / denominator.where(denominator > 0, np.nan)


def with_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """data.routing_by rows with compliance (matched ÷ judged, judged = matched +
    mismatched) and the round-robin-without-context share (of judged round-robin
    assignments), as in mart_routing_monthly."""
    return counts.assign(
        compliance_rate=rate(counts["matched"], counts["matched"] + counts["mismatched"]),
        round_robin_without_context_share=rate(
            counts["round_robin_without_context"], counts["round_robin_judged"]
        ),
    )


@dataclass(frozen=True)
class RoutingTiles:
    compliance_rate: float | None
    round_robin_without_context_share: float | None
    median_minutes_to_assign: float | None
    owners_over_capacity: int
    owners_with_capacity: int


def _value(frame: pd.DataFrame, column: str) -> float | None:
    if frame.empty or pd.isna(frame[column].iloc[0]):
        return None
    return float(frame[column].iloc[0])


def tiles(overall: pd.DataFrame, load: pd.DataFrame) -> RoutingTiles:
    """The page's headline: overall is data.routing_by(filters, "all") (one row or none)."""
    rated = with_rates(overall)
    with_capacity = load[load["max_open_visits"].notna()]
    return RoutingTiles(
        compliance_rate=_value(rated, "compliance_rate"),
        round_robin_without_context_share=_value(rated, "round_robin_without_context_share"),
        median_minutes_to_assign=_value(overall, "median_minutes_to_assign"),
        owners_over_capacity=int(with_capacity["is_over_capacity"].sum()),
        owners_with_capacity=len(with_capacity),
    )


def capacity_words(tile: RoutingTiles) -> str:
    """'2 of 14 owners over capacity' (or a note when no role has a capacity)."""
    if tile.owners_with_capacity == 0:
        return "no role has a capacity (seeds/owner_capacity.csv)"
    return f"{tile.owners_over_capacity} of {tile.owners_with_capacity} owners over capacity"
