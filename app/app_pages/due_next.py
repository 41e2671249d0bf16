"""Due next & breaches: the action queue, most urgent first, with a CSV for the CRM."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import data, sidebar, ui, wording
from journey_sla.spreadsheet import spreadsheet_safe_frame

PAGE_SIZE = 100

info = ui.require_warehouse()
filters = sidebar.current()
as_of = pd.Timestamp(info["as_of"])
window = data.queue_window_days()

st.title("Due next & breaches")
st.caption(
    f"What to act on now: open and at-risk clocks, and breaches of the last {window} days "
    "whose journey is still in the breached stage. Older breaches and breaches of journeys "
    "that moved on, closed or recycled are counted below and in the monthly review."
)
ui.filter_caption(
    filters,
    f"the queue is as of {as_of:%Y-%m-%d %H:%M} UTC, so the date range does not apply",
)

owner_list = data.queue_summary(filters, data.QueueChoices())
owner_list = owner_list[owner_list["group_kind"] == "owner"]
owner_names = dict(zip(owner_list["group_name"], owner_list["owner_name"], strict=True))
policy_options = data.queue_policies()

ui.link_notice("owner", list(owner_names), "owner", "the queue without that owner filter")
ui.link_notice("policy", policy_options, "policy", "the queue without that policy filter")
columns = st.columns([2, 2, 2, 1])
owners = columns[0].multiselect(
    "Owner",
    list(owner_names),
    format_func=lambda owner: f"{owner_names.get(owner, owner)} ({owner})",
    key="owner",
    bind="query-params",
    placeholder="All owners",
)
chosen_policies = columns[1].multiselect(
    "Policy", policy_options, key="policy", bind="query-params", placeholder="All policies"
)
sections = columns[2].multiselect(
    "Status",
    list(wording.SECTION_WORDS),
    format_func=wording.SECTION_WORDS.get,
    key="status",
    bind="query-params",
    placeholder="Breached, at risk and open",
)
at_risk_only = columns[3].toggle("At risk only", key="at_risk", bind="query-params")

choices = data.QueueChoices(
    owners=tuple(owners),
    policies=tuple(chosen_policies),
    sections=tuple(sections),
    at_risk_only=at_risk_only,
)
summary = data.queue_summary(filters, choices)
counts = dict(
    zip(
        summary.loc[summary["group_kind"] == "section", "group_name"],
        summary.loc[summary["group_kind"] == "section", "items"],
        strict=True,
    )
)
total = int(sum(counts.values()))
tiles = st.columns(4)
tiles[0].metric("In the queue", f"{total:,}")
tiles[1].metric(
    "Breached, not handled",
    f"{int(counts.get('breach', 0)):,}",
    help=f"Breaches of the last {window} days nobody has escalated or reassigned yet, whose "
    "journey is still in the breached stage.",
)
tiles[2].metric("At risk", f"{int(counts.get('at_risk', 0)):,}")
tiles[3].metric("Open", f"{int(counts.get('open', 0)):,}")

backlog = data.queue_backlog(filters, choices)
backlog_text = wording.backlog_words(
    dict(zip(backlog["backlog_reason"], backlog["items"], strict=True)), window
)
if backlog_text:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(backlog_text + " They count in the monthly review's breach rate.")
        st.page_link(
            "app_pages/monthly_review.py", label="Monthly review", icon=":material/insights:"
        )

if total == 0:
    st.success("Nothing due under these filters.")
    st.stop()

pages = max(1, -(-total // PAGE_SIZE))
heading = st.empty()
table_area = st.container()
page_number = st.pagination(pages, key="queue_page", max_visible_pages=9) if pages > 1 else 1
offset = (int(page_number) - 1) * PAGE_SIZE
queue = data.queue_page(filters, choices, PAGE_SIZE, offset)
heading.caption(
    f"Items {offset + 1:,}–{offset + len(queue):,} of {total:,}, most urgent first: unhandled "
    "breaches (oldest first), then at-risk and open clocks by the nearest due time. Business "
    "time left is in the open hours of the journey's calendar (a day = 8 business hours)."
)

shown = queue.assign(
    status=queue["queue_section"].map(wording.SECTION_WORDS),
    business_time_left=queue["business_minutes_left"].map(wording.duration_words),
    calendar_time_left=queue["minutes_left"].map(
        lambda minutes: wording.duration_words(minutes, business=False)
    ),
)
table_area.dataframe(
    shown[
        [
            "urgency_rank", "status", "business_time_left", "journey_id", "policy_description",
            "owner_name", "owner_team", "recommended_action", "due_at", "calendar_time_left",
            "manager_name", "policy_id", "queue_item_id",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "urgency_rank": st.column_config.NumberColumn("Rank", format="localized"),
        "status": "Status",
        "business_time_left": "Business time left",
        "journey_id": "Journey",
        "policy_description": st.column_config.TextColumn("Commitment", width="medium"),
        "owner_name": "Owner",
        "owner_team": "Team",
        "recommended_action": st.column_config.TextColumn("Next step", width="large"),
        "due_at": st.column_config.DatetimeColumn("Due (UTC)", format="YYYY-MM-DD HH:mm"),
        "calendar_time_left": "Calendar time left",
        "manager_name": "Manager",
        "policy_id": "Policy",
        "queue_item_id": "Queue item",
    },
)  # fmt: skip

st.download_button(
    f"Download the {total:,} items as CSV",
    data=lambda: spreadsheet_safe_frame(data.queue_all(filters, choices)).to_csv(index=False),
    file_name=f"journey-sla-queue-{as_of:%Y%m%d}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    help="Every item under these filters with all of mart_action_queue's columns.",
)
