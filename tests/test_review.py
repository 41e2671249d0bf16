"""The monthly review's rules (journey_sla.app_logic.review) on a few hand-made rows."""

from __future__ import annotations

import math
from datetime import date

import altair as alt
import pandas as pd
import pytest

from journey_sla.app_logic import review

MAY, JUNE, JULY = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)


def governance() -> pd.DataFrame:
    """As data.governance_months returns it: policy rows (with visit counts), team rows."""
    rows = [
        # month, kind, name, clocks, met, breached, open, cancelled, base, immature, converted
        (MAY, "policy", "p1", 10, 6, 2, 1, 1, 8, 0, 4),
        (MAY, "policy", "p2", 5, 1, 3, 1, 0, 4, 0, 1),
        (JUNE, "policy", "p1", 8, 4, 4, 0, 0, 6, 0, 3),
        (JULY, "policy", "p1", 6, 2, 1, 3, 0, 2, 3, 0),
        (MAY, "team", "t1", 15, 7, 5, 2, 1, None, None, None),
        (JUNE, "team", "t1", 8, 4, 4, 0, 0, None, None, None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "month_start_date", "group_kind", "group_name", "clocks", "met_clocks",
            "breached_clocks", "open_clocks", "cancelled_clocks", "conversion_base_visits",
            "immature_visits", "converted_visits",
        ],
    )  # fmt: skip
    return frame.assign(clocked_visits=frame["conversion_base_visits"])


def visit_months() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month_start_date": [MAY, JUNE, JULY],
            "entries": [20, 18, 12],
            "immature_entries": [0, 0, 5],
            "conversion_base_entries": [20, 18, 7],
            "converted_entries": [5, 9, 1],
            "progressed_entries": [12, 11, 4],
        }
    )


def breakdown() -> pd.DataFrame:
    rows = [
        (MAY, "all", "all", 0, 4.0),
        (JUNE, "all", "all", 0, 3.0),
        (JULY, "all", "all", 0, float("nan")),
        (MAY, "stage", "mql", 1, 2.0),
        (JUNE, "stage", "mql", 1, 1.5),
        (JUNE, "stage", "sql", 2, None),
        (JUNE, "team", "t1", 0, 3.0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "month_start_date", "group_kind", "group_name", "funnel_order",
            "median_days_to_progress",
        ],
    )  # fmt: skip
    return review.with_month(
        frame.assign(
            conversion_base_entries=10,
            converted_entries=4,
            immature_entries=0,
            p75_days_to_progress=5.0,
            progressed_entries=3,
        )  # fmt: skip
    )


@pytest.fixture
def counts() -> review.MonthlyCounts:
    return review.MonthlyCounts.of(governance(), visit_months())


def test_months_and_the_default_month(counts: review.MonthlyCounts) -> None:
    assert counts.months == [MAY, JUNE, JULY]
    assert review.default_month(counts.months, JUNE) == JUNE
    assert review.default_month(counts.months, date(2026, 4, 1)) == JULY  # none complete
    assert list(review.month_options(counts.months)) == ["Jul 2026", "Jun 2026", "May 2026"]


def test_cohort_is_the_latest_mature_month_up_to_the_reviewed_one(counts) -> None:
    assert review.cohort_month(counts.policies, JUNE) == JUNE
    assert review.cohort_month(counts.policies, JULY) == JUNE  # July has immature visits
    assert review.cohort_month(counts.policies, date(2026, 4, 1)) is None
    assert review.conversion_month(counts.visits, JULY) == JUNE
    assert review.conversion_month(counts.visits, date(2026, 4, 1)) == date(2026, 4, 1)
    assert review.breakdown_months(JULY, JUNE) == [JUNE, JULY]
    assert review.breakdown_months(JULY, None) == [JUNE, JULY]
    assert review.breakdown_months(JULY, MAY) == [MAY, JUNE, JULY]


