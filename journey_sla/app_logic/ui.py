"""Bits every page shares: the warehouse check, the filter caption and chart drawing."""

from __future__ import annotations

import functools
import os

import altair as alt
import pandas as pd
import streamlit as st

from journey_sla.app_logic import data, wording
from journey_sla.app_logic.warehouse import (
    RELATIONS,
    Filters,
    WarehouseMissing,
    describe_source,
    present_tables,
)

# What a page needs before it can draw anything: every relation the app reads.
REQUIRED_TABLES = RELATIONS.names()

RUN_HINT = (
    "Run `make run` (demo data), or `journey-sla load DIR && journey-sla build`, "
    "then reload this page."
)


def require_warehouse() -> pd.Series:
    """The build's info, or a note saying what to run (and the page stops)."""
    try:
        present = present_tables()
    except WarehouseMissing as missing:
        st.info(f"No built warehouse yet ({missing}). {RUN_HINT}")
        st.stop()
    absent = [table for table in REQUIRED_TABLES if table not in present]
    if absent:
        st.info(
            f"The warehouse {describe_source()} is not fully built (missing "
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


def clocks_behind(
    filters: Filters,
    choices: dict[str, tuple[str, str]],
    months: list,
    crm_template: str | None,
    key: str,
    what: str = "",
) -> None:
    """A picker of the figures on the page (policies, teams, owners) and, once one is
    picked, the clocks and journeys behind it with owners by name; each journey links to the
    Journey explorer and, with crm_record_url set, to its CRM record. The pick is in the
    URL (``?<key>=…``)."""
    from journey_sla.app_logic import drilldown

    picked = st.selectbox(
        "Open the clocks and journeys behind" + (f" {what}" if what else ""),
        list(choices),
        key=key,
        bind="query-params",
    )
    kind, value = choices.get(picked, ("", ""))
    if not kind:
        return
    total, clocks = data.clocks_behind(filters, kind, value, months)
    if clocks.empty:
        st.info(f"No clocks behind {picked} under these filters.")
        return
    shown = drilldown.with_links(clocks, crm_template)
    st.caption(
        f"{total:,} clocks behind {picked}"
        + (f", the first {len(clocks):,} shown" if total > len(clocks) else "")
        + ": breaches first, then open, newest first."
    )
    columns = ["explorer", *(["crm_record"] if "crm_record" in shown else []),
               "commitment", "status", "owner_name", "owner_team", "manager_name", "stage",
               "started_at", "due_at", "stopped_at", "is_handled"]  # fmt: skip
    st.dataframe(
        shown[columns],
        hide_index=True,
        width="stretch",
        column_config={
            "explorer": st.column_config.LinkColumn(
                "Journey", display_text=r"journey=(.*)$", help="Opens the Journey explorer"
            ),
            "crm_record": st.column_config.LinkColumn("CRM record", display_text="Open"),
            "commitment": st.column_config.TextColumn("Commitment", width="medium"),
            "status": "Status",
            "owner_name": "Owner",
            "owner_team": "Team",
            "manager_name": "Manager",
            "stage": "Stage",
            "started_at": st.column_config.DatetimeColumn(
                "Started (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "due_at": st.column_config.DatetimeColumn("Due (UTC)", format="YYYY-MM-DD HH:mm"),
            "stopped_at": st.column_config.DatetimeColumn(
                "Stopped (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "is_handled": st.column_config.CheckboxColumn("Breach handled"),
        },
    )


def link_notice(key: str, valid: list, what: str, shown: str, area=st) -> None:
    """Before the widget bound to ``?<key>=`` is drawn: when the link asks for values the
    warehouse does not have (an unknown month, policy, owner …), say what was asked and what
    is shown instead, rather than silently showing something else."""
    allowed = {str(value) for value in valid}
    asked = [value for value in st.query_params.get_all(key) if value not in allowed]
    text = wording.unhonoured_words(what, asked, shown)
    if text:
        area.warning(text, icon=":material/link_off:")


def draw_chart(chart: alt.TopLevelMixin, area=st) -> None:
    """st.altair_chart without validating the spec against the Vega-Lite JSON schema on every
    script run. Streamlit converts each chart with ``to_dict()`` under a lock shared by all
    sessions, and that validation was the largest single cost of a page run under load
    (BENCHMARKS.md, 20 sessions). The charts are validated in the tests instead: with
    JOURNEY_SLA_VALIDATE_CHARTS=1 (tests/conftest.py sets it) every chart a page draws is
    validated first."""
    if os.environ.get("JOURNEY_SLA_VALIDATE_CHARTS") == "1":
        chart.to_dict(validate=True)  # raises on a spec the schema rejects
    unvalidated = functools.partial(type(chart).to_dict, chart, validate=False)
    # The instance attribute shadows the method for this one chart object only.
    object.__setattr__(chart, "to_dict", unvalidated)
    area.altair_chart(chart, width="stretch")
