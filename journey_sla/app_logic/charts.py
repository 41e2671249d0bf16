"""Chart builders: a DataFrame in, an Altair chart out. Small and testable without Streamlit.

Every encoding is typed, every axis titled in words, every tooltip formatted. Charts that
overlay marks use ``alt.layer``; legends that filter use named selections with ``alt.when``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

RED = "#d62728"
GREEN = "#2ca02c"
GREY = "#9e9e9e"
BLUE = "#1f77b4"
ORANGE = "#ff7f0e"

STATUS_COLORS = alt.Scale(
    domain=["met", "open", "cancelled", "breached"], range=[GREEN, BLUE, GREY, RED]
)
SHARE_AXIS = alt.Axis(format="%")
# A stage keeps its colour on every chart and in every month: a fixed domain in funnel order.
STAGE_ORDER = ["inquiry", "mql", "sal", "sql", "opportunity", "closed_won", "onboarding",
               "adoption", "renewal", "any stage"]  # fmt: skip
STAGE_COLORS = alt.Scale(
    domain=STAGE_ORDER,
    range=["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79"],
)  # fmt: skip


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


def attainment_vs_conversion(
    points: pd.DataFrame, name_field: str, name_title: str, color_field: str | None = None
) -> alt.LayerChart:
    """One point per policy or team: attainment across, conversion up, size = clocks.

    Expects attainment, conversion_rate and their Wilson bounds (attainment_lower/_upper,
    conversion_rate_lower/_upper) and the counts behind them. Whiskers show the 95 %
    intervals. Clicking a legend entry highlights its points.
    """
    color_field = color_field or name_field
    pick = alt.selection_point(name=f"pick_{name_field}", fields=[color_field], bind="legend")
    base = alt.Chart(points)
    tooltip = [
        alt.Tooltip(f"{name_field}:N", title=name_title),
        alt.Tooltip("attainment:Q", title="Attainment", format=".1%"),
        alt.Tooltip("attainment_lower:Q", title="Attainment 95% low", format=".1%"),
        alt.Tooltip("attainment_upper:Q", title="Attainment 95% high", format=".1%"),
        alt.Tooltip("met_clocks:Q", title="Met clocks", format=","),
        alt.Tooltip("breached_clocks:Q", title="Breached clocks", format=","),
        alt.Tooltip("clocks:Q", title="All clocks", format=","),
        alt.Tooltip("conversion_rate:Q", title="Conversion", format=".1%"),
        alt.Tooltip("conversion_rate_lower:Q", title="Conversion 95% low", format=".1%"),
        alt.Tooltip("conversion_rate_upper:Q", title="Conversion 95% high", format=".1%"),
        alt.Tooltip("converted:Q", title="Converted visits", format=","),
        alt.Tooltip("conversion_base:Q", title="Mature visits", format=","),
        alt.Tooltip("immature:Q", title="Immature visits left out", format=","),
    ]
    x = alt.X(
        "attainment:Q",
        title="Attainment (met ÷ met + breached)",
        axis=SHARE_AXIS,
        scale=alt.Scale(zero=False, domainMax=1),
    )
    y = alt.Y(
        "conversion_rate:Q",
        title="Conversion (mature visits, any later stage)",
        axis=SHARE_AXIS,
        scale=alt.Scale(zero=False, domainMax=1),
    )
    opacity = alt.when(pick).then(alt.value(0.9)).otherwise(alt.value(0.15))
    # One colour spec for every layer, so Vega-Lite merges them into one legend.
    color = alt.Color(
        f"{color_field}:N",
        title=name_title if color_field == name_field else color_field.replace("_", " ").title(),
        scale=STAGE_COLORS if color_field == "stage" else alt.Undefined,
    )
    conversion_whisker = base.mark_rule().encode(
        x=x,
        y=alt.Y("conversion_rate_lower:Q"),
        y2="conversion_rate_upper:Q",
        color=color,
        opacity=opacity,
    )
    attainment_whisker = base.mark_rule().encode(
        x=alt.X("attainment_lower:Q"),
        x2="attainment_upper:Q",
        y=y,
        color=color,
        opacity=opacity,
    )
    dots = (
        base.mark_circle(stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("clocks:Q", scale=alt.Scale(range=[40, 900]), legend=None),
            color=color,
            opacity=opacity,
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    labels = base.mark_text(align="left", dx=9, fontSize=10).encode(
        x=x, y=y, text=alt.Text(f"{name_field}:N"), opacity=opacity
    )
    return alt.layer(conversion_whisker, attainment_whisker, dots, labels).properties(height=360)


# period → (date field, axis title, axis format, tooltip format) of monthly_trend's x axis.
PERIOD_AXES = {
    "month": ("month_start_date", "Month", "%b %Y", "%B %Y"),
    "week": ("week_start_date", "ISO week (Monday)", "%d %b %Y", "week of Mon %d %b %Y"),
}


def monthly_trend(
    trend: pd.DataFrame,
    selected_month: pd.Timestamp | None = None,
    policy_changes: pd.DataFrame | None = None,
    period: str = "month",
) -> alt.Chart:
    """Rates over months (long form: month_start_date, measure, value, lower, upper, n),
    each with its 95 % band; the reviewed month is marked, and so is every month a policy
    version took effect (policy_changes: month_start, label — policy_versions.version_changes).
    Legend clicks isolate a measure. ``period="week"``: the same over ISO weeks
    (week_start_date, the week's Monday); a policy change is marked at its month's start."""
    field, title, axis_format, tooltip_format = PERIOD_AXES[period]
    pick = alt.selection_point(name="pick_measure", fields=["measure"], bind="legend")
    base = alt.Chart(trend).encode(
        x=alt.X(f"{field}:T", title=title, axis=alt.Axis(format=axis_format)),
        color=alt.Color(
            "measure:N",
            title="Measure",
            scale=alt.Scale(
                domain=["Attainment", "Conversion", "Breach rate"], range=[BLUE, GREEN, RED]
            ),
            legend=alt.Legend(symbolOpacity=1, symbolType="stroke"),
        ),
    )
    opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.1))
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("lower:Q", title="Share", axis=SHARE_AXIS),
        y2="upper:Q",
        opacity=alt.when(pick).then(alt.value(0.15)).otherwise(alt.value(0.02)),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("value:Q", title="Share", axis=SHARE_AXIS),
        opacity=opacity,
        tooltip=[
            alt.Tooltip(f"{field}:T", title=title, format=tooltip_format),
            alt.Tooltip("measure:N", title="Measure"),
            alt.Tooltip("value:Q", title="Value", format=".1%"),
            alt.Tooltip("lower:Q", title="95% low", format=".1%"),
            alt.Tooltip("upper:Q", title="95% high", format=".1%"),
            alt.Tooltip("numerator:Q", title="Numerator", format=","),
            alt.Tooltip("denominator:Q", title="Denominator", format=","),
        ],
    )
    layers = [band, line.add_params(pick)]
    if selected_month is not None:
        marker = (
            alt.Chart(pd.DataFrame({field: [selected_month]}))
            .mark_rule(strokeDash=[4, 4], color=GREY)
            .encode(x=alt.X(f"{field}:T"))
        )
        layers.insert(0, marker)
    if policy_changes is not None and not policy_changes.empty and not trend.empty:
        months = pd.to_datetime(trend[field])
        shown = policy_changes[
            (policy_changes["month_start"] >= months.min())
            & (policy_changes["month_start"] <= months.max())
        ]
        if not shown.empty:
            changes = alt.Chart(shown.rename(columns={"month_start": field}))
            rules = changes.mark_rule(color=ORANGE, strokeWidth=2).encode(
                x=alt.X(f"{field}:T"),
                tooltip=[
                    alt.Tooltip(f"{field}:T", title="Policy changed", format="%B %Y"),
                    alt.Tooltip("label:N", title="New version"),
                ],
            )
            labels = changes.mark_text(
                align="left", baseline="top", dx=3, dy=2, angle=0, color=ORANGE, fontSize=10
            ).encode(x=alt.X(f"{field}:T"), y=alt.value(0), text="label:N")
            layers += [rules, labels]
    return alt.layer(*layers).properties(height=300)


def velocity_by_stage(stages: pd.DataFrame) -> alt.LayerChart:
    """Median days to the next stage per funnel stage: bars for the reviewed month, a tick
    for the month before (columns stage, funnel_order, period, median_days_to_progress,
    p75_days_to_progress, progressed_entries)."""
    order = stages.sort_values("funnel_order")["stage"].drop_duplicates().tolist()
    tooltip = [
        alt.Tooltip("stage:N", title="Stage"),
        alt.Tooltip("period:N", title="Month"),
        alt.Tooltip("median_days_to_progress:Q", title="Median days", format=".1f"),
        alt.Tooltip("p75_days_to_progress:Q", title="75th percentile days", format=".1f"),
        alt.Tooltip("progressed_entries:Q", title="Visits that progressed", format=","),
    ]
    y = alt.Y("stage:N", title="Stage", sort=order)
    x = alt.X("median_days_to_progress:Q", title="Median days to the next stage")
    bars = (
        alt.Chart(stages)
        .transform_filter(alt.datum.period_kind == "selected")
        .mark_bar(color=BLUE)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    ticks = (
        alt.Chart(stages)
        .transform_filter(alt.datum.period_kind == "previous")
        .mark_tick(color="black", thickness=2)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    return alt.layer(bars, ticks).properties(height=alt.Step(26))


def effectiveness_intervals(effectiveness: pd.DataFrame) -> alt.LayerChart:
    """Conversion of met vs breached visits per policy with 95 % intervals."""
    met = effectiveness.assign(
        group="met",
        rate=effectiveness["met_conversion_rate"],
        lower=effectiveness["met_conversion_rate_lower"],
        upper=effectiveness["met_conversion_rate_upper"],
        visits=effectiveness["met_visits"],
    )
    breached = effectiveness.assign(
        group="breached",
        rate=effectiveness["breached_conversion_rate"],
        lower=effectiveness["breached_conversion_rate_lower"],
        upper=effectiveness["breached_conversion_rate_upper"],
        visits=effectiveness["breached_visits"],
    )
    long = pd.concat([met, breached])[
        ["policy_id", "verdict", "group", "rate", "lower", "upper", "visits"]
    ]
    order = effectiveness["policy_id"].tolist()
    pick = alt.selection_point(name="pick_group", fields=["group"], bind="legend")
    color = alt.Color(
        "group:N",
        title="Visits whose clock was",
        scale=alt.Scale(domain=["met", "breached"], range=[GREEN, RED]),
    )
    base = alt.Chart(long).encode(
        y=alt.Y("policy_id:N", title="Policy", sort=order, axis=alt.Axis(labelLimit=260)),
        yOffset=alt.YOffset("group:N", sort=["met", "breached"]),
        color=color,
        opacity=alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.15)),
    )
    whiskers = base.mark_rule().encode(
        x=alt.X("lower:Q", title="Conversion (95% interval)", axis=SHARE_AXIS), x2="upper:Q"
    )
    dots = (
        base.mark_point(filled=True, size=60)
        .encode(
            x=alt.X("rate:Q"),
            tooltip=[
                alt.Tooltip("policy_id:N", title="Policy"),
                alt.Tooltip("verdict:N", title="Verdict"),
                alt.Tooltip("group:N", title="Clock"),
                alt.Tooltip("rate:Q", title="Conversion", format=".1%"),
                alt.Tooltip("lower:Q", title="95% low", format=".1%"),
                alt.Tooltip("upper:Q", title="95% high", format=".1%"),
                alt.Tooltip("visits:Q", title="Mature visits", format=","),
            ],
        )
        .add_params(pick)
    )
    return alt.layer(whiskers, dots).properties(height=alt.Step(14))


def reason_pareto(reasons: pd.DataFrame) -> alt.LayerChart:
    """Recycles per reason code, most frequent first, invalid codes in red, with the
    cumulative share as a line on its own axis."""
    order = reasons["reason_code"].tolist()
    x = alt.X("reason_code:N", title="Reason code", sort=order, axis=alt.Axis(labelAngle=-45))
    bars = (
        alt.Chart(reasons)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("recycles:Q", title="Recycles"),
            color=alt.Color(
                "validity:N",
                title="Code",
                scale=alt.Scale(domain=["valid", "not valid"], range=[BLUE, RED]),
            ),
            tooltip=[
                alt.Tooltip("reason_code:N", title="Reason code"),
                alt.Tooltip("validity:N", title="Code"),
                alt.Tooltip("recycles:Q", title="Recycles", format=","),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
                alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
            ],
        )
    )
    line = (
        alt.Chart(reasons)
        .mark_line(point=True, color="black")
        .encode(
            x=x,
            y=alt.Y(
                "cumulative_share:Q",
                title="Cumulative share",
                axis=SHARE_AXIS,
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=[
                alt.Tooltip("reason_code:N", title="Reason code"),
                alt.Tooltip("cumulative_share:Q", title="Cumulative share", format=".1%"),
            ],
        )
    )
    return alt.layer(bars, line).resolve_scale(y="independent").properties(height=320)


def share_without_valid_code(shares: pd.DataFrame, name_title: str) -> alt.LayerChart:
    """Share of recycles without a valid reason code per team or owner (name), worst first,
    with the overall share as a reference rule (column overall_share)."""
    order = shares["name"].tolist()
    bars = (
        alt.Chart(shares)
        .mark_bar(color=RED)
        .encode(
            x=alt.X(
                "share_without_valid_reason:Q",
                title="Recycles without a valid reason code",
                axis=SHARE_AXIS,
            ),
            y=alt.Y("name:N", title=name_title, sort=order, axis=alt.Axis(labelLimit=200)),
            tooltip=[
                alt.Tooltip("name:N", title=name_title),
                alt.Tooltip("without_valid_reason:Q", title="Without valid code", format=","),
                alt.Tooltip("recycles:Q", title="Recycles", format=","),
                alt.Tooltip("share_without_valid_reason:Q", title="Share", format=".1%"),
            ],
        )
    )
    overall = (
        alt.Chart(shares)
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(
            x=alt.X("mean(overall_share):Q"),
            tooltip=[alt.Tooltip("mean(overall_share):Q", title="All recycles", format=".1%")],
        )
    )
    return alt.layer(bars, overall).properties(height=alt.Step(24))


def re_entry_histogram(bins: pd.DataFrame) -> alt.Chart:
    """Recycles that came back, by days from the recycle to the re-entry."""
    return (
        alt.Chart(bins)
        .mark_bar(color=BLUE, binSpacing=1)
        .encode(
            x=alt.X("bin_start_days:Q", title="Days from recycle to re-entry", bin="binned"),
            x2="bin_end_days:Q",
            y=alt.Y("re_entered:Q", title="Re-entries"),
            tooltip=[
                alt.Tooltip("bin_start_days:Q", title="From day", format=".0f"),
                alt.Tooltip("bin_end_days:Q", title="To day", format=".0f"),
                alt.Tooltip("re_entered:Q", title="Re-entries", format=","),
                alt.Tooltip("reached_sql:Q", title="Of those, reached SQL", format=","),
            ],
        )
        .properties(height=260)
    )


def re_entry_by_track(tracks: pd.DataFrame) -> alt.Chart:
    """Per nurture track: share of recycles that came back and share of those that reached
    SQL (long form: nurture_track, measure, value, numerator, denominator)."""
    return (
        alt.Chart(tracks)
        .mark_bar()
        .encode(
            y=alt.Y("nurture_track:N", title="Nurture track", axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("measure:N"),
            x=alt.X("value:Q", title="Share", axis=SHARE_AXIS),
            color=alt.Color("measure:N", title="Measure"),
            tooltip=[
                alt.Tooltip("nurture_track:N", title="Nurture track"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Share", format=".1%"),
                alt.Tooltip("numerator:Q", title="Count", format=","),
                alt.Tooltip("denominator:Q", title="Out of", format=","),
            ],
        )
        .properties(height=alt.Step(14))
    )


def tuning_curve(
    tuning: pd.DataFrame, chosen_label: str | None, current_label: str | None
) -> alt.LayerChart:
    """Conversion by elapsed-time bucket (with 95 % whiskers) and the attainment each
    bucket's upper bound would have had as the target; rules mark the current target
    (dashed) and the one being tried (solid)."""
    order = tuning.sort_values("bucket_number")["bucket_label"].tolist()
    x = alt.X("bucket_label:N", title="Time to stop the clock", sort=order,
              axis=alt.Axis(labelAngle=-30))  # fmt: skip
    base = alt.Chart(tuning)
    share = alt.Y("conversion_rate:Q", title="Share", axis=SHARE_AXIS,
                  scale=alt.Scale(domain=[0, 1]))  # fmt: skip
    whiskers = base.mark_rule(color=BLUE).encode(
        x=x, y=alt.Y("conversion_rate_lower:Q"), y2="conversion_rate_upper:Q"
    )
    conversion = base.mark_line(point=True, color=BLUE).encode(
        x=x,
        y=share,
        tooltip=[
            alt.Tooltip("bucket_label:N", title="Stopped"),
            alt.Tooltip("conversion_rate:Q", title="Conversion", format=".1%"),
            alt.Tooltip("conversion_rate_lower:Q", title="95% low", format=".1%"),
            alt.Tooltip("conversion_rate_upper:Q", title="95% high", format=".1%"),
            alt.Tooltip("converted_clocks:Q", title="Converted", format=","),
            alt.Tooltip("mature_stopped_clocks:Q", title="Mature stopped clocks", format=","),
            alt.Tooltip("immature_stopped_clocks:Q", title="Immature, left out", format=","),
        ],
    )
    attainment = base.mark_line(point=True, color="black", strokeDash=[2, 2]).encode(
        x=x,
        y=alt.Y("candidate_attainment:Q"),
        tooltip=[
            alt.Tooltip("bucket_label:N", title="Target"),
            alt.Tooltip(
                "candidate_attainment:Q", title="Attainment at this target", format=".1%"
            ),  # fmt: skip
            alt.Tooltip("candidate_met_clocks:Q", title="Would be met", format=","),
            alt.Tooltip("candidate_breached_clocks:Q", title="Would be breached", format=","),
        ],
    )
    layers = [whiskers, conversion, attainment]
    for label, dash, color in ((current_label, [6, 4], GREY), (chosen_label, [1, 0], RED)):
        if label is not None:
            layers.append(
                alt.Chart(pd.DataFrame({"bucket_label": [label]}))
                .mark_rule(strokeDash=dash, color=color, size=2)
                .encode(x=alt.X("bucket_label:N", sort=order))
            )
    return alt.layer(*layers).properties(height=340)


def journey_timeline(
    visits: pd.DataFrame, activities: pd.DataFrame, clocks: pd.DataFrame
) -> alt.LayerChart:
    """One journey over time: stage visits as bars (a lane per stage), activities as ticks
    (their own lane), each clock's due time as a rule coloured by status (breaches red) and
    each breach as a red dot on its stage's lane."""
    lanes = visits.sort_values("funnel_order")["stage"].drop_duplicates().tolist()
    lanes.append("activities")
    y = alt.Y("lane:N", title=None, sort=lanes)
    # The view opens on the whole journey, from its first entry to as_of (a current visit
    # runs to as_of), with dates and years on the axis; drag or scroll to zoom in.
    moments = pd.concat(
        [
            visits["entered_at"], visits["exited_at"], visits.get("shown_until_at"),
            activities["occurred_at"], clocks["due_at"], clocks["stopped_at"],
        ]
    ).dropna()  # fmt: skip
    start, end = moments.min(), moments.max()
    margin = max((end - start) * 0.03, pd.Timedelta(hours=6))
    domain = [(start - margin).isoformat(), (end + margin).isoformat()]
    time_axis = alt.X(
        "start:T",
        title="Time (UTC)",
        scale=alt.Scale(domain=domain),
        axis=alt.Axis(format="%d %b %Y", labelOverlap=True),
    )
    zoom = alt.selection_interval(name="zoom_time", bind="scales", encodings=["x"])
    bars = (
        alt.Chart(
            visits.assign(
                lane=visits["stage"], start=visits["entered_at"], end=visits["shown_until_at"]
            )
        )  # fmt: skip
        .mark_bar(height=14, color=BLUE, opacity=0.75, cornerRadius=2, clip=True)
        .encode(
            x=time_axis,
            x2="end:T",
            y=y,
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("entered_at:T", title="Entered", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("exited_at:T", title="Exited", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("exit_kind:N", title="Exit"),
                alt.Tooltip("owner_id:N", title="Owner"),
                alt.Tooltip(
                    "business_minutes_in_stage:Q", title="Business minutes", format=",.0f"
                ),  # fmt: skip
            ],
        )
    )
    ticks = (
        alt.Chart(activities.assign(lane="activities", start=activities["occurred_at"]))
        .mark_tick(thickness=2, size=16, color="black", clip=True)
        .encode(
            x=time_axis,
            y=y,
            tooltip=[
                alt.Tooltip("occurred_at:T", title="At", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("activity_type:N", title="Activity"),
                alt.Tooltip("direction:N", title="Direction"),
                alt.Tooltip("outcome:N", title="Outcome"),
                alt.Tooltip("owner_id:N", title="By"),
            ],
        )
    )
    clock_tooltip = [
        alt.Tooltip("policy_id:N", title="Policy"),
        alt.Tooltip("commitment:N", title="Commitment"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("started_at:T", title="Started", format="%Y-%m-%d %H:%M"),
        alt.Tooltip("due_at:T", title="Due", format="%Y-%m-%d %H:%M"),
        alt.Tooltip("stopped_at:T", title="Stopped", format="%Y-%m-%d %H:%M"),
    ]
    rules = (
        alt.Chart(clocks.assign(start=clocks["due_at"]))
        .mark_rule(strokeDash=[4, 3], size=1.5, clip=True)
        .encode(
            x=time_axis,
            color=alt.Color("status:N", title="Clock status", scale=STATUS_COLORS),
            tooltip=clock_tooltip,
        )
    )
    breaches = clocks[clocks["status"] == "breached"]
    dots = (
        alt.Chart(breaches.assign(lane=breaches["stage"], start=breaches["breached_at"]))
        .mark_point(shape="diamond", filled=True, size=110, color=RED, clip=True)
        .encode(x=time_axis, y=y, tooltip=clock_tooltip)
    )
    return alt.layer(rules, bars.add_params(zoom), ticks, dots).properties(height=alt.Step(30))


def owner_load(load: pd.DataFrame) -> alt.LayerChart:
    """Open visits per owner (bars, red when over capacity) against their role's capacity
    (black ticks). Columns: owner_name, owner_team, owner_role, open_visits,
    max_open_visits, load_ratio, is_over_capacity."""
    order = load.sort_values(["load_ratio", "open_visits"], ascending=False)["owner_name"]
    tooltip = [
        alt.Tooltip("owner_name:N", title="Owner"),
        alt.Tooltip("owner_team:N", title="Team"),
        alt.Tooltip("manager_name:N", title="Manager"),
        alt.Tooltip("open_visits:Q", title="Open visits", format=","),
        alt.Tooltip("max_open_visits:Q", title="Capacity", format=","),
        alt.Tooltip("load_ratio:Q", title="Load", format=".0%"),
    ]
    y = alt.Y("owner_name:N", title="Owner", sort=order.tolist())
    bars = (
        alt.Chart(load)
        .mark_bar()
        .encode(
            x=alt.X("open_visits:Q", title="Open funnel visits at as_of"),
            y=y,
            color=alt.when(alt.datum.is_over_capacity)
            .then(alt.value(RED))
            .otherwise(alt.value(BLUE)),
            tooltip=tooltip,
        )
    )
    ticks = (
        alt.Chart(load)
        .mark_tick(color="black", thickness=2)
        .encode(x=alt.X("max_open_visits:Q"), y=y, tooltip=tooltip)
    )
    return alt.layer(bars, ticks).properties(height=alt.Step(18))


def routing_compliance_trend(monthly: pd.DataFrame) -> alt.Chart:
    """Rule compliance per team over the months (mart_routing_monthly rows)."""
    return (
        alt.Chart(monthly)
        .mark_line(point=True)
        .encode(
            x=alt.X("month_start:T", title="Month", axis=alt.Axis(format="%b %Y")),
            y=alt.Y("compliance_rate:Q", title="Rule compliance", axis=SHARE_AXIS),
            color=alt.Color("team:N", title="Expected team"),
            tooltip=[
                alt.Tooltip("month_start:T", title="Month", format="%B %Y"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("compliance_rate:Q", title="Compliance", format=".1%"),
                alt.Tooltip("assignments:Q", title="Assignments", format=","),
                alt.Tooltip(
                    "round_robin_without_context_share:Q",
                    title="Round robin without context",
                    format=".1%",
                ),
            ],
        )
    )
