"""SLA matrix: the playbook's commitments beside how each one is doing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import (
    data,
    drilldown,
    entry_criteria,
    period,
    sidebar,
    stats,
    ui,
    wording,
)

info = ui.require_warehouse()
filters = sidebar.current()

st.title("SLA matrix")
month = period.picker(filters)
scope = period.month_filters(filters, month)
leave_out = entry_criteria.toggle("sla_matrix")
ui.filter_caption(
    filters,
    (
        f"attainment over clocks started in {wording.month_label(month)}"
        if month
        else "attainment over clocks started in the months of the date range"
    )
    + (", entries that broke entry criteria left out" if leave_out else ""),
)

policies = data.policies()
attainment = data.policy_attainment(scope, entry_ok=leave_out)
kpis = data.latest_kpis(period.up_to_month(filters, month))

matrix = policies.merge(attainment, on="policy_id", how="left").merge(
    kpis.rename(columns={"month_start_date": "kpi_month_date"}), on="kpi", how="left"
)


def kpi_words(row: pd.Series) -> str:
    value, unit = row.get("value"), row.get("value_unit")
    if wording.is_missing(value):
        return "—"
    if unit == "rate":
        text = wording.percent(value)
    elif unit == "ratio":
        text = f"{value:.2f}×"
    elif unit in wording.UNIT_WORDS:
        text = wording.amount(round(float(value), 1), unit)
    else:
        text = f"{value:,.2f} {unit}"
    return f"{text} ({wording.month_label(row['kpi_month_date'])})"


matrix = matrix.assign(
    stage_words=matrix["stage"].where(matrix["stage"] != "*", "every stage"),
    commitment=matrix.apply(wording.commitment_in_words, axis=1),
    owner=matrix["owner_role"].str.upper(),
    failure_handling=matrix["failure_action"].map(wording.failure_in_words),
    kpi_value=matrix.apply(kpi_words, axis=1),
    active=matrix["is_active"].map({True: "yes", False: "no"}),
    goal_status=[
        stats.GOAL_STATUS_WORDS.get(stats.goal_status(attainment, goal), "—")
        for attainment, goal in zip(matrix["attainment"], matrix["attainment_goal"], strict=True)
    ],
)

resolved = attainment["met_clocks"].sum() + attainment["breached_clocks"].sum()
left, middle, right = st.columns(3)
left.metric("Policies", f"{int(policies['is_active'].sum())} active of {len(policies)}")
middle.metric(
    "Attainment, all policies",
    wording.percent(attainment["met_clocks"].sum() / resolved if resolved else None),
    help="Met ÷ (met + breached) over every clock started in the month (or the date range).",
)
right.metric(
    "Breach rate, all policies",
    wording.percent(
        attainment["breached_clocks"].sum() / attainment["clocks"].sum()
        if attainment["clocks"].sum()
        else None
    ),
)

st.dataframe(
    ui.as_percent(matrix, ["attainment", "attainment_goal", "breach_rate"])[
        [
            "stage_words", "policy_id", "commitment", "owner", "failure_handling", "kpi",
            "goal_status", "attainment", "attainment_goal", "breach_rate", "clocks",
            "open_clocks", "kpi_value", "description", "active",
        ]
    ],
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(matrix), 700),
    column_config={
        "stage_words": "Stage",
        "policy_id": "Policy",
        "commitment": st.column_config.TextColumn("Commitment", width="large"),
        "owner": "Owner role",
        "failure_handling": st.column_config.TextColumn("On breach", width="medium"),
        "kpi": "KPI",
        "attainment": st.column_config.ProgressColumn(
            "Attainment", format=ui.PERCENT, min_value=0.0, max_value=100.0
        ),
        "goal_status": "Status",
        "attainment_goal": st.column_config.NumberColumn("Goal", format=ui.PERCENT),
        "breach_rate": st.column_config.NumberColumn("Breach rate", format=ui.PERCENT),
        "clocks": st.column_config.NumberColumn("Clocks", format="localized"),
        "open_clocks": st.column_config.NumberColumn("Open now", format="localized"),
        "kpi_value": "KPI value (latest month)",
        "description": st.column_config.TextColumn("As the policy file words it", width="large"),
        "active": "Active",
    },
)  # fmt: skip
st.caption(
    "Rendered from seeds/sla_policies.csv. Attainment = met ÷ (met + breached); status: green "
    "at or above the policy's goal (attainment_goal_pct), amber less than 5 points below, "
    "red further below. Breach rate = "
    "breached ÷ all clocks started. KPI values come from mart_stage_kpis: the latest month in "
    "the date range, up to the month shown, with a value (conversion KPIs need mature "
    "visits, so they lag and say which month they show)."
)

if leave_out:
    st.caption(
        entry_criteria.left_out_words(
            int(attainment["clocks_with_broken_entry"].sum()),
            wording.month_label(month) if month else "the months of the date range",
        )
    )
entry_criteria.panel(scope, wording.month_label(month) if month else "the months of the date range")

ui.clocks_behind(
    scope,
    drilldown.options(
        [("policy", row.policy_id, row.description) for row in policies.itertuples()]
    ),
    [],
    info.get("crm_record_url"),
    key="drill",
    what="a policy (clocks started in the month shown)",
)
