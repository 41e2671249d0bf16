"""Policy versions in the app: where trend charts mark a change, and the seed row an analyst
pastes to propose a new version (docs/sla_semantics.md, "Policy versions")."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from journey_sla.paths import PROJECT_ROOT

SEED = PROJECT_ROOT / "seeds" / "sla_policies.csv"
# The seed's columns as shipped; a seed file found beside the package wins (it may have more).
SEED_COLUMNS = (
    "policy_id", "stage", "sla_type", "description", "target_value", "target_unit",
    "warning_pct", "segment", "intent_level", "stop_activity_types", "stop_outcomes",
    "min_attempts", "min_channels", "trigger_activity_types", "trigger_outcomes", "owner_role",
    "failure_action", "kpi", "is_active", "attainment_goal_pct", "effective_from",
    "effective_to", "checkpoints",
)  # fmt: skip
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"


def first_of_next_month(today: date) -> date:
    """The default effective_from of a proposed version."""
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def _number(value: float) -> str:
    """30.0 -> '30', 2.5 -> '2.5' (what an analyst would type)."""
    return f"{float(value):g}"


def _seed_rows(seed: Path) -> tuple[list[str], list[dict[str, str]]]:
    with seed.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or ()), list(reader)


def _row_from_dimension(policy: pd.Series) -> dict[str, str]:
    """The policy's current version rebuilt from dim_policies (when no seed file is at hand)."""
    row = {column: "" for column in SEED_COLUMNS}
    for column in SEED_COLUMNS:
        if column in policy.index and not pd.isna(policy[column]):
            row[column] = str(policy[column])
    for column in ("target_value", "warning_pct"):
        if row[column]:
            row[column] = _number(float(row[column]))
    goal = policy.get("attainment_goal")
    row["attainment_goal_pct"] = "" if goal is None or pd.isna(goal) else _number(goal * 100)
    row["is_active"] = "true" if bool(policy.get("is_active")) else "false"
    return row


def proposed_version_row(
    policy: pd.Series,
    target_value: float,
    effective_from: date | datetime,
    seed: Path | None = SEED,
) -> tuple[list[str], str]:
    """(header, CSV line) of a new version of `policy` (a dim_policies row) with the chosen
    target from effective_from (00:00 UTC for a date). Every other column is copied from the
    policy's latest version in the seed file — so the rules that make its clocks stay
    identical, as the seed check demands — or, without a seed file, dim_policies. The
    previous version, its effective_to empty, ends where this one starts."""
    policy_id = str(policy["policy_id"])
    header: list[str] = list(SEED_COLUMNS)
    latest: dict[str, str] | None = None
    if seed is not None and seed.exists():
        header, rows = _seed_rows(seed)
        mine = [row for row in rows if row.get("policy_id", "").strip() == policy_id]
        if mine:
            latest = max(mine, key=lambda row: row.get("effective_from", ""))
    row = dict(latest) if latest is not None else _row_from_dimension(policy)
    start = (
        effective_from
        if isinstance(effective_from, datetime)
        else datetime(effective_from.year, effective_from.month, effective_from.day)
    )
    row["target_value"] = _number(target_value)
    row["effective_from"] = start.strftime(TIMESTAMP_FORMAT)
    row["effective_to"] = ""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n").writerow(
        {column: row.get(column, "") for column in header}
    )
    return header, out.getvalue().rstrip("\n")


def version_changes(versions: pd.DataFrame) -> pd.DataFrame:
    """One row per version after a policy's first: policy_id, policy_version, month_start_date
    (the UTC month it took effect) and a short label for the chart."""
    later = versions[versions["policy_version"] > 1].copy()
    if later.empty:
        return pd.DataFrame(columns=["policy_id", "policy_version", "month_start", "label"])
    effective = pd.to_datetime(later["effective_from"])
    later["month_start"] = effective.dt.to_period("M").dt.to_timestamp()
    later["label"] = [
        f"{policy} v{int(version)}: {_number(value)} {str(unit).replace('_', ' ')}"
        for policy, version, value, unit in zip(
            later["policy_id"],
            later["policy_version"],
            later["target_value"],
            later["target_unit"],
            strict=True,
        )
    ]
    return later[["policy_id", "policy_version", "month_start", "label"]].reset_index(drop=True)
