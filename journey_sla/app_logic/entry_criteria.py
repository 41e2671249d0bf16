"""Entry criteria in the review (issue 8, section 3): the toggle that leaves broken entries out
of attainment, and the panel of which criteria the period's entries broke.

A visit that broke an entry criterion of its stage (seed stage_entry_criteria) entered it the
wrong way: a manager may judge the SLA without the clocks such visits started. With the toggle
on, the attainment and breach rate of the Monthly review (tiles, trend, per-policy and per-team
points; month and week views) and of the SLA matrix count only clocks whose visit met its entry
criteria — the review marts' *_entry_ok counts (``data.governance_months(..., entry_ok=True)``).
Conversion, velocity, the verdicts, the leaderboard and the drill-down stay over every clock.

The toggle is one value for the session and the URL: both pages draw it with the same key,
bound to ``?leave_out_broken=true`` and remembered for the session (``toggle``), so the
Monthly review's choice carries over to the SLA matrix and a link reproduces it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from journey_sla.app_logic import data, ui
from journey_sla.app_logic.warehouse import Filters

KEY = "leave_out_broken"
LABEL = "Leave out entries that broke entry criteria"
HELP = (
    "On: attainment and breach rate count only clocks whose visit met every active entry "
    "criterion of its stage (seeds/stage_entry_criteria.csv). Conversion, velocity, the "
    "verdicts, the leaderboard and the clocks behind a figure stay over every clock."
)


REMEMBERED = "leave_out_broken_remembered"


def toggle(page: str) -> bool:
    """Draw the toggle on ``page`` (the same key on every page that has it) and return its
    value.

    A bound widget's value does not survive a page switch (the new page reads it from the
    URL, which the switch leaves without the parameter), so the choice is remembered with the
    page that set it and handed to the widget through session state when another page draws
    it and the URL does not say otherwise. Handing it over as the widget's default instead
    would drop it from the URL, which leaves out a parameter equal to the default."""
    remembered = st.session_state.get(REMEMBERED)
    if remembered and remembered[0] != page and KEY not in st.query_params:
        st.session_state[KEY] = remembered[1]
    chosen = bool(st.toggle(LABEL, key=KEY, bind="query-params", help=HELP))
    st.session_state[REMEMBERED] = (page, chosen)
    return chosen


def broken_clocks(rows: pd.DataFrame, column: str, period: date) -> int:
    """Clocks of broken entries in one period of a data.governance_months (group_kind
    'policy' rows) or data.governance_weeks frame, ``column`` naming its period column."""
    starts = pd.to_datetime(rows[column]).dt.date
    return int(rows.loc[starts == period, "clocks_with_broken_entry"].sum())


def left_out_words(clocks: int, period_words: str) -> str:
    """The caption under the tiles when the toggle is on."""
    if not clocks:
        return f"No clock started in {period_words} belongs to an entry that broke its criteria."
    noun = "clock" if clocks == 1 else "clocks"
    return (
        f"Left out of attainment and breach rate: {clocks:,} {noun} started in {period_words} "
        "whose visit broke an entry criterion of its stage (the counts above are the rest)."
    )


def pack_words(leave_out: bool, clocks: int) -> str:
    """What the review pack prints about broken entries."""
    if leave_out:
        return (
            f"Entries that broke entry criteria were left out: attainment and breach rate "
            f"count only clocks whose visit met its stage's entry criteria ({clocks:,} clocks "
            "of broken entries left out)."
        )
    return (
        f"Entries that broke entry criteria were not left out: attainment and breach rate "
        f"count every clock ({clocks:,} of them belong to broken entries)."
    )


def breaks_table(breaks: pd.DataFrame) -> pd.DataFrame:
    """Per stage × criterion (data.entry_criteria_breaks): entries, how many broke it and the
    share of the stage's entries that did (NaN without entries), in funnel order."""
    entries = pd.to_numeric(breaks["entries"]).astype("int64")
    failed = pd.to_numeric(breaks["failed_entries"]).astype("int64")
    return breaks.assign(
        entries=entries,
        failed_entries=failed,
        failed_share=failed / entries.where(entries > 0),
    )[["stage_label", "criterion_description", "entries", "failed_entries", "failed_share",
       "stage", "criterion_id"]]  # fmt: skip


def panel(scope: Filters, period_words: str) -> pd.DataFrame:
    """Per stage, how many of the period's entries broke which criterion. Returns the table
    (for the review's download)."""
    st.subheader("Entries that broke entry criteria")
    table = breaks_table(data.entry_criteria_breaks(scope))
    if table.empty:
        st.info(f"No visit entered a stage with entry criteria in {period_words}.")
        return table
    st.dataframe(
        ui.as_percent(table, ["failed_share"])[
            ["stage_label", "criterion_description", "entries", "failed_entries", "failed_share"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "stage_label": "Stage",
            "criterion_description": st.column_config.TextColumn("Criterion", width="large"),
            "entries": st.column_config.NumberColumn("Entries", format="localized"),
            "failed_entries": st.column_config.NumberColumn("Broke it", format="localized"),
            "failed_share": st.column_config.NumberColumn("Share of entries", format=ui.PERCENT),
        },
    )
    st.caption(
        f"Visits entered in {period_words} under the sidebar filters (team: the visit's owner "
        "at entry), per stage with active entry criteria; a visit can break several. "
        "Criteria: seeds/stage_entry_criteria.csv."
    )
    return table
