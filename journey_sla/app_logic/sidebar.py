"""The sidebar filters every page shares: segment, territory, team and date range.

They are widgets of the entrypoint, so they are drawn on every page and keep their values
across navigation (kept in st.session_state under their keys), and they are bound to the URL
(``bind="query-params"``): ``?segment=smb&team=sdr_emea&dates=2026-01-01&dates=2026-03-31``
reproduces the view, and a link is read back on load. Pages read the choice with current().
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from journey_sla.app_logic import data, ui
from journey_sla.app_logic.warehouse import Filters, WarehouseMissing

FILTERS_KEY = "filters"


def render() -> Filters:
    """Draw the filters (when a warehouse is there) and remember the choice for the page."""
    try:
        options = data.filter_options()
        info = data.build_info()
    except WarehouseMissing:
        st.session_state[FILTERS_KEY] = Filters()
        return Filters()

    as_of = pd.Timestamp(info["as_of"])
    first = pd.Timestamp(info["first_month_date"]).date() if pd.notna(info["first_month_date"]) \
        else as_of.date()  # fmt: skip
    last = as_of.date()

    sidebar = st.sidebar
    sidebar.header("Filters")
    for key, what in (("segment", "segment"), ("territory", "territory"), ("team", "team")):
        ui.link_notice(key, options[key], what, "the page without it", area=sidebar)
    segments = sidebar.multiselect(
        "Segment", options["segment"], key="segment", bind="query-params",
        placeholder="All segments",
    )  # fmt: skip
    territories = sidebar.multiselect(
        "Territory", options["territory"], key="territory", bind="query-params",
        placeholder="All territories",
    )  # fmt: skip
    teams = sidebar.multiselect(
        "Team", options["team"], key="team", bind="query-params", placeholder="All teams"
    )
    chosen = sidebar.date_input(
        "Date range",
        value=(first, last),
        min_value=first,
        max_value=last,
        key="dates",
        bind="query-params",
        help="Clock starts, visit entries and recycles in this range. Monthly views take "
        "every month the range touches. The action queue is always as of the build.",
    )
    start, end = _range(chosen, first, last)
    filters = Filters(
        segments=tuple(segments),
        territories=tuple(territories),
        teams=tuple(teams),
        # The full range is no filter at all: the plainest query and the shared cache.
        start_date=None if start <= first else start,
        end_date=None if end >= last else end,
    )
    st.session_state[FILTERS_KEY] = filters
    sidebar.caption(
        f"As of **{as_of:%Y-%m-%d %H:%M} UTC** · last load "
        f"{pd.Timestamp(info['last_loaded_at']):%Y-%m-%d %H:%M} UTC"
        if pd.notna(info["last_loaded_at"])
        else f"As of **{as_of:%Y-%m-%d %H:%M} UTC**"
    )
    if pd.notna(info.get("as_of_source")):
        sidebar.caption(f"as_of: {info['as_of_source']}")
    sidebar.caption(f"Data: {data.build_source(info)}")
    return filters


def _range(chosen: object, first: date, last: date) -> tuple[date, date]:
    """A date_input range (a tuple of 0–2 dates while the user is picking) as (start, end)."""
    values = list(chosen) if isinstance(chosen, (tuple, list)) else [chosen]
    values = [value for value in values if value is not None]
    start = values[0] if values else first
    end = values[1] if len(values) > 1 else last
    return max(start, first), min(end, last)


def current() -> Filters:
    """The filters the sidebar set on this run."""
    return st.session_state.get(FILTERS_KEY, Filters())
