"""Journey explorer: one journey's stages, activities and clocks on a timeline."""

from __future__ import annotations

import streamlit as st

from journey_sla.app_logic import charts, data, ui

ui.require_warehouse()

st.title("Journey explorer")


def pick(journey_id: str) -> None:
    st.session_state["journey"] = journey_id


def pick_from(key: str) -> None:
    if st.session_state.get(key):
        pick(st.session_state[key])


text = st.text_input(
    "Journey id",
    key="journey",
    bind="query-params",
    placeholder="e.g. j0000042",
    help="An exact id, or its beginning to list matches.",
).strip()

if not text:
    examples = data.example_journeys()
    if examples:
        st.pills(
            "Or open one with breaches",
            examples,
            key="example_journey",
            on_change=pick_from,
            args=("example_journey",),
        )
    st.stop()

matches = data.journey_matches(text)
if not matches or matches[0] != text:
    if matches:
        st.warning(f"No journey is called {text!r}. Journeys starting with it:")
        st.pills(
            "Matches", matches, key="journey_match", on_change=pick_from,
            args=("journey_match",), label_visibility="collapsed",
        )  # fmt: skip
    else:
        st.warning(f"No journey matches {text!r}.")
    st.stop()

journey_id = matches[0]
header = data.journey_header(journey_id)
visits = data.journey_visits(journey_id)
activities = data.journey_activities(journey_id)
clocks = data.journey_clocks(journey_id)

current = visits[visits["is_current"]]
tiles = st.columns(5)
if not header.empty:
    tiles[0].metric("Segment", header["segment"].iloc[0] or "unknown")
    tiles[1].metric("Territory", header["territory"].iloc[0])
    tiles[2].metric("Calendar", header["calendar_id"].iloc[0])
tiles[3].metric("Current stage", current["stage"].iloc[0] if not current.empty else "—")
breached = int((clocks["status"] == "breached").sum())
tiles[4].metric("Clocks breached", f"{breached} of {len(clocks)}")

if visits.empty:
    st.info("This journey has no stage visits up to as_of.")
else:
    ui.draw_chart(charts.journey_timeline(visits, activities, clocks))
    st.caption(
        "Bars: stage visits (to as_of while current). Ticks: activities. Dashed rules: each "
        "clock's due time, coloured by status. Red diamonds: breaches."
    )

st.subheader("Clocks")
st.dataframe(
    clocks.style.apply(
        lambda row: ["color: #d62728" if row["status"] == "breached" else "" for _ in row],
        axis=1,
    ),
    hide_index=True,
    width="stretch",
    column_order=[
        "commitment", "status", "is_at_risk", "owner_name", "started_at", "due_at",
        "stopped_at", "breached_at", "elapsed_business_minutes", "failure_action", "is_handled",
    ],
    column_config={
        "policy_id": "Policy",
        "commitment": st.column_config.TextColumn("Commitment", width="large"),
        "status": "Status",
        "is_at_risk": "At risk",
        "owner_name": "Owner",
        "started_at": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm"),
        "due_at": st.column_config.DatetimeColumn("Due", format="YYYY-MM-DD HH:mm"),
        "stopped_at": st.column_config.DatetimeColumn("Stopped", format="YYYY-MM-DD HH:mm"),
        "breached_at": st.column_config.DatetimeColumn("Breached", format="YYYY-MM-DD HH:mm"),
        "elapsed_business_minutes": st.column_config.NumberColumn(
            "Business minutes", format="localized"
        ),
        "failure_action": "On breach",
        "is_handled": "Handled",
    },
)  # fmt: skip

with st.expander(f"Stage visits ({len(visits)})"):
    st.dataframe(
        visits.drop(columns=["shown_until_at", "stage_visit_id"]), hide_index=True,
        width="stretch",
    )  # fmt: skip
with st.expander(f"Activities ({len(activities)})"):
    st.dataframe(activities, hide_index=True, width="stretch")
