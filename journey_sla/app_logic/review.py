"""The monthly review's rules: which month, which rows, which numbers, which wording, which
charts. Pure functions over the frames ``data`` returns (no Streamlit), so the page
(app/app_pages/monthly_review.py) only draws, and each rule is tested on a few hand-made
rows (tests/test_review.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import altair as alt
import pandas as pd

from journey_sla.app_logic import charts, stats, wording

CLOCK_COUNTS = ["clocks", "met_clocks", "breached_clocks", "open_clocks", "cancelled_clocks"]
VISIT_COUNTS = ["entries", "immature_entries", "conversion_base_entries", "converted_entries"]


def with_month(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``month`` (a date) beside ``month_start_date``."""
    return frame.assign(month=pd.to_datetime(frame["month_start_date"]).dt.date)


@dataclass(frozen=True)
class MonthlyCounts:
    """data.governance_months split by group_kind, and data.visit_months, each with month."""

    policies: pd.DataFrame
    teams: pd.DataFrame
    visits: pd.DataFrame

    @classmethod
    def of(cls, governance: pd.DataFrame, visit_months: pd.DataFrame) -> MonthlyCounts:
        governance = with_month(governance)
        return cls(
            policies=governance[governance["group_kind"] == "policy"],
            teams=governance[governance["group_kind"] == "team"],
            visits=with_month(visit_months),
        )

    @property
    def months(self) -> list[date]:
        """Every month with clocks or visits, oldest first."""
        return sorted(
            set(self.policies["month"]) | set(self.teams["month"]) | set(self.visits["month"])
        )


def default_month(months: list[date], last_complete: date) -> date:
    """The last complete month with data, else the latest month there is."""
    return max((month for month in months if month <= last_complete), default=months[-1])


def month_options(months: list[date]) -> dict[str, date]:
    """Label ("May 2026") → month, newest first. Labels are the options, so a shared link
    reads ?month=May+2026."""
    return {wording.month_label(month): month for month in reversed(months)}


def clock_totals(policies: pd.DataFrame, of: date) -> pd.Series:
    return policies.loc[policies["month"] == of, CLOCK_COUNTS].sum()


def visit_totals(visits: pd.DataFrame, of: date) -> pd.Series:
    return visits.loc[visits["month"] == of, VISIT_COUNTS].sum()


def cohort_month(policies: pd.DataFrame, month: date) -> date | None:
    """The month the attainment-vs-conversion charts show: the reviewed month if its clocked
    visits are all mature (conversion known), else the latest earlier month that is."""
    maturity = policies.groupby("month")[["conversion_base_visits", "immature_visits"]].sum()
    mature = maturity[
        (maturity["immature_visits"] == 0) & (maturity["conversion_base_visits"] > 0)
    ].index
    return max((m for m in mature if m <= month), default=None)


def mature_visit_months(visits: pd.DataFrame) -> pd.DataFrame:
    """Visit months whose conversion is known: every visit mature, some in the base."""
    return visits[(visits["immature_entries"] == 0) & (visits["conversion_base_entries"] > 0)]


def conversion_month(visits: pd.DataFrame, month: date) -> date:
    """The month the conversion tile shows: the latest up to the reviewed one whose visits
    are all mature (the reviewed month itself when none is)."""
    return max((m for m in mature_visit_months(visits)["month"] if m <= month), default=month)


def breakdown_months(month: date, cohort: date | None) -> list[date]:
    """The months data.visit_breakdown must cover: reviewed, previous and the cohort."""
    return sorted({month, stats.add_months(month, -1)} | ({cohort} if cohort else set()))


def velocity(breakdown: pd.DataFrame, of: date) -> float | None:
    """Median days to progress over all funnel visits entered in the month."""
    row = breakdown[(breakdown["group_kind"] == "all") & (breakdown["month"] == of)]
    return None if row.empty else row["median_days_to_progress"].iloc[0]


def attainment(totals: pd.Series) -> float | None:
    """Met ÷ (met + breached); open and cancelled clocks are left out."""
    return stats.ratio(totals["met_clocks"], totals["met_clocks"] + totals["breached_clocks"])


def breach_rate(totals: pd.Series) -> float | None:
    return stats.ratio(totals["breached_clocks"], totals["clocks"])


def conversion(totals: pd.Series) -> float | None:
    return stats.ratio(totals["converted_entries"], totals["conversion_base_entries"])