def test_tiles_of_a_month_against_the_month_before(counts) -> None:
    tile = review.tiles(counts, breakdown(), JUNE)
    assert tile.attainment == pytest.approx(4 / 8)
    assert tile.attainment_before == pytest.approx(7 / 12)
    assert tile.breach_rate == pytest.approx(4 / 8)
    assert tile.breach_rate_before == pytest.approx(5 / 15)
    assert tile.conversion == pytest.approx(9 / 18)
    assert tile.conversion_before == pytest.approx(5 / 20)
    assert (tile.velocity, tile.velocity_before) == (3.0, 4.0)
    assert review.conversion_label(tile) == "Conversion"
    assert review.velocity_change(tile) == "-1.0 d"
    assert review.counts_caption(tile, 90).endswith("9 of 18 mature visits converted.")
    table = review.tiles_table(tile)
    assert list(table["measure"]) == [
        "attainment", "breach_rate", "conversion_2026_06", "velocity_median_days",
    ]  # fmt: skip
    assert table["previous_month_value"].iloc[0] == pytest.approx(7 / 12)


def test_a_recent_month_shows_the_latest_mature_conversion(counts) -> None:
    tile = review.tiles(counts, breakdown(), JULY)
    assert tile.conversion_month == JUNE
    assert review.conversion_label(tile) == "Conversion · Jun 2026"
    assert review.velocity_change(tile) is None  # July's median is not known
    assert "5 of Jul 2026's 12 visits are younger than 90 days" in review.counts_caption(tile, 90)


def test_change_is_unknown_when_either_side_is() -> None:
    assert review.change(0.5, 0.25) == 0.25
    assert review.change(None, 0.25) is None
    assert review.change(0.5, float("nan")) is None


def test_points_carry_rates_and_wilson_bounds(counts) -> None:
    policies = pd.DataFrame(
        {"policy_id": ["p1", "p2"], "stage": ["mql", "*"], "sla_type": ["first_touch"] * 2,
         "description": ["", ""], "owner_role": ["sdr", "sdr"]}
    )  # fmt: skip
    points = review.policy_points(counts, policies, MAY)
    assert list(points["policy_id"]) == ["p1", "p2"]
    assert list(points["stage"]) == ["mql", "any stage"]
    assert points["attainment"].tolist() == pytest.approx([6 / 8, 1 / 4])
    assert points["conversion_rate"].tolist() == pytest.approx([4 / 8, 1 / 4])
    assert (points["attainment_lower"] < points["attainment"]).all()
    assert (points["conversion_rate_upper"] > points["conversion_rate"]).all()

    teams = review.team_points(counts, breakdown(), JUNE)
    assert teams["team"].tolist() == ["t1"]
    assert teams["conversion_rate"].iloc[0] == pytest.approx(4 / 10)
    assert review.team_points(counts, breakdown(), MAY).empty  # no team visits in May


def test_a_point_without_resolved_clocks_has_no_attainment() -> None:
    table = pd.DataFrame(
        {"met_clocks": [0], "breached_clocks": [0], "converted": [1], "conversion_base": [2]}
    )
    rated = review.with_rates(table)
    assert math.isnan(rated["attainment"].iloc[0])
    assert math.isnan(rated["attainment_lower"].iloc[0])
    assert review.plottable(rated).empty


def test_scatter_charts_only_for_tables_with_points(counts) -> None:
    policies = pd.DataFrame(
        {"policy_id": ["p1"], "stage": ["mql"], "sla_type": ["x"], "description": [""]}
    )
    built = review.scatter_charts(
        {"policy": review.policy_points(counts, policies, MAY), "team": pd.DataFrame()}
    )
    assert list(built) == ["attainment_vs_conversion_by_policy"]
    assert "layer" in built["attainment_vs_conversion_by_policy"].to_dict(validate=True)


def test_trend_has_conversion_only_for_mature_months(counts) -> None:
    trend = review.trend(counts)
    by_measure = trend.groupby("measure")["month_start_date"].apply(list).to_dict()
    assert by_measure["Attainment"] == [MAY, JUNE, JULY]
    assert by_measure["Breach rate"] == [MAY, JUNE, JULY]
    assert by_measure["Conversion"] == [MAY, JUNE]
    may = trend[(trend["measure"] == "Attainment") & (trend["month_start_date"] == MAY)]
    assert may["value"].iloc[0] == pytest.approx(7 / 12)
    assert (may["numerator"].iloc[0], may["denominator"].iloc[0]) == (7, 12)
    assert (trend["lower"] <= trend["value"]).all() and (trend["value"] <= trend["upper"]).all()


