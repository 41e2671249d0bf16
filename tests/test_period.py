"""One period model (issue 12, "Read at a glance"): the month the Monthly review shows drives
the SLA matrix, under the sidebar filters. AppTest against the real session warehouse; the
expected numbers are computed here from fct_sla_clocks and dim_journeys with pandas (clocks
started in the UTC calendar month, attainment = met / (met + breached)), not read from the
mart the page uses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from journey_sla.app_logic import period
from tests.test_app import frame, run_app

pytestmark = pytest.mark.slow


def clocks(warehouse: Path) -> pd.DataFrame:
    return frame(
        warehouse,
        """
        select clocks.policy_id, clocks.status, clocks.started_at, journeys.segment
        from fct_sla_clocks as clocks
        inner join dim_journeys as journeys using (journey_id)
        """,
    )


def attainment_by_policy(rows: pd.DataFrame) -> pd.Series:
    met = rows["status"].eq("met").groupby(rows["policy_id"]).sum()
    breached = rows["status"].eq("breached").groupby(rows["policy_id"]).sum()
    resolved = met + breached
    return (met / resolved.where(resolved > 0) * 100).dropna()


def test_the_matrix_shows_the_month_and_segment_asked_for(warehouse_env: Path) -> None:
    every = clocks(warehouse_env)
    segment = every["segment"].value_counts().index[0]
    app = run_app("sla_matrix", {"segment": [segment], "month": "Sep 2025"})
    assert not app.exception, app.exception
    assert app.selectbox(key="month").value == "Sep 2025"
    assert app.sidebar.multiselect(key="segment").value == [segment]
    chosen = every[
        (every["segment"] == segment)
        & (every["started_at"] >= pd.Timestamp("2025-09-01"))
        & (every["started_at"] < pd.Timestamp("2025-10-01"))
    ]
    expected = attainment_by_policy(chosen)
    assert len(expected) >= 3  # the demo month has several policies with resolved clocks
    shown = app.dataframe[0].value.set_index("policy_id")["attainment"].dropna()
    pd.testing.assert_series_equal(
        shown.sort_index(), expected.sort_index(), check_names=False, atol=1e-9
    )
    # The tile counts the same clocks.
    met, breached = chosen["status"].eq("met").sum(), chosen["status"].eq("breached").sum()
    tile = {metric.label: metric.value for metric in app.metric}["Attainment, all policies"]
    assert tile == f"{met / (met + breached):.1%}"


def test_the_review_month_carries_over_and_all_months_is_one_click(warehouse_env: Path) -> None:
    app = run_app(query_params={"month": "Aug 2025"})
    assert not app.exception, app.exception
    assert app.selectbox(key="month").value == "Aug 2025"
    app.query_params.clear()
    app.switch_page("app_pages/sla_matrix.py").run()
    assert not app.exception, app.exception
    assert app.selectbox(key="month").value == "Aug 2025"

    app.selectbox(key="month").set_value(period.ALL_MONTHS).run()
    assert not app.exception, app.exception
    expected = attainment_by_policy(clocks(warehouse_env))
    shown = app.dataframe[0].value.set_index("policy_id")["attainment"].dropna()
    pd.testing.assert_series_equal(
        shown.sort_index(), expected.sort_index(), check_names=False, atol=1e-9
    )
