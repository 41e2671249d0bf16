"""Data health: what was loaded, what was rejected and why."""

from __future__ import annotations

import streamlit as st

import charts
import data

st.title("Data health")

try:
    counts = data.table_counts()
    rejects = data.rejects_by_reason()
except data.WarehouseMissing as missing:
    st.info(
        f"No built warehouse yet ({missing}). Run `make run`, or "
        "`journey-sla load DIR && journey-sla build`, then reload this page."
    )
    st.stop()

read = int(counts["last_rows_read"].fillna(0).sum())
rejected = int(counts["last_rows_rejected"].fillna(0).sum())
left, middle, right = st.columns(3)
left.metric("Rows in warehouse", f"{int(counts['rows_in_warehouse'].sum()):,}")
middle.metric("Rows read (last load)", f"{read:,}")
right.metric("Rows rejected (last load)", f"{rejected:,}")

st.subheader("Rows per table")
st.dataframe(counts, hide_index=True, width="stretch")

st.subheader("Rejects by reason")
if rejects.empty:
    st.success("No rejected rows.")
else:
    st.altair_chart(charts.rejects_bar(rejects), width="stretch")
    st.dataframe(rejects, hide_index=True, width="stretch")
