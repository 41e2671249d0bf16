"""Target tuning: what a different target would have done, and where conversion falls off."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import (
    charts,
    data,
    period,
    policy_versions,
    sidebar,
    stats,
    ui,
    wording,
)

ui.require_warehouse()
filters = sidebar.current()

st.title("Target tuning")
month = period.picker(filters)
scope = period.month_filters(filters, month)
ui.filter_caption(
    filters,
    f"resolved clocks started in {wording.month_label(month)}"
    if month
    else "resolved clocks started in the months of the date range",
)

policies = data.tuning_policies()
if policies.empty:
    st.info("No tunable policy has clocks yet (stall and before-term policies are not tunable).")
    st.stop()
descriptions = dict(zip(policies["policy_id"], policies["description"], strict=True))
ui.link_notice(
    "policy", policies["policy_id"].tolist(), "policy",
    descriptions.get(policies["policy_id"].iloc[0]) or policies["policy_id"].iloc[0],
)  # fmt: skip
policy_id = st.selectbox(
    "Policy", policies["policy_id"].tolist(), key="policy", bind="query-params"
)
st.caption(descriptions.get(policy_id) or "")
tuning = data.tuning(policy_id, scope)
if tuning.empty:
    st.info(
        "No resolved clock of this policy started in the month (or the date range) under the "
        "sidebar's filters: pick another month, widen the filters or pick another policy."
    )
    st.stop()
first = tuning.iloc[0]
current = tuning[tuning["is_current_target"]]
current_label = current["bucket_label"].iloc[0] if not current.empty else None

candidates = tuning[tuning["bucket_upper_bound"].notna()]
labels = candidates["bucket_label"].tolist()
chosen_label = st.select_slider(
    "Try a target",
    options=labels,
    value=current_label if current_label in labels else labels[0],
    key="target",
    bind="query-params",
    help="Each choice is a bucket's upper bound. Stop times stay as they were; the attainment "
    "shows how many of the resolved clocks would have met that target.",
)
chosen = candidates[candidates["bucket_label"] == chosen_label].iloc[0]
actual = first["actual_attainment"]

tiles = st.columns(3)
tiles[0].metric(
    "Current target",
    wording.amount(first["target_value"], first["target_unit"]),
    help=f"Attainment now: {wording.percent(actual)}.",
)
tiles[1].metric(
    f"Attainment at {chosen_label.removeprefix('<= ')}",
    wording.percent(chosen["candidate_attainment"]),
    wording.points(
        None
        if pd.isna(chosen["candidate_attainment"]) or pd.isna(actual)
        else chosen["candidate_attainment"] - actual
    ),  # fmt: skip
    help=f"{int(chosen['candidate_met_clocks']):,} clocks would be met and "
    f"{int(chosen['candidate_breached_clocks']):,} breached.",
)
falloff = stats.conversion_falloff(tuning)
if falloff is None:
    tiles[2].metric("Conversion falls off", "No clear drop")
    falloff_text = (
        "Conversion does not drop clearly with time here: no bucket's 95 % interval lies "
        "wholly below an earlier one's."
    )
else:
    tiles[2].metric(
        "Conversion falls off",
        falloff["bucket_label"],
        help="The first bucket whose 95 % interval lies wholly below an earlier bucket's.",
    )
    falloff_text = (
        f"Clocks stopped {falloff['bucket_label'].replace('<=', 'within').replace('>', 'after')}"
        f" convert {wording.percent(falloff['conversion_rate'])} vs "
        f"{wording.percent(falloff['reference_rate'])} for "
        f"{falloff['reference_label'].replace('<=', 'within')}: conversion falls off before "
        "that point, so a target beyond it gives up conversion."
    )

ui.draw_chart(charts.tuning_curve(tuning, chosen_label, current_label))
st.caption(
    "Blue: conversion of mature visits by how long the clock took to stop (95 % whiskers). "
    "Dotted black: the attainment each bucket's upper bound would have had as the target. "
    "Grey dashed rule: the current target; red rule: the target being tried. " + falloff_text
)
st.dataframe(
    ui.as_percent(
        tuning,
        ["conversion_rate", "conversion_rate_lower", "conversion_rate_upper",
         "candidate_attainment"],
    )[
        [
            "bucket_label", "resolved_clocks", "mature_stopped_clocks", "converted_clocks",
            "conversion_rate", "conversion_rate_lower", "conversion_rate_upper",
            "immature_stopped_clocks", "candidate_met_clocks", "candidate_breached_clocks",
            "candidate_attainment",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "bucket_label": "Stopped",
        "resolved_clocks": st.column_config.NumberColumn("Resolved clocks", format="localized"),
        "mature_stopped_clocks": st.column_config.NumberColumn("Mature", format="localized"),
        "converted_clocks": st.column_config.NumberColumn("Converted", format="localized"),
        "conversion_rate": st.column_config.NumberColumn("Conversion", format=ui.PERCENT),
        "conversion_rate_lower": st.column_config.NumberColumn("95% low", format=ui.PERCENT),
        "conversion_rate_upper": st.column_config.NumberColumn("95% high", format=ui.PERCENT),
        "immature_stopped_clocks": st.column_config.NumberColumn(
            "Immature, left out", format="localized"
        ),
        "candidate_met_clocks": st.column_config.NumberColumn("Met at bound", format="localized"),
        "candidate_breached_clocks": st.column_config.NumberColumn(
            "Breached at bound", format="localized"
        ),
        "candidate_attainment": st.column_config.NumberColumn(
            "Attainment at bound", format=ui.PERCENT
        ),
    },
)  # fmt: skip

st.subheader("Propose a new version")
all_policies = data.policies()
policy_row = all_policies[all_policies["policy_id"] == policy_id].iloc[0]
bound = chosen["bucket_upper_bound"]
unit = str(first["target_unit"])
# Bounds are minutes (or business minutes) for hour policies; the seed keeps the policy's unit.
proposed_target = float(bound) / 60 if unit in ("hours", "business_hours") else float(bound)
effective_from = st.date_input(
    "In force from (00:00 UTC)",
    value=policy_versions.first_of_next_month(pd.Timestamp.now(tz="UTC").date()),
    key="effective_from",
    help="Clocks that start at or after this instant use the new version; earlier clocks keep "
    "the version they started under, so past reviews reproduce.",
)
proposed_header, proposed_line = policy_versions.proposed_version_row(
    policy_row, proposed_target, effective_from
)
st.code(proposed_line, language="csv")
# The file is a CSV that opens as one row under the seed's header; the line to paste is its last.
st.download_button(
    "Download the row",
    data=",".join(proposed_header) + "\n" + proposed_line + "\n",
    file_name=f"{policy_id}-from-{effective_from:%Y-%m-%d}.csv",
    mime="text/csv",
    key="download_version_row",
)
st.caption(
    f"Target {wording.amount(proposed_target, unit)} from {effective_from:%Y-%m-%d}: paste the "
    "row at the end of seeds/sla_policies.csv and build. The current version (its "
    "effective_to empty) ends where this one starts; everything but the target and the dates "
    "is copied from it, as a version may not change what the policy clocks."
)
