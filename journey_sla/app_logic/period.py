"""One period across pages: the month picked on the Monthly review (or given as ?month=) is
remembered for the session, and the SLA matrix shows that month under the sidebar filters."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from journey_sla.app_logic import data, ui, wording
from journey_sla.app_logic.warehouse import Filters

REMEMBERED = "review_month"
ALL_MONTHS = "All months in the date range"


def remember(month: date) -> None:
    """Called by the Monthly review with the month it shows."""
    st.session_state[REMEMBERED] = month


def month_filters(filters: Filters, month: date | None) -> Filters:
    """The sidebar's filters narrowed to one calendar month (None: unchanged)."""
    if month is None:
        return filters
    last_day = calendar.monthrange(month.year, month.month)[1]
    return dataclasses.replace(
        filters, start_date=month.replace(day=1), end_date=month.replace(day=last_day)
    )


def up_to_month(filters: Filters, month: date | None) -> Filters:
    """The filters with the range ending at the month's end (for "latest value up to")."""
    if month is None:
        return filters
    return dataclasses.replace(filters, end_date=month_filters(filters, month).end_date)


def clock_month_options(filters: Filters) -> dict[str, date]:
    """Label → month for every month with clocks under the filters, newest first."""
    months = data.governance_months(filters)
    found = sorted({pd.Timestamp(value).date() for value in months["month_start_date"]})
    return {wording.month_label(month): month for month in reversed(found)}


def picker(filters: Filters) -> date | None:
    """A Month selectbox (key "month", in the URL like the Monthly review's): the month the
    review shows in this session by default, else every month of the date range."""
    options = clock_month_options(filters)
    labels = [ALL_MONTHS, *options]
    remembered = st.session_state.get(REMEMBERED)
    default = wording.month_label(remembered) if remembered else ALL_MONTHS
    if default not in labels:
        default = ALL_MONTHS
    ui.link_notice("month", labels, "month", default)
    picked = st.selectbox(
        "Month",
        labels,
        index=labels.index(default),
        key="month",
        bind="query-params",
        help="The Monthly review's month carries over; or every month of the sidebar's date range.",
    )
    month = options.get(picked)
    if month is not None:
        remember(month)
    return month
