"""Target tuning under the month and the sidebar filters (issue 12): the app sums
mart_target_tuning_cells; unfiltered it must give mart_target_tuning's numbers, and for one
month and one segment the numbers recomputed from fct_clock_outcomes with pandas.

The reference below is written from docs/metrics.md ("Target tuning"), not from the SQL: a
resolved clock of a tunable policy (not stall, before_term or checkpoint) lands in the bucket
whose exclusive lower bound its elapsed time (in the bucket unit) exceeds and whose inclusive upper
bound it does not; under a candidate target U a clock stopped by its condition with elapsed
<= U is met, and every resolved clock is breached except those with elapsed <= U (they would be
met, or still open / cancelled) — an attempts clock ended by a closing exit is breached
whatever U is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from journey_sla.app_logic import data, stats, warehouse

# The default bucket bounds of mart_target_tuning_cells (var target_tuning_buckets), the spec.
BOUNDS = {
    "minutes": [5, 15, 30, 60, 240, 1440, 2880, 7200],
    "business_minutes": [5, 15, 30, 60, 120, 240, 480, 960, 2400],
    "days": [1, 2, 5, 10, 14, 30, 60, 90],
    "business_days": [1, 2, 3, 5, 10, 14, 20, 30, 60],
}
UNIT_SYSTEM = {
    "minutes": "minutes",
    "hours": "minutes",
    "days": "days",
    "business_minutes": "business_minutes",
    "business_hours": "business_minutes",
    "business_days": "business_days",
}
COUNTS = [
    "resolved_clocks", "stopped_clocks", "mature_stopped_clocks", "converted_clocks",
    "immature_stopped_clocks",
]  # fmt: skip
CANDIDATES = ["candidate_met_clocks", "candidate_breached_clocks"]
RATES = [
    "conversion_rate", "conversion_rate_lower", "conversion_rate_upper", "candidate_attainment",
    "actual_attainment",
]  # fmt: skip


def clocks_of(built_warehouse: Path) -> pd.DataFrame:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        return connection.execute("select * from fct_clock_outcomes").df()


def elapsed_in_bucket_unit(clocks: pd.DataFrame) -> pd.Series:
    unit = clocks["target_unit"]
    return pd.Series(
        np.select(
            [
                unit.isin(["minutes", "hours"]),
                unit == "days",
                unit.isin(["business_minutes", "business_hours"]),
                unit == "business_days",
            ],
            [
                clocks["elapsed_minutes"].astype(float),
                clocks["elapsed_minutes"].astype(float) / 1440.0,
                clocks["elapsed_business_minutes"].astype(float),
                clocks["elapsed_business_days"].astype(float),
            ],
            np.nan,
        ),
        index=clocks.index,
    )


def reference(clocks: pd.DataFrame) -> pd.DataFrame:
    """Per policy × bucket, from the clocks given (already filtered), by the rule above."""
    tunable = clocks[
        clocks["is_resolved"].astype(bool)
        & ~clocks["sla_type"].isin(["stall", "before_term", "checkpoint"])
    ].copy()
    tunable["elapsed"] = elapsed_in_bucket_unit(tunable)
    tunable["stopped"] = tunable["is_stopped_by_condition"].astype(bool)
    tunable["closed_unworked"] = (tunable["sla_type"] == "attempts") & tunable[
        "is_ended_by_closing_exit"
    ].astype(bool)
    rows = []
    for policy_id, policy in tunable.groupby("policy_id"):
        bounds = BOUNDS[UNIT_SYSTEM[policy["target_unit"].iloc[0]]]
        resolved_total = len(policy)
        met_total = int((policy["status"] == "met").sum())
        for number, upper in enumerate([*bounds, None], start=1):
            lower = bounds[number - 2] if number > 1 else None
            inside = pd.Series(True, index=policy.index)
            if lower is not None:
                inside &= policy["elapsed"] > lower
            if upper is not None:
                inside &= policy["elapsed"] <= upper
            bucket = policy[inside]
            stopped = bucket[bucket["stopped"]]
            row = {
                "policy_id": policy_id,
                "bucket_number": number,
                "resolved_clocks": len(bucket),
                "stopped_clocks": len(stopped),
                "mature_stopped_clocks": int(stopped["is_converted"].notna().sum()),
                "converted_clocks": int((stopped["is_converted"] == True).sum()),  # noqa: E712
                "immature_stopped_clocks": int((~stopped["is_mature"].astype(bool)).sum()),
                "actual_attainment": met_total / resolved_total,
            }
            if upper is None:
                row["candidate_met_clocks"] = row["candidate_breached_clocks"] = np.nan
            else:
                within = policy["elapsed"] <= upper
                row["candidate_met_clocks"] = int((policy["stopped"] & within).sum())
                row["candidate_breached_clocks"] = resolved_total - int(
                    (within & ~policy["closed_unworked"]).sum()
                )
            rows.append(row)
    return pd.DataFrame(rows)


def app_rows(policies: list[str], filters: warehouse.Filters) -> pd.DataFrame:
    frames = [data.tuning(policy_id, filters) for policy_id in policies]
    frames = [frame for frame in frames if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def assert_same_counts(left: pd.DataFrame, right: pd.DataFrame, columns: list[str]) -> None:
    assert len(left) == len(right)
    for column in columns:
        a = left[column].astype(float).fillna(-1).to_numpy()
        b = right[column].astype(float).fillna(-1).to_numpy()
        assert (a == b).all(), column


def assert_close(left: pd.DataFrame, right: pd.DataFrame, columns: list[str]) -> None:
    for column in columns:
        a = left[column].astype(float).to_numpy()
        b = right[column].astype(float).to_numpy()
        assert ((np.isnan(a) & np.isnan(b)) | (np.abs(a - b) <= 1e-9)).all(), column


def test_unfiltered_tuning_equals_the_mart_and_the_reference(
    warehouse_env: Path, built_warehouse: Path
) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        mart = connection.execute(
            "select * from mart_target_tuning order by policy_id, bucket_number"
        ).df()
    policies = sorted(mart["policy_id"].unique())
    assert len(policies) >= 3
    app = app_rows(policies, warehouse.Filters())
    app = app.sort_values(["policy_id", "bucket_number"]).reset_index(drop=True)
    assert list(app["policy_id"]) == list(mart["policy_id"])
    assert list(app["bucket_number"]) == list(mart["bucket_number"])
    assert list(app["bucket_label"]) == list(mart["bucket_label"])
    assert list(app["is_current_target"]) == list(mart["is_current_target"])
    assert_same_counts(app, mart, COUNTS + CANDIDATES)
    # The app's Wilson interval (stats.wilson_interval, Python) against the mart's SQL one.
    assert_close(app, mart, RATES)
    # And the pandas reference over every clock: the old per-policy mart's numbers.
    ref = reference(clocks_of(built_warehouse))
    ref = ref.sort_values(["policy_id", "bucket_number"]).reset_index(drop=True)
    assert_same_counts(app, ref, ["bucket_number", *COUNTS, *CANDIDATES])
    assert_close(app, ref, ["actual_attainment"])


def test_one_month_and_one_segment_match_the_clocks(
    warehouse_env: Path, built_warehouse: Path
) -> None:
    clocks = clocks_of(built_warehouse)
    month = date(2025, 9, 1)
    in_month = clocks[pd.to_datetime(clocks["started_month_date"]).dt.date == month]
    segment = in_month["segment"].value_counts().index[0]
    subset = in_month[in_month["segment"] == segment]
    ref = reference(subset).sort_values(["policy_id", "bucket_number"]).reset_index(drop=True)
    assert ref["resolved_clocks"].sum() > 20, "too few clocks to test the filter"
    # A filter that keeps strictly fewer clocks than the whole policy.
    assert ref["resolved_clocks"].sum() < reference(clocks)["resolved_clocks"].sum()

    filters = warehouse.Filters(segments=(segment,), start_date=month, end_date=date(2025, 9, 30))
    policies = sorted(clocks["policy_id"].unique())
    app = app_rows(policies, filters).sort_values(["policy_id", "bucket_number"])
    app = app.reset_index(drop=True)
    assert list(app["policy_id"]) == list(ref["policy_id"])
    assert_same_counts(app, ref, ["bucket_number", *COUNTS, *CANDIDATES])
    assert_close(app, ref, ["actual_attainment"])
    mature = ref["mature_stopped_clocks"].astype(float)
    expected_rate = ref["converted_clocks"] / mature.where(mature > 0)
    assert_close(app, ref.assign(conversion_rate=expected_rate), ["conversion_rate"])
    lower, upper = stats.wilson_interval(ref["converted_clocks"], mature)
    assert_close(
        app,
        ref.assign(conversion_rate_lower=lower, conversion_rate_upper=upper),
        ["conversion_rate_lower", "conversion_rate_upper"],
    )
    judged = ref["candidate_met_clocks"] + ref["candidate_breached_clocks"]
    assert_close(
        app,
        ref.assign(candidate_attainment=ref["candidate_met_clocks"] / judged.where(judged > 0)),
        ["candidate_attainment"],
    )