def change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return now - before


@dataclass(frozen=True)
class Tiles:
    """The four tiles of a month against the month before, and the counts behind them."""

    month: date
    clocks: pd.Series
    clocks_before: pd.Series
    visits: pd.Series
    conversion_month: date
    conversion_visits: pd.Series
    conversion_visits_before: pd.Series
    velocity: float | None
    velocity_before: float | None

    @property
    def attainment(self) -> float | None:
        return attainment(self.clocks)

    @property
    def attainment_before(self) -> float | None:
        return attainment(self.clocks_before)

    @property
    def breach_rate(self) -> float | None:
        return breach_rate(self.clocks)

    @property
    def breach_rate_before(self) -> float | None:
        return breach_rate(self.clocks_before)

    @property
    def conversion(self) -> float | None:
        return conversion(self.conversion_visits)

    @property
    def conversion_before(self) -> float | None:
        return conversion(self.conversion_visits_before)


def tiles(counts: MonthlyCounts, breakdown: pd.DataFrame, month: date) -> Tiles:
    previous = stats.add_months(month, -1)
    shown = conversion_month(counts.visits, month)
    return Tiles(
        month=month,
        clocks=clock_totals(counts.policies, month),
        clocks_before=clock_totals(counts.policies, previous),
        visits=visit_totals(counts.visits, month),
        conversion_month=shown,
        conversion_visits=visit_totals(counts.visits, shown),
        conversion_visits_before=visit_totals(counts.visits, stats.add_months(shown, -1)),
        velocity=velocity(breakdown, month),
        velocity_before=velocity(breakdown, previous),
    )


def conversion_label(tile: Tiles) -> str:
    if tile.conversion_month == tile.month:
        return "Conversion"
    return f"Conversion · {wording.month_label(tile.conversion_month)}"


def velocity_change(tile: Tiles) -> str | None:
    difference = change(tile.velocity, tile.velocity_before)
    return None if difference is None else f"{difference:+.1f} d"


def counts_caption(tile: Tiles, window: int) -> str:
    """The counts behind the tiles, and why a recent month has no conversion yet."""
    clocks, month = tile.clocks, wording.month_label(tile.month)
    text = (
        f"{int(clocks['clocks']):,} clocks started in {month}: "
        f"{int(clocks['met_clocks']):,} met, {int(clocks['breached_clocks']):,} breached, "
        f"{int(clocks['open_clocks']):,} open, {int(clocks['cancelled_clocks']):,} "
        f"cancelled. Conversion ({wording.month_label(tile.conversion_month)}): "
        f"{int(tile.conversion_visits['converted_entries']):,} of "
        f"{int(tile.conversion_visits['conversion_base_entries']):,} mature visits converted"
    )
    if tile.visits["immature_entries"]:
        return text + (
            f"; {int(tile.visits['immature_entries']):,} of {month}'s "
            f"{int(tile.visits['entries']):,} visits are younger than {window} days, so its "
            "conversion is not known yet."
        )
    return text + "."


def tiles_table(tile: Tiles) -> pd.DataFrame:
    """The tiles as a table for the download."""
    return pd.DataFrame(
        {
            "measure": [
                "attainment",
                "breach_rate",
                f"conversion_{tile.conversion_month:%Y_%m}",
                "velocity_median_days",
            ],
            "value": [tile.attainment, tile.breach_rate, tile.conversion, tile.velocity],
            "previous_month_value": [
                tile.attainment_before,
                tile.breach_rate_before,
                tile.conversion_before,
                tile.velocity_before,
            ],
        }
    )


# --- attainment vs conversion ----------------------------------------------------------------


