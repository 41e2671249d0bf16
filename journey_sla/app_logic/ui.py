"""Bits every page shares: the warehouse check and the filter caption."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey_sla.app_logic import data
from journey_sla.app_logic.warehouse import RELATIONS, Filters, WarehouseMissing, query
from journey_sla.paths import warehouse_path

# What a page needs before it can draw anything: every relation the app reads.
REQUIRED_TABLES = RELATIONS.names()

RUN_HINT = (
    "Run `make run` (demo data), or `journey-sla load DIR && journey-sla build`, "
    "then reload this page."
)


def require_warehouse() -> pd.Series:
    """The build's info, or a note saying what to run (and the page stops)."""
    try:
        present = set(query("select table_name from information_schema.tables")["table_name"])
    except WarehouseMissing as missing:
        st.info(f"No built warehouse yet ({missing}). {RUN_HINT}")
        st.stop()
    absent = [table for table in REQUIRED_TABLES if table not in present]
    if absent:
        st.info(
            f"The warehouse {warehouse_path()} is not fully built (missing "
            f"{', '.join(absent[:4])}{' …' if len(absent) > 4 else ''}). {RUN_HINT}"
        )
        st.stop()
    return data.build_info()


def filter_caption(filters: Filters, applies: str = "") -> None:
    text = f"Filters: {filters.describe()}"
    if applies:
        text += f" — {applies}"
    st.caption(text)


PERCENT = "%.1f%%"


def as_percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy with shares (0–1) as percentages (0–100), for NumberColumn(format=PERCENT):
    Streamlit's "percent" format shows a varying number of decimals."""
    return frame.assign(**{column: frame[column] * 100 for column in columns})
