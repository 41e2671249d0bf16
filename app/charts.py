"""Chart builders: a DataFrame in, an Altair chart out. Small and testable without Streamlit."""

from __future__ import annotations

import altair as alt
import pandas as pd


def rejects_bar(rejects: pd.DataFrame) -> alt.Chart:
    """Rejected rows per table, stacked by reason."""
    return (
        alt.Chart(rejects)
        .mark_bar()
        .encode(
            x=alt.X("sum(rejected_rows):Q", title="Rejected rows"),
            y=alt.Y("table_name:N", title="Table", sort="-x"),
            color=alt.Color("reject_reason:N", title="Reason"),
            tooltip=[
                alt.Tooltip("table_name:N", title="Table"),
                alt.Tooltip("reject_reason:N", title="Reason"),
                alt.Tooltip("sum(rejected_rows):Q", title="Rows", format=","),
            ],
        )
        .properties(height=alt.Step(24))
    )