def with_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Attainment and conversion with their 95 % Wilson bounds, from the counts (columns
    met_clocks, breached_clocks, converted, conversion_base); NaN without a denominator."""
    if table.empty:
        return table
    resolved = table["met_clocks"] + table["breached_clocks"]
    base = table["conversion_base"]
    attainment_lower, attainment_upper = stats.wilson_interval(table["met_clocks"], resolved)
    conversion_lower, conversion_upper = stats.wilson_interval(table["converted"], base)
    return table.assign(
        attainment=table["met_clocks"] / resolved.where(resolved > 0),
        attainment_lower=attainment_lower,
        attainment_upper=attainment_upper,
        conversion_rate=table["converted"] / base.where(base > 0),
        conversion_rate_lower=conversion_lower,
        conversion_rate_upper=conversion_upper,
    )


TEAMS_SHOWN = 8
OTHERS = "others"
POINT_COUNTS = ["clocks", "met_clocks", "breached_clocks", "converted", "conversion_base",
                "immature"]  # fmt: skip


def top_teams(points: pd.DataFrame, shown: int = TEAMS_SHOWN) -> pd.DataFrame:
    """The team scatter stays readable with many teams: the ``shown`` teams with the most
    clocks, and the rest summed into one "others" point (rates recomputed from the counts)."""
    if len(points) <= shown:
        return points
    ranked = points.sort_values(["clocks", "team"], ascending=[False, True])
    kept, rest = ranked.head(shown), ranked.iloc[shown:]
    others = pd.DataFrame([{"team": f"{OTHERS} ({len(rest)} teams)",
                            **rest[POINT_COUNTS].sum().to_dict()}])  # fmt: skip
    return pd.concat([kept, with_rates(others)], ignore_index=True)


def policy_points(counts: MonthlyCounts, policies: pd.DataFrame, cohort: date) -> pd.DataFrame:
    """Per policy in the cohort month: its clocks and its clocked visits' conversion."""
    policies = policies[["policy_id", "stage", "sla_type", "description"]].assign(
        stage=lambda f: f["stage"].replace("*", "any stage")
    )
    rows = counts.policies[counts.policies["month"] == cohort]
    table = rows.rename(columns={"group_name": "policy_id"}).merge(
        policies, on="policy_id", how="left"
    )
    table = table.assign(
        label=[
            wording.short_label(description, policy)
            for description, policy in zip(table["description"], table["policy_id"], strict=True)
        ]
    )
    return with_rates(
        table.assign(
            converted=table["converted_visits"],
            conversion_base=table["conversion_base_visits"],
            immature=table["immature_visits"],
        )
    )


def team_points(counts: MonthlyCounts, breakdown: pd.DataFrame, cohort: date) -> pd.DataFrame:
    """Per team in the cohort month: its clocks and the conversion of the visits it owned."""
    clocks = counts.teams[counts.teams["month"] == cohort].rename(columns={"group_name": "team"})
    visits = breakdown[(breakdown["group_kind"] == "team") & (breakdown["month"] == cohort)]
    visits = visits.rename(columns={"group_name": "team"})[
        ["team", "conversion_base_entries", "converted_entries", "immature_entries",
         "median_days_to_progress"]
    ]  # fmt: skip
    table = clocks.merge(visits, on="team", how="inner")
    return with_rates(
        table.assign(
            converted=table["converted_entries"],
            conversion_base=table["conversion_base_entries"],
            immature=table["immature_entries"],
        )
    )


SCATTERS = {
    # download name: (table key, name field, name title, colour field)
    "attainment_vs_conversion_by_policy": ("policy", "label", "Policy", "stage"),
    "attainment_vs_conversion_by_team": ("team", "team", "Team", None),
}


def plottable(table: pd.DataFrame) -> pd.DataFrame:
    """The points that have both an attainment and a conversion."""
    return table if table.empty else table.dropna(subset=["attainment", "conversion_rate"])


def scatter_charts(tables: dict[str, pd.DataFrame]) -> dict[str, alt.LayerChart]:
    """Download name → attainment-vs-conversion chart, for each table with points to plot.
    Built once: the page shows one, the download holds both."""
    built = {}
    for name, (key, field, title, color) in SCATTERS.items():
        shown = plottable(tables[key])
        if key == "team":
            shown = top_teams(shown)
        if not shown.empty:
            built[name] = charts.attainment_vs_conversion(shown, field, title, color)
    return built


# --- over the months -------------------------------------------------------------------------


