"""Routing: did assignments follow the routing rules, how fast, how loaded are the owners,
what happened after breaches, and which rule judged each assignment (the audit trail).
Rules: journey_sla.app_logic.routing; queries: data.routing_*."""

from __future__ import annotations

import streamlit as st

from journey_sla.app_logic import charts, data, routing, sidebar, ui, wording

PAGE_SIZE = 100

ui.require_warehouse()
filters = sidebar.current()

st.title("Routing")
ui.filter_caption(
    filters,
    "dates are when the owner was assigned (breaches: when they breached); the load is at as_of",
)

overall = data.routing_by(filters, "all")
load = data.owner_load(filters)
if overall.empty:
    st.info("No assignments under these filters. Widen the filters in the sidebar.")
    st.stop()
tile = routing.tiles(overall, load)
tiles = st.columns(4)
tiles[0].metric(
    "Rule compliance",
    wording.percent(tile.compliance_rate),
    help="Assignments whose owner is in the team the routing rules name ÷ assignments the "
    "rules judge (seeds/routing_rules.csv; closing stages, unknown owners and journeys no "
    "rule covers are not judged).",
)
tiles[1].metric(
    "Round robin without context",
    wording.percent(tile.round_robin_without_context_share),
    help="Round-robin assignments that put the journey outside the rules' team ÷ judged "
    "round-robin assignments: the playbook's 'round robin without context'.",
)
tiles[2].metric(
    "Median time to assign",
    wording.duration_words(tile.median_minutes_to_assign, business=False).removesuffix(" left"),
    help="Calendar time from entering a stage to the first assignment in it.",
)
tiles[3].metric(
    "Owners over capacity",
    f"{tile.owners_over_capacity:,}",
    help=routing.capacity_words(tile) + ". Capacity per role: seeds/owner_capacity.csv.",
)

table_columns = {
    "group_name": None,
    "assignments": st.column_config.NumberColumn("Assignments", format="localized"),
    "compliance_rate": st.column_config.NumberColumn("Compliance", format=ui.PERCENT),
    "matched": st.column_config.NumberColumn("Matched", format="localized"),
    "mismatched": st.column_config.NumberColumn("Mismatched", format="localized"),
    "not_judged": st.column_config.NumberColumn("Not judged", format="localized"),
    "round_robin_without_context_share": st.column_config.NumberColumn(
        "Round robin without context", format=ui.PERCENT
    ),
    "median_minutes_to_assign": st.column_config.NumberColumn(
        "Median minutes to assign", format="%.0f"
    ),
}
for group, title in (("team", "Expected team"), ("rule", "Rule")):
    st.subheader(f"Rule compliance by {group}")
    rated = routing.with_rates(data.routing_by(filters, group))
    st.dataframe(
        ui.as_percent(rated, ["compliance_rate", "round_robin_without_context_share"])[
            list(table_columns)
        ],
        hide_index=True,
        width="stretch",
        column_config={**table_columns, "group_name": title},
    )

monthly = data.routing_monthly(filters)
if not monthly.empty:
    st.subheader("Compliance over the months")
    ui.draw_chart(charts.routing_compliance_trend(monthly))

st.subheader("Load per owner against capacity")
if load.empty:
    st.info("No owner holds open visits under these filters.")
else:
    ui.draw_chart(charts.owner_load(load))
    st.caption(
        "Bars: funnel visits open at as_of that the owner holds (red: over capacity); "
        "ticks: the capacity of the owner's role (seeds/owner_capacity.csv)."
    )

st.subheader("Reassignments after breaches")
after = data.reassignments_after_breaches(filters)
st.dataframe(
    after,
    hide_index=True,
    width="stretch",
    column_config={
        "owner_team": "Owner's team",
        "breaches": st.column_config.NumberColumn("Breaches", format="localized"),
        "reassigned": st.column_config.NumberColumn("Reassigned after", format="localized"),
        "escalated": st.column_config.NumberColumn("Escalated after", format="localized"),
        "unhandled": st.column_config.NumberColumn("Neither", format="localized"),
        "median_minutes_to_reassign": st.column_config.NumberColumn(
            "Median minutes to reassign", format="%.0f"
        ),
    },
)

st.subheader("Routing audit trail")
prefix = st.text_input(
    "Journey id", key="routing_journey", bind="query-params", placeholder="e.g. j0000042"
).strip()
total, trail = data.routing_audit(filters, prefix, PAGE_SIZE, 0)
pages = max(1, -(-total // PAGE_SIZE))
page_number = st.pagination(pages, key="routing_page", max_visible_pages=9) if pages > 1 else 1
if page_number != 1:
    total, trail = data.routing_audit(filters, prefix, PAGE_SIZE, (page_number - 1) * PAGE_SIZE)
st.caption(
    f"{total:,} assignments, newest first: which rule judged each (most specific match, "
    "then lowest rule_id), the team it names, and whether the owner was in it."
)
st.dataframe(
    trail,
    hide_index=True,
    width="stretch",
    column_config={
        "assigned_at": st.column_config.DatetimeColumn("Assigned (UTC)", format="YYYY-MM-DD HH:mm"),
        "journey_id": "Journey",
        "stage_at_assignment": "Stage",
        "owner_name": "Owner",
        "owner_id": "Owner id",
        "owner_team": "Owner's team",
        "method": "Method",
        "rule_id": "Rule",
        "expected_team": "Rule's team",
        "routing_outcome": "Outcome",
        "minutes_to_assign": st.column_config.NumberColumn("Minutes to assign", format="%.0f"),
        "segment": "Segment",
        "territory": "Territory",
        "intent_level": "Intent",
        "product_line": "Product line",
        "assignment_id": "Assignment",
    },
)
