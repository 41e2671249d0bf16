"""Monthly review: is the month's SLA attainment moving with conversion and velocity?
(With Period = Week, the tiles and the trend are of an ISO week instead.)

One function per section of the page, called in order at the bottom. Which month, which
rows, which numbers, words and charts: journey_sla.app_logic.review.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from journey_sla.app_logic import (
    charts,
    data,
    drilldown,
    entry_criteria,
    period,
    policy_versions,
    review,
    review_download,
    review_pack,
    sidebar,
    stats,
    ui,
    wording,
)
from journey_sla.app_logic.review import MonthlyCounts, Tiles


def month_picker(months: list[date], as_of: pd.Timestamp) -> date:
    last_complete = stats.last_complete_month(as_of.to_pydatetime())
    options = review.month_options(months)
    default = wording.month_label(review.default_month(months, last_complete))
    ui.link_notice("month", list(options), "month", default)
    picked = st.selectbox(
        "Month",
        list(options),
        index=list(options).index(default),
        key="month",
        bind="query-params",
        help="Defaults to the last complete month before as_of.",
    )
    period.remember(options[picked])
    if options[picked] > last_complete:
        st.caption(f"{picked} is still in progress at as_of ({as_of:%Y-%m-%d %H:%M} UTC).")
    return options[picked]


def period_toggle() -> str:
    return (
        st.segmented_control(
            "Period",
            ["Month", "Week"],
            default="Month",
            key="period",
            bind="query-params",
            help="Week: the tiles and the trend over ISO weeks (Monday to Sunday, UTC) of the "
            "clocks' start; the rest of the page stays on the month.",
        )
        or "Month"
    )


def week_picker(weeks: pd.DataFrame, as_of: pd.Timestamp) -> str:
    options = review.week_options(weeks)
    default = review.default_week(options, review.last_complete_week(as_of))
    ui.link_notice("week", list(options), "week", default)
    picked = st.selectbox(
        "ISO week",
        list(options),
        index=list(options).index(default),
        key="week",
        bind="query-params",
        help="ISO 8601 weeks of the clocks' start in UTC; defaults to the last complete week "
        "before as_of.",
    )
    return picked


def week_tiles_section(tile: review.WeekTiles, window: int) -> None:
    tiles = st.columns(4)
    tiles[0].metric(
        "SLA attainment",
        wording.percent(tile.attainment),
        wording.points(review.change(tile.attainment, tile.attainment_before)),
        help="Met ÷ (met + breached) clocks started in the ISO week; open and cancelled "
        "clocks are left out. Change in percentage points against the week before.",
    )
    tiles[1].metric(
        "Breach rate",
        wording.percent(tile.breach_rate),
        wording.points(review.change(tile.breach_rate, tile.breach_rate_before)),
        delta_color="inverse",
        help="Breached ÷ all clocks started in the ISO week (open and cancelled included).",
    )
    tiles[2].metric(
        "Conversion of clocked visits",
        wording.percent(tile.conversion),
        wording.points(review.change(tile.conversion, tile.conversion_before)),
        help=f"Clocked visits of the week (per policy) that reached a later stage within "
        f"{window} days; shown once all of them are that old.",
    )
    tiles[3].metric(
        "Clocks started",
        f"{int(tile.clocks['clocks']):,}",
        f"{int(tile.clocks['clocks'] - tile.clocks_before['clocks']):+,}",
        delta_color="off",
        help="Clocks started in the ISO week, against the week before.",
    )
    st.caption(review.week_caption(tile, window))


def week_trend_section(trend: pd.DataFrame, week: date) -> alt.LayerChart:
    st.subheader("Over the weeks")
    chart = charts.monthly_trend(trend, pd.Timestamp(week), period="week")
    ui.draw_chart(chart)
    st.caption(
        "ISO weeks of the clocks' start (UTC). Bands are 95 % Wilson intervals. Conversion is "
        "of the clocked visits, shown for weeks whose clocked visits are all mature."
    )
    return chart


def tiles_section(tile: Tiles, window: int) -> None:
    tiles = st.columns(4)
    tiles[0].metric(
        "SLA attainment",
        wording.percent(tile.attainment),
        wording.points(review.change(tile.attainment, tile.attainment_before)),
        help="Met ÷ (met + breached) clocks started in the month; open and cancelled clocks "
        "are left out. Change in percentage points against the month before.",
    )
    tiles[1].metric(
        "Breach rate",
        wording.percent(tile.breach_rate),
        wording.points(review.change(tile.breach_rate, tile.breach_rate_before)),
        delta_color="inverse",
        help="Breached ÷ all clocks started in the month (open and cancelled included).",
    )
    tiles[2].metric(
        review.conversion_label(tile),
        wording.percent(tile.conversion),
        wording.points(review.change(tile.conversion, tile.conversion_before)),
        help=f"Funnel visits entered in the month that reached a later stage within {window} "
        "days. Only known once the visits are that old (mature): for a recent month the tile "
        "shows the latest month whose visits are all mature.",
    )
    tiles[3].metric(
        "Velocity",
        wording.days(tile.velocity),
        review.velocity_change(tile),
        delta_color="inverse",
        help="Median days from entering a funnel stage to moving on to a later one, over the "
        "month's visits that progressed.",
    )
    st.caption(review.counts_caption(tile, window))


def scatter_section(
    scatters: dict[str, alt.LayerChart], cohort: date | None, month: date, window: int
) -> None:
    st.subheader("Attainment vs conversion")
    if cohort is None:
        st.info(
            f"No month up to {wording.month_label(month)} has mature visits yet: conversion "
            f"is known {window} days after a visit's entry."
        )
        return
    if cohort != month:
        st.caption(
            f"Conversion is known {window} days after a visit's entry, so these charts show "
            f"**{wording.month_label(cohort)}**, the latest month up to "
            f"{wording.month_label(month)} whose clocked visits are all mature."
        )
    # One scatter at a time: each chart drawn costs the page ~0.2-0.3 s in the browser at 1M
    # journeys (BENCHMARKS.md); the choice is in the URL like every other view setting.
    grouping = st.segmented_control(
        "Attainment vs conversion by",
        ["Policy", "Team"],
        default="Policy",
        key="scatter_by",
        bind="query-params",
    )
    noun = "team" if grouping == "Team" else "policy"
    st.markdown(f"**Per {noun}** · {wording.month_label(cohort)}")
    chart = scatters.get(f"attainment_vs_conversion_by_{noun}")
    if chart is None:
        st.info(f"No {noun} has both resolved clocks and mature visits in this month.")
    else:
        ui.draw_chart(chart)
    st.caption(
        "Point size = clocks started (see the tooltip); whiskers = 95 % Wilson intervals. "
        "Click a legend entry to highlight it. Per policy, "
        "conversion is of the policy's clocked visits; per team, of the visits the team owned."
    )


def trend_section(trend: pd.DataFrame, month: date, window: int) -> alt.LayerChart:
    st.subheader("Over the months")
    changes = policy_versions.version_changes(data.policy_versions())
    chart = charts.monthly_trend(trend, pd.Timestamp(month), changes)
    ui.draw_chart(chart)
    st.caption(
        f"Bands are 95 % Wilson intervals. Conversion is shown for months whose visits are "
        f"all mature ({window} days after entry). Orange rules mark the months a policy's new "
        "version took effect (its clocks from then on use the new target)."
    )
    return chart


def velocity_section(stages: pd.DataFrame, month: date) -> alt.LayerChart | None:
    st.subheader("Velocity by stage")
    if not stages["median_days_to_progress"].notna().any():
        st.info("No visit entered in this month has progressed yet.")
        return None
    chart = charts.velocity_by_stage(stages)
    ui.draw_chart(chart)
    st.caption(
        f"Bars: {wording.month_label(month)}; black ticks: "
        f"{wording.month_label(stats.add_months(month, -1))}. Median days from entering the "
        "stage to moving to a later stage, over visits that did. A recent month only counts "
        "the visits that have already moved on, so it looks faster than it will once the "
        "slower ones move too."
    )
    return chart


def effectiveness_section(effectiveness: pd.DataFrame) -> None:
    st.subheader("SLA effectiveness")
    st.dataframe(
        ui.as_percent(
            review.verdicts(effectiveness),
            ["met_conversion_rate", "breached_conversion_rate", "conversion_rate_lift"],
        )[
            [
                "description", "verdict", "in_words", "verdict_reason", "met_visits",
                "met_conversion_rate",
                "met_interval", "breached_visits", "breached_conversion_rate",
                "breached_interval", "conversion_rate_lift", "p_value", "immature_visits",
                "median_days_to_progress_difference",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "description": st.column_config.TextColumn("Policy", width="medium"),
            "verdict": "Verdict",
            "in_words": st.column_config.TextColumn("In plain words", width="large"),
            "verdict_reason": st.column_config.TextColumn("Why", width="large"),
            "met_visits": st.column_config.NumberColumn("Met visits", format="localized"),
            "met_conversion_rate": st.column_config.NumberColumn(
                "Met conversion", format=ui.PERCENT
            ),
            "met_interval": "Met 95% interval",
            "breached_visits": st.column_config.NumberColumn(
                "Breached visits", format="localized"
            ),
            "breached_conversion_rate": st.column_config.NumberColumn(
                "Breached conversion", format=ui.PERCENT
            ),
            "breached_interval": "Breached 95% interval",
            "conversion_rate_lift": st.column_config.NumberColumn("Lift (pts)", format="%+.1f"),
            "p_value": st.column_config.NumberColumn("p-value", format="%.4f"),
            "immature_visits": st.column_config.NumberColumn(
                "Immature, left out", format="localized"
            ),
            "median_days_to_progress_difference": st.column_config.NumberColumn(
                "Velocity gap (days, met − breached)", format="%.1f"
            ),
        },
    )  # fmt: skip
    st.caption(
        "Met vs breached visits of each policy, over all mature visits (not filtered). "
        "An association, not an experiment: a breach can be a symptom as much as a cause."
    )


def leaderboard_section(board: pd.DataFrame, month: date) -> None:
    st.subheader("Owner leaderboard")
    if board.empty:
        st.info(f"No owner has met or breached clocks started in {wording.month_label(month)}.")
        return
    st.dataframe(
        ui.as_percent(board, ["attainment", "breaches_handled_share"])[
            ["owner_name", "manager_name", "owner_team", "attainment", "resolved_clocks",
             "clocks", "median_response_business_minutes", "breached_clocks",
             "breaches_handled", "breaches_handled_share"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "owner_name": "Owner",
            "manager_name": "Manager",
            "owner_team": "Team",
            "attainment": st.column_config.NumberColumn("Attainment", format=ui.PERCENT),
            "resolved_clocks": st.column_config.NumberColumn("Met + breached", format="localized"),
            "clocks": st.column_config.NumberColumn("Clocks started", format="localized"),
            "median_response_business_minutes": st.column_config.NumberColumn(
                "Median response (business min)", format="%.0f"
            ),
            "breached_clocks": st.column_config.NumberColumn("Breaches", format="localized"),
            "breaches_handled": st.column_config.NumberColumn(
                "Breaches handled", format="localized"
            ),
            "breaches_handled_share": st.column_config.NumberColumn(
                "Handled share", format=ui.PERCENT
            ),
        },
    )  # fmt: skip
    st.caption(
        f"Clocks started in {wording.month_label(month)}, by the owner the clock is on. "
        "Median response: business minutes to stop over stopped first-touch, follow-up, "
        "handoff and risk-signal clocks. Handled: escalated or reassigned after the breach."
    )


def download_section(
    title: str,
    month: date,
    tables: dict[str, pd.DataFrame],
    charts_by_name: dict,
    leave_out: bool,
) -> None:
    st.download_button(
        "Download review",
        data=lambda: review_download.review_zip(title, tables, charts_by_name),
        file_name=f"journey-sla-review-{month:%Y-%m}.zip",
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
        help="A zip of this page's tables (CSV) and charts ("
        + ("SVG and PNG" if review_download.can_render_images() else "Vega-Lite HTML")
        + ").",
    )
    st.download_button(
        "Download review pack",
        data=lambda: review_pack.to_html(review_pack.build(filters, month, leave_out=leave_out)),
        file_name=f"journey-sla-review-pack-{month:%Y-%m}.html",
        mime="text/html",
        icon=":material/description:",
        on_click="ignore",
        help="The monthly review for the meeting as one self-contained HTML page (tiles, "
        "charts, verdicts, revise candidates, routing compliance, top breaches, caveats); "
        "`journey-sla report` writes the same page or a PDF.",
    )


info = ui.require_warehouse()
filters = sidebar.current()
as_of = pd.Timestamp(info["as_of"])
window = int(info["conversion_window_days"] or 90)

st.title("Monthly review")
ui.filter_caption(filters, "the effectiveness verdicts are over all visits")
leave_out = entry_criteria.toggle("monthly_review")

counts = MonthlyCounts.of(
    data.governance_months(filters, entry_ok=leave_out), data.visit_months(filters)
)
if not counts.months:
    st.info("No clocks or visits under these filters. Widen the filters in the sidebar.")
    st.stop()
period_column, month_column, week_column = st.columns([1, 2, 2], vertical_alignment="bottom")
with period_column:
    period_kind = period_toggle()
with month_column:
    month = month_picker(counts.months, as_of)
weeks = (
    data.governance_weeks(filters, entry_ok=leave_out) if period_kind == "Week" else pd.DataFrame()
)
week = None
if period_kind == "Week" and weeks.empty:
    st.info("No clocks started in any ISO week under these filters: showing the month.")
elif period_kind == "Week":
    with week_column:
        week = week_picker(weeks, as_of)
cohort = review.cohort_month(counts.policies, month)
breakdown = review.with_month(data.visit_breakdown(filters, review.breakdown_months(month, cohort)))
tile = review.tiles(counts, breakdown, month)
week_tile = review.week_tiles(weeks, week) if week else None
if week_tile:
    week_tiles_section(week_tile, window)
else:
    tiles_section(tile, window)
if leave_out:
    st.caption(
        entry_criteria.left_out_words(
            entry_criteria.broken_clocks(weeks, "week_start_date", week_tile.week)
            if week_tile
            else entry_criteria.broken_clocks(counts.policies, "month_start_date", month),
            week_tile.iso_week if week_tile else wording.month_label(month),
        )
    )

points = {
    "policy": review.policy_points(counts, data.policies(), cohort) if cohort else pd.DataFrame(),
    "team": review.team_points(counts, breakdown, cohort) if cohort else pd.DataFrame(),
}
# The charts drawn here go into the download too: build each once.
scatters = review.scatter_charts(points)
scatter_section(scatters, cohort, month, window)
if week_tile:
    trend = review.week_trend(weeks)
    trend_chart = week_trend_section(trend, week_tile.week)
else:
    trend = review.trend(counts)
    trend_chart = trend_section(trend, month, window)
stages = review.stage_velocity(breakdown, month)
velocity_chart = velocity_section(stages, month)
effectiveness = data.effectiveness()
effectiveness_section(effectiveness)
entry_breaks = entry_criteria.panel(
    period.month_filters(filters, month), wording.month_label(month)
)

board = drilldown.leaderboard(data.owner_leaderboard(filters, [month]))
leaderboard_section(board, month)
drill_rows = (
    [("policy", row.policy_id, row.description)
     for row in points["policy"].itertuples() if "description" in points["policy"]]
    + [("team", team, None) for team in points["team"].get("team", [])]
    + [("owner", row.owner_id, row.owner_name) for row in board.itertuples()]
)  # fmt: skip
ui.clocks_behind(
    filters,
    drilldown.options(drill_rows),
    [month],
    info.get("crm_record_url"),
    key="drill",
    what=f"a figure (clocks started in {wording.month_label(month)})",
)

# The met-vs-breached chart is in the download only: the verdict table carries the same
# intervals, and every chart drawn costs the page ~0.2-0.3 s at 1M journeys (BENCHMARKS.md).
download_charts = {
    **scatters,
    "trend": trend_chart,
    "velocity_by_stage": velocity_chart,
    "sla_effectiveness": charts.effectiveness_intervals(effectiveness)
    if not effectiveness.empty
    else None,
}
download_section(
    review.review_title(
        month,
        as_of,
        filters.describe() + (" · entries that broke entry criteria left out" if leave_out else ""),
    ),
    month,
    {
        "tiles": review.week_tiles_table(week_tile) if week_tile else review.tiles_table(tile),
        "attainment_vs_conversion_by_policy": points["policy"],
        "attainment_vs_conversion_by_team": points["team"],
        "trend": trend,
        "velocity_by_stage": stages,
        "sla_effectiveness": effectiveness,
        "owner_leaderboard": board,
        "entries_that_broke_entry_criteria": entry_breaks,
    },
    {name: chart for name, chart in download_charts.items() if chart is not None},
    leave_out,
)
