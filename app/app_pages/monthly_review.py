"""Monthly review: is the month's SLA attainment moving with conversion and velocity?"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from journey_sla.app_logic import charts, data, review_download, sidebar, stats, ui, wording

info = ui.require_warehouse()
filters = sidebar.current()
as_of = pd.Timestamp(info["as_of"])
window = int(info["conversion_window_days"] or 90)

st.title("Monthly review")
ui.filter_caption(filters, "the effectiveness verdicts are over all visits")

governance = data.governance_months(filters)
visit_months = data.visit_months(filters)
months = sorted(
    {pd.Timestamp(m).date() for m in governance["month_start_date"]}
    | {pd.Timestamp(m).date() for m in visit_months["month_start_date"]}
)
if not months:
    st.info("No clocks or visits under these filters. Widen the filters in the sidebar.")
    st.stop()

last_complete = stats.last_complete_month(as_of.to_pydatetime())
default_month = max((m for m in months if m <= last_complete), default=months[-1])
# Options are the labels themselves ("May 2026"), so a shared link reads ?month=May+2026.
by_label = {wording.month_label(m): m for m in reversed(months)}
picked = st.selectbox(
    "Month",
    list(by_label),
    index=list(by_label).index(wording.month_label(default_month)),
    key="month",
    bind="query-params",
    help="Defaults to the last complete month before as_of.",
)
month = by_label[picked]
if month > last_complete:
    st.caption(f"{picked} is still in progress at as_of ({as_of:%Y-%m-%d %H:%M} UTC).")
previous = stats.add_months(month, -1)

policy_rows = governance[governance["group_kind"] == "policy"].copy()
policy_rows["month"] = pd.to_datetime(policy_rows["month_start_date"]).dt.date
team_rows = governance[governance["group_kind"] == "team"].copy()
team_rows["month"] = pd.to_datetime(team_rows["month_start_date"]).dt.date
visit_months = visit_months.assign(month=pd.to_datetime(visit_months["month_start_date"]).dt.date)


def clock_totals(of: date) -> pd.Series:
    rows = policy_rows[policy_rows["month"] == of]
    return rows[
        ["clocks", "met_clocks", "breached_clocks", "open_clocks", "cancelled_clocks"]
    ].sum()


def visit_totals(of: date) -> pd.Series:
    rows = visit_months[visit_months["month"] == of]
    columns = ["entries", "immature_entries", "conversion_base_entries", "converted_entries"]
    return rows[columns].sum()


# Conversion needs mature visits: the latest month whose clocked visits are all mature.
maturity = policy_rows.groupby("month")[["conversion_base_visits", "immature_visits"]].sum()
mature_months = maturity[
    (maturity["immature_visits"] == 0) & (maturity["conversion_base_visits"] > 0)
].index
cohort = month if month in mature_months else max(
    (m for m in mature_months if m <= month), default=None
)  # fmt: skip

breakdown_months = sorted({month, previous} | ({cohort} if cohort else set()))
breakdown = data.visit_breakdown(filters, breakdown_months)
breakdown["month"] = pd.to_datetime(breakdown["month_start_date"]).dt.date


def velocity(of: date) -> float | None:
    row = breakdown[(breakdown["group_kind"] == "all") & (breakdown["month"] == of)]
    return None if row.empty else row["median_days_to_progress"].iloc[0]


# --- tiles -----------------------------------------------------------------------------------
now_clocks, before_clocks = clock_totals(month), clock_totals(previous)
now_visits = visit_totals(month)


def attainment_of(totals: pd.Series) -> float | None:
    return stats.ratio(totals["met_clocks"], totals["met_clocks"] + totals["breached_clocks"])


def change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None or pd.isna(now) or pd.isna(before) \
        else now - before  # fmt: skip


attainment = attainment_of(now_clocks)
breach_rate = stats.ratio(now_clocks["breached_clocks"], now_clocks["clocks"])
# Conversion is only known for mature visits: the tile shows the latest month up to the
# reviewed one whose visits are all mature, and says which.
mature_visit_months = visit_months[
    (visit_months["immature_entries"] == 0) & (visit_months["conversion_base_entries"] > 0)
]["month"]
conversion_month = max((m for m in mature_visit_months if m <= month), default=month)
conversion_now = visit_totals(conversion_month)
conversion_before = visit_totals(stats.add_months(conversion_month, -1))
conversion = stats.ratio(
    conversion_now["converted_entries"], conversion_now["conversion_base_entries"]
)
speed = velocity(month)
before_speed = velocity(previous)

tiles = st.columns(4)
tiles[0].metric(
    "SLA attainment",
    wording.percent(attainment),
    wording.points(change(attainment, attainment_of(before_clocks))),
    help="Met ÷ (met + breached) clocks started in the month; open and cancelled clocks "
    "are left out. Change in percentage points against the month before.",
)
tiles[1].metric(
    "Breach rate",
    wording.percent(breach_rate),
    wording.points(
        change(breach_rate, stats.ratio(before_clocks["breached_clocks"], before_clocks["clocks"]))
    ),
    delta_color="inverse",
    help="Breached ÷ all clocks started in the month (open and cancelled included).",
)
tiles[2].metric(
    "Conversion"
    if conversion_month == month
    else f"Conversion · {wording.month_label(conversion_month)}",
    wording.percent(conversion),
    wording.points(
        change(
            conversion,
            stats.ratio(
                conversion_before["converted_entries"],
                conversion_before["conversion_base_entries"],
            ),
        )
    ),
    help=f"Funnel visits entered in the month that reached a later stage within {window} "
    "days. Only known once the visits are that old (mature): for a recent month the tile "
    "shows the latest month whose visits are all mature.",
)
tiles[3].metric(
    "Velocity",
    wording.days(speed),
    None if change(speed, before_speed) is None else f"{change(speed, before_speed):+.1f} d",
    delta_color="inverse",
    help="Median days from entering a funnel stage to moving on to a later one, over the "
    "month's visits that progressed.",
)
st.caption(
    f"{int(now_clocks['clocks']):,} clocks started in {wording.month_label(month)}: "
    f"{int(now_clocks['met_clocks']):,} met, {int(now_clocks['breached_clocks']):,} breached, "
    f"{int(now_clocks['open_clocks']):,} open, {int(now_clocks['cancelled_clocks']):,} "
    f"cancelled. Conversion ({wording.month_label(conversion_month)}): "
    f"{int(conversion_now['converted_entries']):,} of "
    f"{int(conversion_now['conversion_base_entries']):,} mature visits converted"
    + (
        f"; {int(now_visits['immature_entries']):,} of {wording.month_label(month)}'s "
        f"{int(now_visits['entries']):,} visits are younger than {window} days, so its "
        "conversion is not known yet."
        if now_visits["immature_entries"]
        else "."
    )
)

# --- attainment vs conversion ----------------------------------------------------------------
st.subheader("Attainment vs conversion")
policy_table = pd.DataFrame()
team_table = pd.DataFrame()
# The charts drawn here go into the download too; build each once.
download_charts = {}
if cohort is None:
    st.info(
        f"No month up to {wording.month_label(month)} has mature visits yet: conversion is "
        f"known {window} days after a visit's entry."
    )
else:
    if cohort != month:
        st.caption(
            f"Conversion is known {window} days after a visit's entry, so these charts show "
            f"**{wording.month_label(cohort)}**, the latest month up to "
            f"{wording.month_label(month)} whose clocked visits are all mature."
        )
    policies = data.policies()[["policy_id", "stage", "sla_type", "description"]]
    policies["stage"] = policies["stage"].replace("*", "any stage")
    cohort_policies = policy_rows[policy_rows["month"] == cohort].rename(
        columns={"group_name": "policy_id"}
    )
    policy_table = cohort_policies.merge(policies, on="policy_id", how="left").assign(
        converted=lambda f: f["converted_visits"],
        conversion_base=lambda f: f["conversion_base_visits"],
        immature=lambda f: f["immature_visits"],
    )
    team_clocks = team_rows[team_rows["month"] == cohort].rename(columns={"group_name": "team"})
    team_visits = breakdown[
        (breakdown["group_kind"] == "team") & (breakdown["month"] == cohort)
    ].rename(columns={"group_name": "team"})
    team_table = team_clocks.merge(
        team_visits[["team", "conversion_base_entries", "converted_entries",
                     "immature_entries", "median_days_to_progress"]],
        on="team",
        how="inner",
    ).assign(
        converted=lambda f: f["converted_entries"],
        conversion_base=lambda f: f["conversion_base_entries"],
        immature=lambda f: f["immature_entries"],
    )  # fmt: skip
    for table in (policy_table, team_table):
        if table.empty:
            continue
        resolved = table["met_clocks"] + table["breached_clocks"]
        table["attainment"] = table["met_clocks"] / resolved.where(resolved > 0)
        table["attainment_lower"], table["attainment_upper"] = stats.wilson_interval(
            table["met_clocks"], resolved
        )
        base = table["conversion_base"]
        table["conversion_rate"] = table["converted"] / base.where(base > 0)
        table["conversion_rate_lower"], table["conversion_rate_upper"] = stats.wilson_interval(
            table["converted"], base
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
    if grouping == "Team":
        st.markdown(f"**Per team** · {wording.month_label(cohort)}")
        shown = team_table.dropna(subset=["attainment", "conversion_rate"])
        if shown.empty:
            st.info("No team has both resolved clocks and mature visits in this month.")
        else:
            st.altair_chart(charts.attainment_vs_conversion(shown, "team", "Team"), width="stretch")
    else:
        st.markdown(f"**Per policy** · {wording.month_label(cohort)}")
        shown = policy_table.dropna(subset=["attainment", "conversion_rate"])
        if shown.empty:
            st.info("No policy has both resolved clocks and mature visits in this month.")
        else:
            st.altair_chart(
                charts.attainment_vs_conversion(shown, "policy_id", "Policy", "stage"),
                width="stretch",
            )
    # The download holds both, whichever is on screen.
    for table, name, field, label, color in (
        (policy_table, "policy", "policy_id", "Policy", "stage"),
        (team_table, "team", "team", "Team", None),
    ):
        shown = table.dropna(subset=["attainment", "conversion_rate"]) if not table.empty else table
        if not shown.empty:
            arguments = (shown, field, label) + ((color,) if color else ())
            download_charts[f"attainment_vs_conversion_by_{name}"] = (
                charts.attainment_vs_conversion(*arguments)
            )
    st.caption(
        "Point size = clocks started (see the tooltip); whiskers = 95 % Wilson intervals. "
        "Click a legend entry to highlight it. Per policy, "
        "conversion is of the policy's clocked visits; per team, of the visits the team owned."
    )

# --- trends ----------------------------------------------------------------------------------
st.subheader("Over the months")
by_month = (
    policy_rows.groupby("month_start_date")[["clocks", "met_clocks", "breached_clocks"]]
    .sum()
    .reset_index()
)
resolved = by_month["met_clocks"] + by_month["breached_clocks"]
attainment_low, attainment_high = stats.wilson_interval(by_month["met_clocks"], resolved)
breach_low, breach_high = stats.wilson_interval(by_month["breached_clocks"], by_month["clocks"])
mature_visits = visit_months[
    (visit_months["immature_entries"] == 0) & (visit_months["conversion_base_entries"] > 0)
]
conversion_low, conversion_high = stats.wilson_interval(
    mature_visits["converted_entries"], mature_visits["conversion_base_entries"]
)
trend = pd.concat(
    [
        pd.DataFrame({
            "month_start_date": by_month["month_start_date"], "measure": "Attainment",
            "value": by_month["met_clocks"] / resolved.where(resolved > 0),
            "lower": attainment_low, "upper": attainment_high,
            "numerator": by_month["met_clocks"], "denominator": resolved,
        }),
        pd.DataFrame({
            "month_start_date": by_month["month_start_date"], "measure": "Breach rate",
            "value": by_month["breached_clocks"] / by_month["clocks"],
            "lower": breach_low, "upper": breach_high,
            "numerator": by_month["breached_clocks"], "denominator": by_month["clocks"],
        }),
        pd.DataFrame({
            "month_start_date": mature_visits["month_start_date"], "measure": "Conversion",
            "value": mature_visits["converted_entries"]
            / mature_visits["conversion_base_entries"],
            "lower": conversion_low, "upper": conversion_high,
            "numerator": mature_visits["converted_entries"],
            "denominator": mature_visits["conversion_base_entries"],
        }),
    ],
    ignore_index=True,
)  # fmt: skip
trend_chart = charts.monthly_trend(trend, pd.Timestamp(month))
st.altair_chart(trend_chart, width="stretch")
st.caption(
    f"Bands are 95 % Wilson intervals. Conversion is shown for months whose visits are all "
    f"mature ({window} days after entry)."
)

# --- velocity by stage -----------------------------------------------------------------------
st.subheader("Velocity by stage")
stage_rows = breakdown[
    (breakdown["group_kind"] == "stage") & breakdown["month"].isin([month, previous])
].rename(columns={"group_name": "stage"})
stage_rows = stage_rows.assign(
    period=stage_rows["month"].map(wording.month_label),
    period_kind=stage_rows["month"].map(lambda m: "selected" if m == month else "previous"),
)
velocity_chart = None
if stage_rows["median_days_to_progress"].notna().any():
    velocity_chart = charts.velocity_by_stage(stage_rows)
    st.altair_chart(velocity_chart, width="stretch")
    st.caption(
        f"Bars: {wording.month_label(month)}; black ticks: {wording.month_label(previous)}. "
        "Median days from entering the stage to moving to a later stage, over visits that did. "
        "A recent month only counts the visits that have already moved on, so it looks faster "
        "than it will once the slower ones move too."
    )
else:
    st.info("No visit entered in this month has progressed yet.")

# --- effectiveness ---------------------------------------------------------------------------
st.subheader("SLA effectiveness")
effectiveness = data.effectiveness()
effectiveness_chart = None
if not effectiveness.empty:
    # In the download only: the verdict table below carries the same intervals, and every
    # chart drawn costs the page ~0.2-0.3 s in the browser at 1M journeys (BENCHMARKS.md).
    effectiveness_chart = charts.effectiveness_intervals(effectiveness)
verdicts = effectiveness.assign(
    verdict=effectiveness["verdict"].map(wording.VERDICT_WORDS).fillna(effectiveness["verdict"]),
    met_interval=[
        f"{wording.percent(low)} – {wording.percent(high)}"
        for low, high in zip(effectiveness["met_conversion_rate_lower"],
                             effectiveness["met_conversion_rate_upper"], strict=True)
    ],
    breached_interval=[
        f"{wording.percent(low)} – {wording.percent(high)}"
        for low, high in zip(effectiveness["breached_conversion_rate_lower"],
                             effectiveness["breached_conversion_rate_upper"], strict=True)
    ],
)  # fmt: skip
st.dataframe(
    ui.as_percent(
        verdicts, ["met_conversion_rate", "breached_conversion_rate", "conversion_rate_lift"]
    )[
        [
            "policy_id", "verdict", "verdict_reason", "met_visits", "met_conversion_rate",
            "met_interval", "breached_visits", "breached_conversion_rate", "breached_interval",
            "conversion_rate_lift", "p_value", "immature_visits",
            "median_days_to_progress_difference",
        ]
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "policy_id": "Policy",
        "verdict": "Verdict",
        "verdict_reason": st.column_config.TextColumn("Why", width="large"),
        "met_visits": st.column_config.NumberColumn("Met visits", format="localized"),
        "met_conversion_rate": st.column_config.NumberColumn("Met conversion", format=ui.PERCENT),
        "met_interval": "Met 95% interval",
        "breached_visits": st.column_config.NumberColumn("Breached visits", format="localized"),
        "breached_conversion_rate": st.column_config.NumberColumn(
            "Breached conversion", format=ui.PERCENT
        ),
        "breached_interval": "Breached 95% interval",
        "conversion_rate_lift": st.column_config.NumberColumn("Lift (pts)", format="%+.1f"),
        "p_value": st.column_config.NumberColumn("p-value", format="%.4f"),
        "immature_visits": st.column_config.NumberColumn("Immature, left out", format="localized"),
        "median_days_to_progress_difference": st.column_config.NumberColumn(
            "Velocity gap (days, met − breached)", format="%.1f"
        ),
    },
)  # fmt: skip
st.caption(
    "Met vs breached visits of each policy, over all mature visits (not filtered). "
    "An association, not an experiment: a breach can be a symptom as much as a cause."
)

# --- download --------------------------------------------------------------------------------
tiles_table = pd.DataFrame(
    {
        "measure": ["attainment", "breach_rate", f"conversion_{conversion_month:%Y_%m}",
                "velocity_median_days"],
        "value": [attainment, breach_rate, conversion, speed],
        "previous_month_value": [
            attainment_of(before_clocks),
            stats.ratio(before_clocks["breached_clocks"], before_clocks["clocks"]),
            stats.ratio(conversion_before["converted_entries"],
                        conversion_before["conversion_base_entries"]),
            before_speed,
        ],
    }
)  # fmt: skip
download_tables = {
    "tiles": tiles_table,
    "attainment_vs_conversion_by_policy": policy_table,
    "attainment_vs_conversion_by_team": team_table,
    "trend": trend,
    "velocity_by_stage": stage_rows,
    "sla_effectiveness": effectiveness,
}
download_charts["trend"] = trend_chart
if velocity_chart is not None:
    download_charts["velocity_by_stage"] = velocity_chart
if effectiveness_chart is not None:
    download_charts["sla_effectiveness"] = effectiveness_chart

title = (
    f"journey-sla monthly review, {wording.month_label(month)} (as of {as_of:%Y-%m-%d %H:%M} "
    f"UTC). Filters: {filters.describe()}"
)
st.download_button(
    "Download review",
    data=lambda: review_download.review_zip(title, download_tables, download_charts),
    file_name=f"journey-sla-review-{month:%Y-%m}.zip",
    mime="application/zip",
    icon=":material/download:",
    on_click="ignore",
    help="A zip of this page's tables (CSV) and charts ("
    + ("SVG and PNG" if review_download.can_render_images() else "Vega-Lite HTML")
    + ").",
)