def trend(counts: MonthlyCounts) -> pd.DataFrame:
    """Attainment, breach rate and conversion per month (long form) with 95 % bands.
    Conversion only for months whose visits are all mature."""
    by_month = (
        counts.policies.groupby("month_start_date")[["clocks", "met_clocks", "breached_clocks"]]
        .sum()
        .reset_index()
    )
    resolved = by_month["met_clocks"] + by_month["breached_clocks"]
    mature = mature_visit_months(counts.visits)
    measures = [
        ("Attainment", by_month, by_month["met_clocks"], resolved),
        ("Breach rate", by_month, by_month["breached_clocks"], by_month["clocks"]),
        ("Conversion", mature, mature["converted_entries"], mature["conversion_base_entries"]),
    ]
    frames = []
    for measure, rows, numerator, denominator in measures:
        lower, upper = stats.wilson_interval(numerator, denominator)
        frames.append(
            pd.DataFrame(
                {
                    "month_start_date": rows["month_start_date"],
                    "measure": measure,
                    "value": numerator / denominator.where(denominator > 0),
                    "lower": lower,
                    "upper": upper,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def stage_velocity(breakdown: pd.DataFrame, month: date) -> pd.DataFrame:
    """Per funnel stage, this month's and last month's velocity (period_kind selected /
    previous), as charts.velocity_by_stage reads them."""
    previous = stats.add_months(month, -1)
    rows = breakdown[
        (breakdown["group_kind"] == "stage") & breakdown["month"].isin([month, previous])
    ].rename(columns={"group_name": "stage"})
    return rows.assign(
        period=rows["month"].map(wording.month_label),
        period_kind=rows["month"].map(lambda m: "selected" if m == month else "previous"),
    )


# --- effectiveness ---------------------------------------------------------------------------


def interval_words(lower: Iterable[float], upper: Iterable[float]) -> list[str]:
    return [
        f"{wording.percent(low)} – {wording.percent(high)}"
        for low, high in zip(lower, upper, strict=True)
    ]


def verdicts(effectiveness: pd.DataFrame) -> pd.DataFrame:
    """mart_sla_effectiveness with the verdict in words, the difference in plain words
    (``in_words``) and the intervals as text."""
    return effectiveness.assign(
        in_words=[
            wording.lift_words(lift, p_value)
            for lift, p_value in zip(
                effectiveness["conversion_rate_lift"], effectiveness["p_value"], strict=True
            )
        ],
        verdict=effectiveness["verdict"]
        .map(wording.VERDICT_WORDS)
        .fillna(effectiveness["verdict"]),
        met_interval=interval_words(
            effectiveness["met_conversion_rate_lower"], effectiveness["met_conversion_rate_upper"]
        ),
        breached_interval=interval_words(
            effectiveness["breached_conversion_rate_lower"],
            effectiveness["breached_conversion_rate_upper"],
        ),
    )


def review_title(month: date, as_of: pd.Timestamp, filters_described: str) -> str:
    return (
        f"journey-sla monthly review, {wording.month_label(month)} (as of "
        f"{as_of:%Y-%m-%d %H:%M} UTC). Filters: {filters_described}"
    )


# --- the week view (the playbook's "report breach rate weekly") -------------------------------
# Weeks are ISO 8601 weeks (Monday to Sunday) of the clock's start in UTC, as in
# mart_governance_weekly; a week is named by its ISO label, e.g. "2026-W21", which is also the
# option the URL carries (?period=Week&week=2026-W21).


def last_complete_week(as_of: pd.Timestamp) -> date:
    """The Monday of the latest ISO week that ended by as_of (a week counts as complete once
    as_of reaches its last second, as a month does)."""
    day = (as_of + pd.Timedelta(seconds=1)).date()
    this_monday = day - pd.Timedelta(days=day.weekday())
    return this_monday - pd.Timedelta(days=7)


def week_options(weeks: pd.DataFrame) -> dict[str, date]:
    """ISO label → Monday, newest first (from data.governance_weeks)."""
    pairs = weeks[["iso_week", "week_start_date"]].drop_duplicates()
    pairs = pairs.assign(week=pd.to_datetime(pairs["week_start_date"]).dt.date)
    return dict(
        zip(
            pairs.sort_values("week", ascending=False)["iso_week"],
            pairs.sort_values("week", ascending=False)["week"],
            strict=True,
        )
    )


def default_week(options: dict[str, date], last_complete: date) -> str:
    """The last complete week with clocks, else the latest week there is."""
    complete = [label for label, monday in options.items() if monday <= last_complete]
    return complete[0] if complete else next(iter(options))


@dataclass(frozen=True)
class WeekTiles:
    """The week view's tiles: a week's clock and clocked-visit counts against the week
    before (mart_governance_weekly summed over policies)."""

    iso_week: str
    week: date
    clocks: pd.Series
    clocks_before: pd.Series

    @property
    def attainment(self) -> float | None:
        return attainment(self.clocks)

    @property
    def attainment_before(self) -> float | None:
        return attainment(self.clocks_before)

    @property
    def breach_rate(self) -> float | None:
        return breach_rate(self.clocks)

    @property
    def breach_rate_before(self) -> float | None:
        return breach_rate(self.clocks_before)

    @staticmethod
    def _conversion(counts: pd.Series) -> float | None:
        """Conversion of the week's clocked visits, only once all of them are mature."""
        if counts["immature_visits"]:
            return None
        return stats.ratio(counts["converted_visits"], counts["conversion_base_visits"])

    @property
    def conversion(self) -> float | None:
        return self._conversion(self.clocks)

    @property
    def conversion_before(self) -> float | None:
        return self._conversion(self.clocks_before)


WEEK_COUNTS = [*CLOCK_COUNTS, "clocked_visits", "immature_visits", "conversion_base_visits",
               "converted_visits"]  # fmt: skip


def week_tiles(weeks: pd.DataFrame, iso_week: str) -> WeekTiles:
    monday = week_options(weeks)[iso_week]
    starts = pd.to_datetime(weeks["week_start_date"]).dt.date
    before = monday - pd.Timedelta(days=7)
    return WeekTiles(
        iso_week=iso_week,
        week=monday,
        clocks=weeks.loc[starts == monday, WEEK_COUNTS].sum(),
        clocks_before=weeks.loc[starts == before, WEEK_COUNTS].sum(),
    )


def week_caption(tile: WeekTiles, window: int) -> str:
    clocks = tile.clocks
    sunday = tile.week + pd.Timedelta(days=6)
    text = (
        f"{int(clocks['clocks']):,} clocks started in {tile.iso_week} (Mon {tile.week:%d %b} – "
        f"Sun {sunday:%d %b %Y}, UTC): {int(clocks['met_clocks']):,} met, "
        f"{int(clocks['breached_clocks']):,} breached, {int(clocks['open_clocks']):,} open, "
        f"{int(clocks['cancelled_clocks']):,} cancelled. Changes are against the ISO week before."
    )
    if clocks["immature_visits"]:
        return text + (
            f" Conversion is not known yet: {int(clocks['immature_visits']):,} of the week's "
            f"{int(clocks['clocked_visits']):,} clocked visits are younger than {window} days."
        )
    return text


def week_trend(weeks: pd.DataFrame) -> pd.DataFrame:
    """Attainment and breach rate per ISO week (long form, week_start_date) with 95 % bands;
    conversion of the clocked visits for weeks whose clocked visits are all mature."""
    by_week = weeks.groupby("week_start_date")[WEEK_COUNTS].sum().reset_index()
    resolved = by_week["met_clocks"] + by_week["breached_clocks"]
    mature = by_week[(by_week["immature_visits"] == 0) & (by_week["conversion_base_visits"] > 0)]
    measures = [
        ("Attainment", by_week, by_week["met_clocks"], resolved),
        ("Breach rate", by_week, by_week["breached_clocks"], by_week["clocks"]),
        ("Conversion", mature, mature["converted_visits"], mature["conversion_base_visits"]),
    ]
    frames = []
    for measure, rows, numerator, denominator in measures:
        lower, upper = stats.wilson_interval(numerator, denominator)
        frames.append(
            pd.DataFrame(
                {
                    "week_start_date": rows["week_start_date"],
                    "measure": measure,
                    "value": numerator / denominator.where(denominator > 0),
                    "lower": lower,
                    "upper": upper,
                    "numerator": numerator,
                    "denominator": denominator,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def week_tiles_table(tile: WeekTiles) -> pd.DataFrame:
    """The week view's tiles as a table for the download."""
    return pd.DataFrame(
        {
            "measure": ["attainment", "breach_rate", "clocked_visit_conversion", "clocks"],
            "iso_week": tile.iso_week,
            "value": [
                tile.attainment,
                tile.breach_rate,
                tile.conversion,
                float(tile.clocks["clocks"]),
            ],  # fmt: skip
            "previous_week_value": [
                tile.attainment_before,
                tile.breach_rate_before,
                tile.conversion_before,
                float(tile.clocks_before["clocks"]),
            ],  # fmt: skip
        }
    )
