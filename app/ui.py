"""Bits every page shares: the warehouse check and the filter caption."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import data

# What a page needs before it can draw anything; checked once per warehouse file.
REQUIRED_TABLES = (
    "fct_stage_visits", "fct_sla_clocks", "fct_sla_breaches", "fct_recycles",
    "fct_visit_outcomes", "fct_clock_outcomes", "mart_governance_monthly",
    "mart_sla_effectiveness", "mart_target_tuning", "mart_stage_funnel", "mart_stage_kpis",
    "mart_action_queue", "mart_data_quality", "mart_raw_table_counts",
    "stg_loader__rejects", "stg_loader__load_log", "sla_policies", "stages", "reason_codes",
    data.JOURNEY_TERRITORIES, "int_activities_until_as_of",
)  # fmt: skip

RUN_HINT = (
    "Run `make run` (demo data), or `journey-sla load DIR && journey-sla build`, "
    "then reload this page."
)


def require_warehouse() -> pd.Series:
    """The build's info, or a note saying what to run (and the page stops)."""
    try:
        present = set(data.query("select table_name from information_schema.tables")["table_name"])
    except data.WarehouseMissing as missing:
        st.info(f"No built warehouse yet ({missing}). {RUN_HINT}")
        st.stop()
    absent = [table for table in REQUIRED_TABLES if table not in present]
    if absent:
        st.info(
            f"The warehouse {data.warehouse_path()} is not fully built (missing "
            f"{', '.join(absent[:4])}{' …' if len(absent) > 4 else ''}). {RUN_HINT}"
        )
        st.stop()
    return data.build_info()


def filter_caption(filters: data.Filters, applies: str = "") -> None:
    text = f"Filters: {filters.describe()}"
    if applies:
        text += f" — {applies}"
    st.caption(text)


PERCENT = "%.1f%%"


def as_percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with shares (0–1) as percentages (0–100), for NumberColumn(format=PERCENT):
    Streamlit's "percent" format shows a varying number of decimals."""
    return frame.assign(**{column: frame[column] * 100 for column in columns})
