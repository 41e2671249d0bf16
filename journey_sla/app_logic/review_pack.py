"""The monthly review pack: one self-contained HTML page (or PDF) for the meeting.

Headline tiles, attainment vs conversion, trends, velocity, verdicts, the revise candidates,
routing compliance and the top breaches, with the as-of, the filters and the data-quality
caveats printed on it. Built from the same data and rules as the app's pages
(``data``, ``review``, ``routing``); charts are rendered to inline SVG by vl-convert, so the
HTML needs no script or network and the PDF (``vl_convert.svg_to_pdf``) is the same drawing.
``journey-sla report`` writes it; the Monthly review page offers it as a download.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import pandas as pd

from journey_sla.app_logic import (
    charts,
    data,
    entry_criteria,
    period,
    review,
    routing,
    stats,
    wording,
)
from journey_sla.app_logic.review import MonthlyCounts
from journey_sla.app_logic.review_download import EXPORT_WIDTH, json_spec
from journey_sla.app_logic.warehouse import Filters

# Verdicts that ask for a revision: attainment does not go with conversion (playbook: "if SLA
# attainment doesn't correlate with stage conversion and velocity, revise the SLA or the
# routing/enablement behind it").
REVISE_VERDICTS = {"no_measurable_effect": "no measurable effect", "harmful": "harmful"}
TOP_BREACHES = 20
MAX_CAVEATS = 12


@dataclass
class Pack:
    title: str
    month: date
    facts: list[str]
    caveats: list[str]
    tiles: pd.DataFrame
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Whether broken entries were left out of attainment (also one of the facts).
    entry_note: str = ""


def revise_candidates(effectiveness: pd.DataFrame) -> pd.DataFrame:
    """Policies whose verdict says attainment does not go with conversion: no measurable
    effect, or harmful (breached visits convert better). Lift in points, largest gap first."""
    rows = effectiveness[effectiveness["verdict"].isin(list(REVISE_VERDICTS))]
    return (
        rows.assign(
            why=rows["verdict"].map(REVISE_VERDICTS),
            lift_points=rows["conversion_rate_lift"] * 100,
        )[["policy_id", "description", "why", "lift_points", "p_value", "verdict_reason"]]
        .sort_values(["lift_points", "policy_id"])
        .reset_index(drop=True)
    )


def caveats(quality: pd.DataFrame, month: date, cohort: date | None, window: int) -> list[str]:
    """What the reader must know before trusting the numbers: failing data-quality checks and
    which cohort the conversion figures show."""
    failing = quality[~quality["is_passing"].astype(bool)]
    notes = [
        f"{row.check_name} on {row.table_name}"
        + (f" ({row.detail})" if isinstance(row.detail, str) and row.detail else "")
        + f": {int(row.finding_count):,} findings ({row.severity})"
        for row in failing.head(MAX_CAVEATS).itertuples()
    ]
    if len(failing) > MAX_CAVEATS:
        notes.append(f"… and {len(failing) - MAX_CAVEATS} more findings on the Data health page.")
    if cohort is None:
        notes.append(f"No month up to {wording.month_label(month)} has mature visits yet.")
    elif cohort != month:
        notes.append(
            f"Conversion needs {window} days: attainment vs conversion shows the "
            f"{wording.month_label(cohort)} cohort, the latest whose visits are all mature."
        )
    return notes


def week_parts(filters: Filters, iso_week: str, window: int, leave_out: bool = False) -> dict:
    """The week view of the pack (the app's Period = Week): title, the week's tiles against
    the week before, its caption and the trend over ISO weeks (mart_governance_weekly)."""
    weeks = data.governance_weeks(filters, entry_ok=leave_out)
    options = review.week_options(weeks)
    if iso_week not in options:
        latest = ", ".join(list(options)[:3]) or "none"
        raise ValueError(f"no clocks in {iso_week}; the latest weeks are {latest}")
    tile = review.week_tiles(weeks, iso_week)
    sunday = tile.week + pd.Timedelta(days=6)
    return {
        "title": f"journey-sla weekly review — {iso_week} "
        f"(Mon {tile.week:%d %b} – Sun {sunday:%d %b %Y})",
        "caption": review.week_caption(tile, window),
        "broken_clocks": entry_criteria.broken_clocks(weeks, "week_start_date", tile.week),
        "trend": charts.monthly_trend(
            review.week_trend(weeks), pd.Timestamp(tile.week), period="week"
        ),
        "tiles": pd.DataFrame(
            {
                "Measure": [
                    "SLA attainment",
                    "Breach rate",
                    "Conversion of clocked visits",
                    "Clocks started",
                ],
                "This week": [
                    wording.percent(tile.attainment),
                    wording.percent(tile.breach_rate),
                    wording.percent(tile.conversion),
                    f"{int(tile.clocks['clocks']):,}",
                ],
                "Week before": [
                    wording.percent(tile.attainment_before),
                    wording.percent(tile.breach_rate_before),
                    wording.percent(tile.conversion_before),
                    f"{int(tile.clocks_before['clocks']):,}",
                ],
            }
        ),  # fmt: skip
    }


def build(
    filters: Filters,
    month: date | None = None,
    week: str | None = None,
    leave_out: bool = False,
) -> Pack:
    """The pack for a month (default: the last complete month before as_of). With ``week``
    ('YYYY-Www'), the headline tiles and the trend are the ISO week's (the review's week
    view) and the rest is of ``month``, by default the month the week's Monday is in. With
    ``leave_out``, attainment and breach rate count only clocks whose visit met its entry
    criteria (the app's "Leave out entries that broke entry criteria"); the pack says which."""
    info = data.build_info()
    as_of = pd.Timestamp(info["as_of"])
    window = int(info["conversion_window_days"] or 90)
    counts = MonthlyCounts.of(
        data.governance_months(filters, entry_ok=leave_out), data.visit_months(filters)
    )
    if not counts.months:
        raise ValueError("no clocks or visits under these filters")
    weekly = week_parts(filters, week, window, leave_out) if week else None
    if weekly and month is None:
        month = stats.iso_week_monday(week).replace(day=1)
    last_complete = stats.last_complete_month(as_of.to_pydatetime())
    if month is None:
        month = review.default_month(counts.months, last_complete)
    elif month not in counts.months:
        months = ", ".join(f"{m:%Y-%m}" for m in counts.months[-3:])
        raise ValueError(f"no data for {month:%Y-%m}; the latest months are {months}")
    cohort = review.cohort_month(counts.policies, month)
    breakdown = review.with_month(
        data.visit_breakdown(filters, review.breakdown_months(month, cohort))
    )
    tile = review.tiles(counts, breakdown, month)
    points = {
        "policy": review.policy_points(counts, data.policies(), cohort)
        if cohort
        else pd.DataFrame(),
        "team": review.team_points(counts, breakdown, cohort) if cohort else pd.DataFrame(),
    }
    charts_by_name: dict[str, alt.TopLevelMixin] = dict(review.scatter_charts(points))
    charts_by_name["trend"] = charts.monthly_trend(review.trend(counts), pd.Timestamp(month))
    stages = review.stage_velocity(breakdown, month)
    if stages["median_days_to_progress"].notna().any():
        charts_by_name["velocity_by_stage"] = charts.velocity_by_stage(stages)
    effectiveness = data.effectiveness()
    verdicts = review.verdicts(effectiveness)
    routed = routing.with_rates(data.routing_by(filters, "team"))
    breaches = data.queue_page(filters, data.QueueChoices(sections=("breach",)), TOP_BREACHES, 0)
    pack = Pack(
        title=f"journey-sla monthly review — {wording.month_label(month)}",
        month=month,
        facts=[
            f"As of {as_of:%Y-%m-%d %H:%M} UTC ({info['as_of_source']}); "
            f"last load {pd.Timestamp(info['last_loaded_at']):%Y-%m-%d %H:%M} UTC.",
            f"Filters: {filters.describe()}.",
            review.counts_caption(tile, window),
            entry_criteria.pack_words(
                leave_out, entry_criteria.broken_clocks(counts.policies, "month_start_date", month)
            ),
        ],
        caveats=caveats(data.data_quality(), month, cohort, window),
        tiles=pd.DataFrame(
            {
                "Measure": [
                    "SLA attainment",
                    "Breach rate",
                    review.conversion_label(tile),
                    "Velocity (median days)",
                ],
                "This month": [
                    wording.percent(tile.attainment),
                    wording.percent(tile.breach_rate),
                    wording.percent(tile.conversion),
                    wording.days(tile.velocity),
                ],
                "Month before": [
                    wording.percent(tile.attainment_before),
                    wording.percent(tile.breach_rate_before),
                    wording.percent(tile.conversion_before),
                    wording.days(tile.velocity_before),
                ],
            }
        ),  # fmt: skip
        charts=charts_by_name,
        tables={
            "SLA effectiveness verdicts": verdicts[
                [
                    "description",
                    "verdict",
                    "met_conversion_rate",
                    "breached_conversion_rate",
                    "p_value",
                    "verdict_reason",
                ]
            ].assign(
                met_conversion_rate=lambda f: f["met_conversion_rate"].map(wording.percent),
                breached_conversion_rate=lambda f: f["breached_conversion_rate"].map(
                    wording.percent
                ),
            ),
            "Revise candidates": revise_candidates(effectiveness).assign(
                lift_points=lambda f: f["lift_points"].map(lambda v: f"{v:+.1f} pts")
            ),
            "Routing compliance by team": routed[
                [
                    "group_name",
                    "assignments",
                    "compliance_rate",
                    "round_robin_without_context_share",
                ]
            ].assign(
                compliance_rate=lambda f: f["compliance_rate"].map(wording.percent),
                round_robin_without_context_share=lambda f: f[
                    "round_robin_without_context_share"
                ].map(wording.percent),
            ),
            "Entries that broke entry criteria": entry_criteria.breaks_table(
                data.entry_criteria_breaks(period.month_filters(filters, month))
            )[
                [
                    "stage_label",
                    "criterion_description",
                    "entries",
                    "failed_entries",
                    "failed_share",
                ]
            ].assign(failed_share=lambda f: f["failed_share"].map(wording.percent)),
            "Top breaches to act on": breaches[
                [
                    "urgency_rank",
                    "journey_id",
                    "policy_description",
                    "owner_name",
                    "manager_name",
                    "recommended_action",
                ]
            ],
        },  # fmt: skip
    )
    pack.entry_note = pack.facts[3]
    if weekly:
        pack.title = weekly["title"]
        pack.facts[2] = weekly["caption"]
        pack.facts.append(
            f"Weeks are ISO weeks of the clocks' start in UTC; everything below the trend is "
            f"of {wording.month_label(month)}."
        )
        pack.tiles = weekly["tiles"]
        pack.facts[3] = pack.entry_note = entry_criteria.pack_words(
            leave_out, weekly["broken_clocks"]
        )
        pack.charts["trend"] = weekly["trend"]
    return pack


def _svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    version = "_".join(alt.SCHEMA_VERSION.split(".")[:2])
    spec = json_spec(chart.properties(width=EXPORT_WIDTH))
    svg = vl_convert.vegalite_to_svg(spec, vl_version=version)
    return re.sub(r"^<\?xml[^>]*>\s*", "", svg)


def _table_html(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='empty'>None.</p>"
    return frame.to_html(index=False, escape=True, na_rep="—", border=0, classes="table")


def to_html(pack: Pack) -> str:
    """One self-contained page: inline CSS and SVG, no script, no network."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(pack.title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem}"
        "td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;"
        "vertical-align:top}.facts,.caveats{font-size:.9rem}.caveats li{color:#8a4b00}"
        ".chart{margin:1rem 0 2rem}@media print{.chart{page-break-inside:avoid}}</style>",
        "</head><body>",
        f"<h1>{html.escape(pack.title)}</h1>",
        "<ul class='facts'>",
        *[f"<li>{html.escape(fact)}</li>" for fact in pack.facts],
        "</ul>",
        "<h2>Data-quality caveats</h2><ul class='caveats'>",
        *[f"<li>{html.escape(note)}</li>" for note in pack.caveats or ["None."]],
        "</ul>",
        "<h2>Headline</h2>",
        _table_html(pack.tiles),
    ]
    for name, chart in pack.charts.items():
        heading = name.replace("_", " ").capitalize()
        drawing = f"<div class='chart' data-chart='{html.escape(name)}'>{_svg(chart)}</div>"
        parts += [f"<h2>{html.escape(heading)}</h2>", drawing]
    for heading, frame in pack.tables.items():
        parts += [f"<h2>{html.escape(heading)}</h2>", _table_html(frame)]
    parts.append("</body></html>")
    return "\n".join(parts)


def to_pdf(pack: Pack) -> bytes:
    """The pack as one tall PDF page: the text and tables as SVG text, the charts as drawn,
    stacked in one SVG converted by vl-convert."""
    import vl_convert

    width, y, blocks = EXPORT_WIDTH + 160, 40, []

    def text(line: str, size: int = 12, bold: bool = False) -> None:
        nonlocal y
        weight = " font-weight='bold'" if bold else ""
        blocks.append(
            f"<text x='20' y='{y}' font-family='sans-serif' font-size='{size}'{weight}>"
            f"{html.escape(line)}</text>"
        )
        y += int(size * 1.6)

    def table(frame: pd.DataFrame) -> None:
        if frame.empty:
            text("None.", 10)
        for row in frame.itertuples(index=False):
            text(
                " · ".join("—" if wording.is_missing(value) else str(value)[:60] for value in row),
                9,
            )

    text(pack.title, 20, bold=True)
    for line in [*pack.facts, *[f"Caveat: {note}" for note in pack.caveats]]:
        text(line[:160], 10)
    text("Headline", 14, bold=True)
    table(pack.tiles)
    for name, chart in pack.charts.items():
        text(name.replace("_", " ").capitalize(), 14, bold=True)
        svg = _svg(chart)
        height = float(re.search(r'height="([\d.]+)"', svg).group(1))
        blocks.append(f"<g transform='translate(20,{y})'>{svg}</g>")
        y += int(height) + 20
    for heading, frame in pack.tables.items():
        text(heading, 14, bold=True)
        table(frame)
    document = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{y + 20}' "
        f"viewBox='0 0 {width} {y + 20}'><rect width='100%' height='100%' fill='white'/>"
        + "".join(blocks)
        + "</svg>"
    )
    return vl_convert.svg_to_pdf(document)