def test_stage_velocity_marks_this_month_and_the_one_before() -> None:
    stages = review.stage_velocity(breakdown(), JUNE)
    assert sorted(zip(stages["stage"], stages["period_kind"], strict=True)) == [
        ("mql", "previous"), ("mql", "selected"), ("sql", "selected"),
    ]  # fmt: skip
    assert set(stages["period"]) == {"May 2026", "Jun 2026"}


def test_verdicts_in_words_with_intervals() -> None:
    effectiveness = pd.DataFrame(
        {
            "verdict": ["no_measurable_effect", "something_new"],
            "met_conversion_rate_lower": [0.12, None],
            "met_conversion_rate_upper": [0.3, None],
            "breached_conversion_rate_lower": [0.05, 0.0],
            "breached_conversion_rate_upper": [0.2, 1.0],
            "conversion_rate_lift": [0.12, None],
            "p_value": [0.2, None],
        }
    )
    shown = review.verdicts(effectiveness)
    assert shown["in_words"].tolist() == [
        "Met visits converted 12 points more often than breached ones; this could well be chance.",
        "Too few mature visits to compare.",
    ]
    assert shown["verdict"].tolist() == ["No measurable effect", "something_new"]
    assert shown["met_interval"].tolist() == ["12.0% – 30.0%", "— – —"]
    assert shown["breached_interval"].tolist() == ["5.0% – 20.0%", "0.0% – 100.0%"]


def test_review_title_names_month_as_of_and_filters() -> None:
    title = review.review_title(JUNE, pd.Timestamp("2026-07-02 10:30"), "all segments")
    assert title == (
        "journey-sla monthly review, Jun 2026 (as of 2026-07-02 10:30 UTC). Filters: all segments"
    )


def test_review_charts_with_dates_in_their_data_render() -> None:
    """Issue 12: the review's frames carry `month` as a datetime.date; the download must still
    render (it raised "unsupported type date" in vl-convert and json alike)."""
    import json

    from journey_sla.app_logic import review_download

    frame = pd.DataFrame(
        {"month": [date(2026, 5, 1)], "at": [pd.Timestamp("2026-05-01 10:00")], "n": [3]}
    )
    chart = alt.Chart(frame).mark_point().encode(x="n:Q")
    spec = json.loads(review_download.json_spec(chart))
    (rows,) = spec["datasets"].values()
    assert rows[0]["month"] == "2026-05-01"
    assert rows[0]["at"].startswith("2026-05-01T10:00:00")
    files = review_download.chart_files("scatter", chart)
    if review_download.can_render_images():
        assert files["scatter.svg"].startswith(b"<svg")
        assert files["scatter.png"].startswith(b"\x89PNG")
    assert b"2026-05-01" in review_download.chart_html(review_download.json_spec(chart)).encode()


def test_goal_status_red_amber_green() -> None:
    """Issue 12: a goal per policy (seed attainment_goal_pct) gives each matrix row a status:
    green at or above the goal, amber less than 5 points below, red from 5 points below."""
    from journey_sla.app_logic import stats

    assert stats.goal_status(0.90, 0.90) == "green"
    assert stats.goal_status(0.95, 0.90) == "green"
    assert stats.goal_status(0.8501, 0.90) == "amber"
    assert stats.goal_status(0.85, 0.90) == "red"
    assert stats.goal_status(0.50, 0.90) == "red"
    assert stats.goal_status(None, 0.90) is None
    assert stats.goal_status(0.5, float("nan")) is None


def test_short_policy_labels_and_statistics_in_plain_words() -> None:
    from journey_sla.app_logic import wording

    assert wording.short_label("High-intent inquiry: a human touch within 30 minutes") == (
        "High-intent inquiry"
    )
    assert wording.short_label("Work every MQL within 1 business day: outreach") == (
        "Work every MQL within 1 bus…"
    )
    assert wording.short_label(None, "p_id") == "p_id"
    assert wording.lift_words(0.12, 0.001) == (
        "Met visits converted 12 points more often than breached ones; this is unlikely to "
        "be chance."
    )
    assert wording.lift_words(-0.034, 0.2) == (
        "Met visits converted 3 points less often than breached ones; this could well be chance."
    )
    assert wording.lift_words(0.004, 0.9).startswith("Met and breached visits converted about")
    assert wording.lift_words(0.1, 0.05).endswith("could well be chance.")  # alpha is strict
    assert wording.lift_words(None, None) == "Too few mature visits to compare."


