"""Data health: what was loaded, what was rejected and why, what the checks found."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import charts, data, ui

info = ui.require_warehouse()

st.title("Data health")

counts = data.table_counts()
rejects = data.rejects_by_reason()
quality = data.data_quality()

read = int(counts["last_rows_read"].fillna(0).sum())
rejected = int(counts["last_rows_rejected"].fillna(0).sum())
failing = quality[~quality["is_passing"]]
last_load = (
    f"{pd.Timestamp(info['last_loaded_at']):%Y-%m-%d %H:%M} UTC"
    if pd.notna(info["last_loaded_at"])
    else "never"
)
st.markdown(
    f"Built **as of {pd.Timestamp(info['as_of']):%Y-%m-%d %H:%M:%S} UTC** (every clock is "
    f"evaluated at this instant) · last load **{last_load}**"
)
st.markdown(f"Source: **{data.build_source(info)}**")
tiles = st.columns(3)
tiles[0].metric("Rows in warehouse", f"{int(counts['rows_in_warehouse'].sum()):,}")
tiles[1].metric("Rows read (last load)", f"{read:,}")
tiles[2].metric("Rows rejected (last load)", f"{rejected:,}")

st.subheader("Rows per table")
st.dataframe(
    counts,
    hide_index=True,
    width="stretch",
    column_config={
        "table_name": "Table",
        "rows_in_warehouse": st.column_config.NumberColumn("In warehouse", format="localized"),
        "last_file_name": "Last file",
        "last_rows_read": st.column_config.NumberColumn("Read", format="localized"),
        "last_rows_loaded": st.column_config.NumberColumn("Loaded", format="localized"),
        "last_rows_rejected": st.column_config.NumberColumn("Rejected", format="localized"),
        "last_loaded_at": st.column_config.DatetimeColumn("Loaded at", format="YYYY-MM-DD HH:mm"),
    },
)

st.subheader("Rejects by reason")
if rejects.empty:
    st.success("No rejected rows.")
else:
    ui.draw_chart(charts.rejects_bar(rejects))
    st.dataframe(
        rejects,
        hide_index=True,
        width="stretch",
        column_config={
            "table_name": "Table",
            "reject_reason": "Reason",
            "rejected_rows": st.column_config.NumberColumn("Rows", format="localized"),
            "example_raw_values": st.column_config.TextColumn("An example row", width="large"),
        },
    )
    with st.expander("More examples (the first three rows of each table and reason)"):
        st.dataframe(data.reject_examples(), hide_index=True, width="stretch")

st.subheader("Data-quality findings")
if failing.empty:
    st.success(f"All {len(quality)} checks pass.")
else:
    st.warning(f"{len(failing)} of {len(quality)} checks have findings.")
st.dataframe(
    ui.as_percent(quality, ["finding_share"]),
    hide_index=True,
    width="stretch",
    column_config={
        "check_name": "Check",
        "table_name": "Table",
        "detail": "Detail",
        "severity": "Severity",
        "finding_count": st.column_config.NumberColumn("Findings", format="localized"),
        "checked_count": st.column_config.NumberColumn("Checked", format="localized"),
        "finding_share": st.column_config.NumberColumn("Share", format=ui.PERCENT),
        "is_passing": "Passing",
        "description": st.column_config.TextColumn("What it checks", width="large"),
    },
)

with st.expander("Load log"):
    st.dataframe(data.load_log(), hide_index=True, width="stretch")