def test_many_teams_become_top_n_and_others() -> None:
    teams = review.with_rates(
        pd.DataFrame(
            {
                "team": [f"t{i}" for i in range(10)],
                "clocks": [100, 90, 80, 70, 60, 50, 40, 30, 5, 3],
                "met_clocks": [50] * 8 + [2, 1],
                "breached_clocks": [10] * 8 + [2, 1],
                "converted": [5] * 8 + [1, 2],
                "conversion_base": [10] * 8 + [4, 4],
                "immature": [0] * 10,
            }
        )
    )
    shown = review.top_teams(teams)
    assert shown["team"].tolist()[:8] == [f"t{i}" for i in range(8)]
    others = shown.iloc[8]
    # t8 + t9: 3 met of 6 resolved, 3 converted of 8 mature, 8 clocks.
    assert others["team"] == "others (2 teams)"
    assert (others["clocks"], others["attainment"], others["conversion_rate"]) == (8, 0.5, 0.375)
    assert review.top_teams(teams.head(8)).equals(teams.head(8))


def test_a_stage_keeps_its_colour() -> None:
    from journey_sla.app_logic import charts

    points = review.with_rates(
        pd.DataFrame(
            {"label": ["A"], "stage": ["sal"], "clocks": [4], "met_clocks": [2],
             "breached_clocks": [1], "converted": [1], "conversion_base": [2], "immature": [0]}
        )
    )  # fmt: skip
    spec = charts.attainment_vs_conversion(points, "label", "Policy", "stage").to_dict()
    scale = spec["layer"][2]["encoding"]["color"]["scale"]
    assert scale["domain"][:3] == ["inquiry", "mql", "sal"]
    assert scale["range"][2] == "#2ca02c"  # sal is green in every month
    assert spec["layer"][3]["mark"]["type"] == "text"  # the short label beside each point


def test_journey_explorer_opens_on_the_whole_journey_with_years() -> None:
    from journey_sla.app_logic import charts

    visits = pd.DataFrame(
        {
            "stage": ["inquiry", "mql"], "funnel_order": [1, 2],
            "entered_at": pd.to_datetime(["2024-01-10", "2024-02-01"]),
            "exited_at": pd.to_datetime(["2024-02-01", None]),
            "shown_until_at": pd.to_datetime(["2024-02-01", "2026-06-30"]),
            "exit_kind": ["progressed", None], "owner_id": ["u1", "u1"],
            "business_minutes_in_stage": [100.0, None],
        }
    )  # fmt: skip
    empty_activities = pd.DataFrame(
        columns=["activity_id", "activity_type", "direction", "outcome", "owner_id",
                 "is_human_touch", "occurred_at"]
    ).astype({"occurred_at": "datetime64[ns]"})  # fmt: skip
    empty_clocks = pd.DataFrame(
        columns=["policy_id", "commitment", "stage", "sla_type", "status", "is_at_risk",
                 "owner_id", "owner_name", "started_at", "due_at", "stopped_at", "breached_at",
                 "elapsed_business_minutes", "failure_action", "is_handled", "clock_id"]
    ).astype({"due_at": "datetime64[ns]", "stopped_at": "datetime64[ns]",
              "started_at": "datetime64[ns]", "breached_at": "datetime64[ns]"})  # fmt: skip
    spec = charts.journey_timeline(visits, empty_activities, empty_clocks).to_dict()
    x = spec["layer"][1]["encoding"]["x"]
    # From the first entry to as_of (the current mql visit runs to 2026-06-30), 3 % margin.
    low, high = (pd.Timestamp(value) for value in x["scale"]["domain"])
    assert low < pd.Timestamp("2024-01-10") and high > pd.Timestamp("2026-06-30")
    assert "%Y" in x["axis"]["format"]
