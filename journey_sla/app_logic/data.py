"""The app's queries: one function per thing a page shows, aggregated in DuckDB.

Every query aggregates in the warehouse: pages receive summaries or one page of a long list
(``limit ? offset ?``), never a fact table. Relation names come from ``RELATIONS``; user
choices are bound parameters (see ``warehouse``). The SQL is portable across DuckDB,
PostgreSQL and Spark (issue 11): no ``::`` casts, list parameters, ``qualify``,
``any_value``, ``median`` or ``quantile_cont``; lists bind one ``?`` per value
(``readers.in_list``), medians are ``percentile_cont(…) within group (order by …)`` and
every derived table has an alias.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from journey_sla.app_logic import stats
from journey_sla.app_logic.warehouse import (
    RELATIONS,
    Filters,
    predicates,
    query,
    query_uncached,
)
from journey_sla.readers import in_list


def like_prefix(text: str, lower: bool = True) -> str:
    """A LIKE pattern matching values that start with ``text`` (escape character ``!``:
    portable, where a backslash is read differently by Spark's string literals)."""
    escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return (escaped.lower() if lower else escaped) + "%"


# --- the whole app ---------------------------------------------------------------------------


def build_info() -> pd.Series:
    """as_of of the build, the last load, the first month with data, the conversion window,
    and where the data came from (source_kind, mapping_version)."""
    return query(
        f"""
        select as_of, as_of_source, last_loaded_at, first_month_date, conversion_window_days,
            crm_record_url, source_kind, mapping_version
        from {RELATIONS.build}
        """
    ).iloc[0]


SOURCE_NAMES = {
    "extract": "contract v1 extract",
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
}


def build_source(info: pd.Series) -> str:
    """Which input and CRM mapping version a build came from, in words (Data health, sidebar):
    e.g. "Salesforce · mapping version 3f2a9c0d1b2e"."""
    kind = info.get("source_kind")
    if kind is None or pd.isna(kind):
        return "source unknown"
    text = SOURCE_NAMES.get(str(kind), str(kind))
    version = info.get("mapping_version")
    if version is not None and pd.notna(version):
        text += f" · mapping version {version}"
    return text


def filter_options() -> dict[str, list[str]]:
    """Values offered by the sidebar: segments, territories and teams present in the build."""
    frame = query(
        f"""
        select 'segment' as kind, segment as value
        from (select distinct segment from {RELATIONS.visit_outcomes}) as segments
        union all
        select 'team' as kind, team as value
        from (
            select distinct team from {RELATIONS.governance_monthly} where rollup_level = 'team'
        ) as teams
        union all
        select 'territory' as kind, value
        from (
            select distinct coalesce(territory, 'unknown') as value from {RELATIONS.journeys}
        ) as territories
        order by kind, value
        """
    )
    return {
        kind: frame.loc[frame["kind"] == kind, "value"].dropna().tolist()
        for kind in ("segment", "team", "territory")
    }


# --- monthly review --------------------------------------------------------------------------


def governance_level(segments: bool, territories: bool, teams: bool) -> str:
    """The mart_governance_monthly roll-up level that keeps exactly the filtered dimensions:
    its rows add up exactly over any subset of segments, territories and teams."""
    kept = [
        name
        for name, kept in (("segment", segments), ("territory", territories), ("team", teams))
        if kept
    ]
    return "_".join(kept) or "policy"


# The clock counts of the review marts; each has an *_entry_ok twin (docs/metrics.md).
CLOCK_COUNT_COLUMNS = ("clocks", "met_clocks", "breached_clocks", "open_clocks", "cancelled_clocks")


def clock_count_sums(entry_ok: bool) -> str:
    """The sums of the clock counts under their plain names — with ``entry_ok`` the marts'
    *_entry_ok twins (clocks of entries that broke entry criteria left out), so every rule
    downstream (attainment, breach rate, tiles, trend, matrix) reads them unchanged — and
    clocks_with_broken_entry either way (how many a reader leaves out). Column names only."""
    suffix = "_entry_ok" if entry_ok else ""
    sums = [f"sum({column}{suffix}) as {column}" for column in CLOCK_COUNT_COLUMNS]
    return ",\n".join([*sums, "sum(clocks_with_broken_entry) as clocks_with_broken_entry"])


def governance_months(filters: Filters, entry_ok: bool = False) -> pd.DataFrame:
    """Clock and clocked-visit counts per month × policy and per month × owner team
    (``entry_ok``: the clock counts of clocks whose visit met its entry criteria only).

    group_kind 'policy' rows carry the mart's visit counts (each clocked visit once per
    policy); 'team' rows carry clock counts only (team conversion comes from the visits,
    visit_teams). Read from mart_governance_monthly: its roll-up rows answer every
    segment/team filter (a segment's rows add up exactly; team rows add up clocks exactly).
    Territory roll-ups are in the mart too, so every filter reads it.
    """
    segments, territories = bool(filters.segments), bool(filters.territories)
    level = governance_level(segments, territories, bool(filters.teams))
    team_level = governance_level(segments, territories, True)
    where, params = predicates(
        filters, segment="segment", territory="territory", team="team", month="month_start_date"
    )
    counts = clock_count_sums(entry_ok)
    return query(
        f"""
        select
            month_start_date,
            'policy' as group_kind,
            policy_id as group_name,
            {counts},
            -- "* 1.0": one column type on every engine. The team rows below hold nulls here,
            -- and a sum is HUGEINT on DuckDB (a float column) but BIGINT on Spark (a
            -- nullable integer column): as decimals both read back as the same float column.
            sum(clocked_visits) * 1.0 as clocked_visits,
            sum(immature_visits) * 1.0 as immature_visits,
            sum(conversion_base_visits) * 1.0 as conversion_base_visits,
            sum(converted_visits) * 1.0 as converted_visits
        from {RELATIONS.governance_monthly}
        where rollup_level = ? and {where}
        group by month_start_date, policy_id
        union all
        select
            month_start_date,
            'team' as group_kind,
            team as group_name,
            {counts},
            null as clocked_visits,
            null as immature_visits,
            null as conversion_base_visits,
            null as converted_visits
        from {RELATIONS.governance_monthly}
        where rollup_level = ? and {where}
        group by month_start_date, team
        order by month_start_date, group_kind, group_name
        """,
        [level, *params, team_level, *params],
    )


def governance_weeks(filters: Filters, entry_ok: bool = False) -> pd.DataFrame:
    """Clock and clocked-visit counts per ISO week × policy, for the review's week view
    (``entry_ok`` as in governance_months).

    Read mart_governance_weekly at the roll-up level that keeps exactly the filtered
    dimensions (as governance_months). The date range keeps the weeks that touch it: a week
    starting up to six days before the range's first day is in.
    """
    segments, territories = bool(filters.segments), bool(filters.territories)
    level = governance_level(segments, territories, bool(filters.teams))
    where, params = predicates(filters, segment="segment", territory="territory", team="team")
    if filters.start_date:
        where += " and week_start_date >= ?::date - interval 6 day"
        params.append(filters.start_date)
    if filters.end_date:
        where += " and week_start_date <= ?::date"
        params.append(filters.end_date)
    return query(
        f"""
        select
            week_start_date,
            iso_week,
            policy_id,
            {clock_count_sums(entry_ok)},
            sum(clocked_visits) as clocked_visits,
            sum(immature_visits) as immature_visits,
            sum(conversion_base_visits) as conversion_base_visits,
            sum(converted_visits) as converted_visits
        from {RELATIONS.governance_weekly}
        where rollup_level = ? and {where}
        group by week_start_date, iso_week, policy_id
        order by week_start_date, policy_id
        """,
        [level, *params],
    )


def visit_months(filters: Filters) -> pd.DataFrame:
    """Funnel visits per entry month: entries, immature, conversion base and converted.

    Conversion as in mart_stage_funnel (to any later funnel stage within the window, mature
    visits only), summed over the funnel stages, under the sidebar filters. Without segment,
    team or territory filters the funnel mart itself answers (same numbers, far fewer rows).
    """
    if not (filters.segments or filters.teams or filters.territories):
        where, params = predicates(filters, month="month_start_date")
        return query(
            f"""
            select
                month_start_date,
                sum(entries) as entries,
                sum(immature_entries) as immature_entries,
                sum(conversion_base_entries) as conversion_base_entries,
                sum(converted_entries) as converted_entries,
                sum(progressed_entries) as progressed_entries
            from {RELATIONS.stage_funnel}
            where {where}
            group by month_start_date
            order by month_start_date
            """,
            params,
        )
    where, params = predicates(
        filters,
        segment="segment",
        team="owner_team",
        journey="journey_id",
        month="entered_month_date",
    )
    return query(
        f"""
        select
            entered_month_date as month_start_date,
            count(*) as entries,
            count(*) filter (where not is_mature) as immature_entries,
            count(*) filter (where is_converted is not null) as conversion_base_entries,
            count(*) filter (where is_converted) as converted_entries,
            count(*) filter (where is_progressed) as progressed_entries
        from {RELATIONS.visit_outcomes}
        where not is_closing and {where}
        group by entered_month_date
        order by month_start_date
        """,
        params,
    )


def visit_breakdown(filters: Filters, months: Sequence[date]) -> pd.DataFrame:
    """Funnel visits entered in the given months, per month × stage (group_kind 'stage'),
    per month × visit owner team ('team') and per month ('all'): counts, conversion and
    velocity (median / p75 days to a progressed exit, mart_stage_funnel's measures)."""
    where, params = predicates(filters, segment="segment", team="owner_team", journey="journey_id")
    in_months, month_values = in_list("entered_month_date", months)
    return query(
        f"""
        select
            entered_month_date as month_start_date,
            case
                when grouping(stage) = 0 then 'stage'
                when grouping(owner_team) = 0 then 'team'
                else 'all'
            end as group_kind,
            coalesce(stage, owner_team, 'all') as group_name,
            coalesce(min(funnel_order), 0) as funnel_order,
            count(*) as entries,
            count(*) filter (where not is_mature) as immature_entries,
            count(*) filter (where is_converted is not null) as conversion_base_entries,
            count(*) filter (where is_converted) as converted_entries,
            count(*) filter (where is_progressed) as progressed_entries,
            percentile_cont(0.5) within group (
                order by case when is_progressed then days_to_progress end
            ) as median_days_to_progress,
            percentile_cont(0.75) within group (
                order by case when is_progressed then days_to_progress end
            ) as p75_days_to_progress
        from {RELATIONS.visit_outcomes}
        where
            not is_closing
            and entered_month_date between ? and ?
            and {in_months}
            and {where}
        group by grouping sets (
            (entered_month_date, stage),
            (entered_month_date, owner_team),
            (entered_month_date)
        )
        order by month_start_date, group_kind, funnel_order, group_name
        """,
        [min(months), max(months), *month_values, *params],
    )


def effectiveness() -> pd.DataFrame:
    return query(
        f"""
        select
            effectiveness.policy_id,
            coalesce(policies.description, effectiveness.policy_id) as description,
            effectiveness.stage,
            effectiveness.sla_type,
            effectiveness.kpi,
            effectiveness.verdict,
            effectiveness.verdict_reason,
            effectiveness.met_visits,
            effectiveness.met_converted_visits,
            effectiveness.met_conversion_rate,
            effectiveness.met_conversion_rate_lower,
            effectiveness.met_conversion_rate_upper,
            effectiveness.breached_visits,
            effectiveness.breached_converted_visits,
            effectiveness.breached_conversion_rate,
            effectiveness.breached_conversion_rate_lower,
            effectiveness.breached_conversion_rate_upper,
            effectiveness.immature_visits,
            effectiveness.conversion_rate_lift,
            effectiveness.p_value,
            effectiveness.met_median_days_to_progress,
            effectiveness.breached_median_days_to_progress,
            effectiveness.median_days_to_progress_difference
        from {RELATIONS.sla_effectiveness} as effectiveness
        left join {RELATIONS.stages} as stages on stages.stage = effectiveness.stage
        left join {RELATIONS.policies} as policies
            on policies.policy_id = effectiveness.policy_id
        order by coalesce(stages.funnel_order, 99), effectiveness.policy_id
        """
    )


# --- SLA matrix ------------------------------------------------------------------------------


def policies() -> pd.DataFrame:
    """The sla_policies seed in funnel order (the playbook's matrix)."""
    return query(
        f"""
        select policies.*, stages.label as stage_label
        from {RELATIONS.policies} as policies
        left join {RELATIONS.stages} as stages on stages.stage = policies.stage
        order by coalesce(stages.funnel_order, 99), policies.policy_id
        """
    )


def policy_versions() -> pd.DataFrame:
    """Every version of every policy (dim_policy_versions), in policy and version order."""
    return query(
        f"""
        select *
        from {RELATIONS.policy_versions}
        order by policy_id, policy_version
        """
    )


def policy_attainment(filters: Filters, entry_ok: bool = False) -> pd.DataFrame:
    """Per policy, over the months of the date range: clocks by status, attainment and
    breach rate (sums of governance_months; ``entry_ok``: of the clocks whose visit met its
    entry criteria)."""
    months = governance_months(filters, entry_ok)
    totals = (
        months[months["group_kind"] == "policy"]
        .groupby("group_name", as_index=False)[[*CLOCK_COUNT_COLUMNS, "clocks_with_broken_entry"]]
        .sum()
        .rename(columns={"group_name": "policy_id"})
    )
    resolved = totals["met_clocks"] + totals["breached_clocks"]
    totals["attainment"] = totals["met_clocks"] / resolved.where(resolved > 0)
    totals["breach_rate"] = totals["breached_clocks"] / totals["clocks"].where(totals["clocks"] > 0)
    return totals


def latest_kpis(filters: Filters) -> pd.DataFrame:
    """Each KPI's value in the latest month (within the date range) that has one."""
    where, params = predicates(filters, month="month_start_date")
    return query(
        f"""
        select kpi, month_start_date, value, value_unit, observations, immature_visits
        from (
            select
                kpis.*,
                row_number() over (partition by kpi order by month_start_date desc) as recency
            from {RELATIONS.stage_kpis} as kpis
            where value is not null and {where}
        ) as ranked
        where recency = 1
        order by kpi
        """,
        params,
    )


def entry_criteria_breaks(filters: Filters) -> pd.DataFrame:
    """Per stage × entry criterion, the visits entered in the months the filters' date range
    touches (segment, territory and team filters applied; team = the visit owner's team at
    entry): entries, how many broke the criterion and its words, in funnel order."""
    where, params = predicates(
        filters,
        segment="breaks.segment",
        territory="breaks.territory",
        team="breaks.owner_team",
        month="breaks.month_start_date",
    )
    return query(
        f"""
        select
            breaks.stage,
            coalesce(min(stages.label), breaks.stage) as stage_label,
            coalesce(min(stages.funnel_order), 99) as funnel_order,
            breaks.criterion_id,
            coalesce(min(breaks.criterion_description), breaks.criterion_id)
                as criterion_description,
            sum(breaks.entries) as entries,
            sum(breaks.failed_entries) as failed_entries
        from {RELATIONS.stage_entry_criteria} as breaks
        left join {RELATIONS.stages} as stages on stages.stage = breaks.stage
        where {where}
        group by breaks.stage, breaks.criterion_id
        order by funnel_order, breaks.stage, breaks.criterion_id
        """,
        params,
    )


# --- due next & breaches ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueueChoices:
    """The queue page's own filters (the sidebar's apply too)."""

    owners: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    at_risk_only: bool = False


def _queue_where(
    filters: Filters, choices: QueueChoices, actionable: bool = True
) -> tuple[str, list]:
    """The queue lists actionable items only (mart_action_queue.is_actionable); the backlog
    (actionable=False) is only counted (queue_backlog)."""
    where, params = predicates(filters, team="queue.owner_team", journey="queue.journey_id")
    clauses = [where, "queue.is_actionable" if actionable else "not queue.is_actionable"]
    for column, values in (
        ("coalesce(queue.owner_id, '(no owner)')", choices.owners),
        ("queue.policy_id", choices.policies),
        ("queue.queue_section", choices.sections),
    ):
        if values:
            clause, bound = in_list(column, values)
            clauses.append(clause)
            params.extend(bound)
    if choices.at_risk_only:
        clauses.append("queue.queue_section = 'at_risk'")
    return " and ".join(clauses), params


_QUEUE_COLUMNS = """
    queue.urgency_rank,
    queue.queue_section,
    queue.journey_id,
    queue.policy_id,
    queue.policy_description,
    queue.owner_id,
    queue.owner_name,
    queue.owner_team,
    queue.manager_name,
    queue.minutes_left,
    queue.business_minutes_left,
    queue.due_at,
    queue.action_code,
    queue.recommended_action,
    queue.queue_item_id,
    queue.clock_id
"""


def queue_summary(filters: Filters, choices: QueueChoices) -> pd.DataFrame:
    """Items per queue section (group_kind 'section') and per owner ('owner', busiest
    first) under all filters."""
    where, params = _queue_where(filters, choices)
    return query(
        f"""
        select
            case when grouping(queue_section) = 0 then 'section' else 'owner' end as group_kind,
            coalesce(queue_section, owner_key) as group_name,
            coalesce(min(owner_name), '(no owner)') as owner_name,
            count(*) as items
        from (
            select queue.*, coalesce(queue.owner_id, '(no owner)') as owner_key
            from {RELATIONS.action_queue} as queue
            where {where}
        ) as queue_rows
        group by grouping sets ((queue_section), (owner_key))
        order by group_kind, items desc, group_name
        """,
        params,
    )


def queue_page(filters: Filters, choices: QueueChoices, limit: int, offset: int) -> pd.DataFrame:
    """One page of the queue, most urgent first."""
    where, params = _queue_where(filters, choices)
    return query(
        f"""
        select {_QUEUE_COLUMNS}
        from {RELATIONS.action_queue} as queue
        where {where}
        order by queue.urgency_rank
        limit ? offset ?
        """,
        [*params, int(limit), int(offset)],
    )


def queue_all(filters: Filters, choices: QueueChoices) -> pd.DataFrame:
    """The whole filtered queue, for the CSV download (not cached)."""
    where, params = _queue_where(filters, choices)
    return query_uncached(
        f"""
        select queue.*
        from {RELATIONS.action_queue} as queue
        where {where}
        order by queue.urgency_rank
        """,
        params,
    )


def queue_backlog(filters: Filters, choices: QueueChoices) -> pd.DataFrame:
    """Unhandled breaches that are not actionable, per backlog_reason, under the sidebar
    filters and the page's owner and policy choices (status choices do not apply)."""
    backlog_choices = QueueChoices(owners=choices.owners, policies=choices.policies)
    where, params = _queue_where(filters, backlog_choices, actionable=False)
    return query(
        f"""
        select queue.backlog_reason, count(*) as items
        from {RELATIONS.action_queue} as queue
        where {where}
        group by 1
        order by 1
        """,
        params,
    )


def queue_window_days() -> int:
    """The actionable window of breaches this build used (var action_queue_breach_window_days)."""
    frame = query(f"select max(actionable_window_days) as days from {RELATIONS.action_queue}")
    days = frame["days"].iloc[0] if not frame.empty else None
    return 14 if days is None or pd.isna(days) else int(days)


def queue_policies() -> list[str]:
    return (
        query(f"select distinct policy_id from {RELATIONS.action_queue} order by policy_id")[
            "policy_id"
        ]
        .dropna()
        .tolist()
    )


# --- recycles --------------------------------------------------------------------------------


def owner_names() -> dict[str, str]:
    """owner_id → "Full Name" for every owner (pages show names, not ids)."""
    owners = query(f"select owner_id, full_name from {RELATIONS.owners}")
    return {
        owner: name if isinstance(name, str) and name else owner
        for owner, name in zip(owners["owner_id"], owners["full_name"], strict=True)
    }


def owner_teams() -> pd.DataFrame:
    """Each owner's team (users.team as the visit facts carry it; 'unassigned' without)."""
    return query(
        f"""
        select distinct owner_id, owner_team
        from {RELATIONS.visit_outcomes}
        where owner_id is not null
        order by owner_id
        """
    )


def _recycles_where(filters: Filters) -> tuple[str, list]:
    """Sidebar filters on fct_recycles: segment and territory through the journey, team
    through the owner's team, dates on recycled_at."""
    where, params = predicates(
        filters, journey="recycles.journey_id", moment="recycles.recycled_at"
    )
    if filters.teams:
        teams = owner_teams()
        owners = teams.loc[teams["owner_team"].isin(filters.teams), "owner_id"].tolist()
        clause, bound = in_list("recycles.owner_id", owners)
        if "unassigned" in filters.teams:
            clause = f"({clause} or recycles.owner_id is null)"
        where = f"{where} and {clause}"
        params.extend(bound)
    return where, params


def recycle_summary(filters: Filters, bin_days: int = 14) -> pd.DataFrame:
    """Recycles in one pass, as rows of several groupings (group_kind):

    'all' (one row), 'reason' (per reason code; the pareto), 'track' (per nurture track;
    re-entry and its conversion to SQL), 'owner' (per owner; validity of the codes) and
    'bin' (per bin of bin_days days to re-entry; bin_start_days null for the recycles that
    did not come back).
    """
    where, params = _recycles_where(filters)
    # Explicit null order: DuckDB and PostgreSQL put nulls last in ascending order, Spark first.
    summary = query(
        f"""
        with recycles as (
            select
                coalesce(recycles.reason_code, '(missing)') as reason_code,
                coalesce(recycles.nurture_track, '(no valid code)') as nurture_track,
                coalesce(recycles.owner_id, '(no owner)') as owner_id,
                case
                    when recycles.is_re_entered
                        then floor(recycles.days_to_re_entry / ?) * ?
                end as bin_start_days,
                recycles.has_valid_reason,
                recycles.is_re_entered,
                recycles.re_entry_reached_sql,
                recycles.days_to_re_entry
            from {RELATIONS.recycles} as recycles
            where {where}
        )

        select
            case
                when grouping(reason_code) = 0 then 'reason'
                when grouping(nurture_track) = 0 then 'track'
                when grouping(owner_id) = 0 then 'owner'
                when grouping(bin_start_days) = 0 then 'bin'
                else 'all'
            end as group_kind,
            reason_code,
            nurture_track,
            owner_id,
            bin_start_days,
            bin_start_days + ? as bin_end_days,
            bool_or(has_valid_reason) as has_valid_reason,
            count(*) as recycles,
            count(*) filter (where not has_valid_reason) as without_valid_reason,
            count(*) filter (where is_re_entered) as re_entered,
            count(*) filter (where re_entry_reached_sql) as reached_sql,
            percentile_cont(0.5) within group (
                order by days_to_re_entry
            ) as median_days_to_re_entry
        from recycles
        group by grouping sets (
            (reason_code), (nurture_track), (owner_id), (bin_start_days), ()
        )
        order by
            group_kind, recycles desc, reason_code nulls last, nurture_track nulls last,
            owner_id nulls last, bin_start_days nulls last
        """,
        [bin_days, bin_days, *params, bin_days],
    )
    if not (summary["group_kind"] == "all").any():
        # The grand total over no rows: one row of zeros on DuckDB and PostgreSQL, no row on
        # Spark (its empty grouping set over an empty input): give it back.
        counts = ["recycles", "without_valid_reason", "re_entered", "reached_sql"]
        # Absent values in each column's own type (None in text, NA in nullable numbers and
        # flags), as the other engines return them.
        row = {**dict.fromkeys(summary.columns), "group_kind": "all", **dict.fromkeys(counts, 0)}
        total = pd.DataFrame([row], columns=summary.columns)
        nullable = {"bool": "boolean", "int64": "Int64", "int32": "Int32"}
        for column in summary.columns:
            dtype = summary[column].dtype
            with contextlib.suppress(TypeError, ValueError):
                total[column] = total[column].astype(nullable.get(str(dtype), dtype))
        summary = total if summary.empty else pd.concat([summary, total], ignore_index=True)
    return summary


def reason_codes() -> pd.DataFrame:
    """The reason-code list (seed) recycles are checked against."""
    return query(
        f"""
        select reason_code, label, applies_to, nurture_track, re_entry_trigger, is_active
        from {RELATIONS.reason_codes}
        order by is_active desc, applies_to, reason_code
        """
    )


# --- target tuning ---------------------------------------------------------------------------


def tuning_policies() -> pd.DataFrame:
    return query(
        f"""
        select
            tuning.policy_id,
            min(tuning.stage) as stage,
            min(tuning.sla_type) as sla_type,
            min(policies.description) as description,
            min(coalesce(stages.funnel_order, 99)) as funnel_order,
            sum(tuning.resolved_clocks) as resolved_clocks
        from {RELATIONS.target_tuning} as tuning
        left join {RELATIONS.policies} as policies on policies.policy_id = tuning.policy_id
        left join {RELATIONS.stages} as stages on stages.stage = tuning.stage
        group by tuning.policy_id
        order by funnel_order, tuning.policy_id
        """
    )


# The additive counts of mart_target_tuning_cells, summed over the cells a page selects.
TUNING_COUNTS = (
    "resolved_clocks", "met_clocks", "stopped_clocks", "immature_stopped_clocks",
    "mature_stopped_clocks", "converted_clocks", "closed_unworked_clocks",
    "candidate_met_clocks", "candidate_breached_clocks",
)  # fmt: skip


def tuning(policy_id: str, filters: Filters | None = None) -> pd.DataFrame:
    """One policy's Target tuning rows (one per bucket, in order) over the clocks the filters
    keep: the counts of mart_target_tuning_cells summed over the months (of clock start) of
    the date range and the sidebar's segments, territories and teams, then the rates
    (tuning_rates). Unfiltered, the same numbers as mart_target_tuning. Empty when no
    resolved clock of the policy is in the filters."""
    where, params = predicates(
        filters or Filters(),
        segment="segment",
        territory="territory",
        team="team",
        month="month_start_date",
    )
    counts = ",\n            ".join(
        f"cast(sum({column}) as bigint) as {column}" for column in TUNING_COUNTS
    )
    frame = query(
        f"""
        select
            policy_id,
            bucket_number,
            max(stage) as stage,
            max(sla_type) as sla_type,
            max(target_unit) as target_unit,
            max(bucket_unit) as bucket_unit,
            max(bucket_label) as bucket_label,
            max(target_value) as target_value,
            max(target_in_bucket_unit) as target_in_bucket_unit,
            max(bucket_lower_bound) as bucket_lower_bound,
            max(bucket_upper_bound) as bucket_upper_bound,
            {counts}
        from {RELATIONS.target_tuning_cells}
        where policy_id = ? and {where}
        group by policy_id, bucket_number
        order by bucket_number
        """,
        [policy_id, *params],
    )
    return tuning_rates(frame)


def tuning_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """The rates of summed tuning counts (one policy, one row per bucket), as
    mart_target_tuning defines them: conversion = converted / mature stopped with its Wilson
    95 % interval; candidate attainment = candidate met / (met + breached); actual attainment
    = met / resolved over every bucket; the current target is the bucket whose upper bound
    equals it."""
    frame = frame.copy()
    converted = frame["converted_clocks"].astype(float)
    mature = frame["mature_stopped_clocks"].astype(float)
    frame["conversion_rate"] = converted / mature.where(mature > 0)
    frame["conversion_rate_lower"], frame["conversion_rate_upper"] = stats.wilson_interval(
        converted, mature
    )
    met = frame["candidate_met_clocks"].astype(float)
    judged = met + frame["candidate_breached_clocks"].astype(float)
    frame["candidate_attainment"] = met / judged.where(judged > 0)
    resolved = float(frame["resolved_clocks"].sum())
    frame["actual_attainment"] = (
        float(frame["met_clocks"].sum()) / resolved if resolved > 0 else float("nan")
    )
    frame["is_current_target"] = (
        frame["bucket_upper_bound"].astype(float) == frame["target_in_bucket_unit"].astype(float)
    ).fillna(False)
    return frame


# --- journey explorer ------------------------------------------------------------------------


def journey_matches(text: str, limit: int = 20) -> list[str]:
    """Journey ids equal to text, else starting with it (case-insensitive)."""
    frame = query(
        f"""
        select journey_id
        from (select distinct journey_id from {RELATIONS.stage_visits}) as journeys
        where journey_id = ? or lower(journey_id) like ? escape '!'
        order by journey_id != ?, journey_id
        limit ?
        """,
        [text, like_prefix(text), text, limit],
    )
    return frame["journey_id"].tolist()


def example_journeys(limit: int = 8) -> list[str]:
    """A few journeys with breaches, to try the explorer on."""
    frame = query(
        f"""
        select journey_id
        from {RELATIONS.sla_breaches}
        group by journey_id
        order by count(*) desc, journey_id
        limit ?
        """,
        [limit],
    )
    return frame["journey_id"].tolist()


def journey_header(journey_id: str) -> pd.DataFrame:
    return query(
        f"""
        select
            journeys.journey_id,
            journeys.segment,
            coalesce(journeys.territory, 'unknown') as territory,
            journeys.calendar_id,
            journeys.intent_level,
            journeys.product_line,
            journeys.created_at
        from {RELATIONS.journeys} as journeys
        where journeys.journey_id = ?
        """,
        [journey_id],
    )


def journey_visits(journey_id: str) -> pd.DataFrame:
    return query(
        f"""
        select
            visits.journey_visit_sequence,
            visits.stage,
            visits.funnel_order,
            visits.exit_kind,
            visits.owner_id,
            visits.reason_code,
            visits.is_current,
            visits.entered_at,
            coalesce(visits.exited_at, visits.as_of) as shown_until_at,
            visits.exited_at,
            visits.minutes_in_stage,
            visits.business_minutes_in_stage,
            visits.stage_visit_id
        from (
            select *, (select max(as_of) from {RELATIONS.data_quality}) as as_of
            from {RELATIONS.stage_visits}
            where journey_id = ?
        ) as visits
        order by visits.journey_visit_sequence
        """,
        [journey_id],
    )


def journey_activities(journey_id: str) -> pd.DataFrame:
    return query(
        f"""
        select activity_id, activity_type, direction, outcome, owner_id, is_human_touch, occurred_at
        from {RELATIONS.activities}
        where journey_id = ?
        order by occurred_at, activity_id
        """,
        [journey_id],
    )


def journey_clocks(journey_id: str) -> pd.DataFrame:
    return query(
        f"""
        select
            clocks.policy_id,
            policies.description as commitment,
            clocks.stage,
            clocks.sla_type,
            clocks.status,
            clocks.is_at_risk,
            clocks.owner_id,
            coalesce(owners.full_name, clocks.owner_id) as owner_name,
            clocks.started_at,
            clocks.due_at,
            clocks.stopped_at,
            clocks.breached_at,
            clocks.elapsed_business_minutes,
            breaches.failure_action,
            breaches.is_handled,
            clocks.clock_id
        from {RELATIONS.sla_clocks} as clocks
        left join {RELATIONS.policies} as policies on policies.policy_id = clocks.policy_id
        left join {RELATIONS.sla_breaches} as breaches on breaches.clock_id = clocks.clock_id
        left join {RELATIONS.owners} as owners on owners.owner_id = clocks.owner_id
        where clocks.journey_id = ?
        order by clocks.started_at, clocks.policy_id
        """,
        [journey_id],
    )


# --- data health -----------------------------------------------------------------------------


def file_name_only(paths: pd.Series) -> pd.Series:
    """The file name of each path, / or \\ separated (what DuckDB's parse_filename gives)."""
    return paths.str.replace(r"^.*[/\\]", "", regex=True)


def table_counts() -> pd.DataFrame:
    frame = query(
        f"""
        select table_name, rows_in_warehouse, last_file_name,
               last_rows_read,
               last_rows_loaded, last_rows_rejected, last_loaded_at
        from {RELATIONS.raw_table_counts}
        order by table_order
        """
    )
    return frame.assign(last_file_name=file_name_only(frame["last_file_name"]))


def rejects_by_reason() -> pd.DataFrame:
    return query(
        f"""
        select table_name, reject_reason, count(*) as rejected_rows,
               min(raw_values) as example_raw_values
        from {RELATIONS.rejects}
        group by table_name, reject_reason
        order by rejected_rows desc, table_name, reject_reason
        """
    )


def reject_examples(limit_per_reason: int = 3) -> pd.DataFrame:
    """The first few rejected rows of each table × reason, with the offending column."""
    return query(
        f"""
        select table_name, reject_reason, column_name, file_row_number, raw_values
        from (
            select
                rejects.*,
                row_number() over (
                    partition by table_name, reject_reason order by file_row_number
                ) as example_number
            from {RELATIONS.rejects} as rejects
        ) as numbered
        where example_number <= ?
        order by table_name, reject_reason, file_row_number
        """,
        [limit_per_reason],
    )


def load_log(limit: int = 50) -> pd.DataFrame:
    frame = query(
        f"""
        select loaded_at, table_name, file_name, rows_read,
               rows_loaded, rows_rejected,
               rows_inserted, rows_updated, load_id
        from {RELATIONS.load_log}
        order by loaded_at desc, table_name
        limit ?
        """,
        [limit],
    )
    return frame.assign(file_name=file_name_only(frame["file_name"]))


def data_quality() -> pd.DataFrame:
    return query(
        f"""
        select check_name, table_name, detail, severity, finding_count, checked_count,
               finding_share, is_passing, description
        from {RELATIONS.data_quality}
        order by is_passing, check_order, finding_count desc, table_name, detail
        """
    )


# --- routing ---------------------------------------------------------------------------------

# What the routing tables group by: a fixed column expression per choice (never input).
ROUTING_GROUPS = {
    "team": "coalesce(routing.expected_team, 'no_team')",
    "rule": "coalesce(routing.rule_id, '(no rule)')",
    "all": "'all'",
}


def _routing_where(filters: Filters) -> tuple[str, list]:
    return predicates(
        filters,
        segment="coalesce(routing.segment, 'unknown')",
        territory="coalesce(routing.territory, 'unknown')",
        team="routing.expected_team",
        moment="routing.assigned_at",
    )


def routing_by(filters: Filters, group: str) -> pd.DataFrame:
    """Assignments per expected team or per rule under the sidebar filters: counts by
    outcome, round robin, and the median time to assign (minutes)."""
    column = ROUTING_GROUPS[group]
    where, params = _routing_where(filters)
    return query(
        f"""
        select
            {column} as group_name,
            count(*) as assignments,
            count(*) filter (where routing.routing_outcome = 'matched') as matched,
            count(*) filter (where routing.routing_outcome = 'mismatched') as mismatched,
            count(*) filter (where routing.routing_outcome not in ('matched', 'mismatched'))
                as not_judged,
            count(*) filter (where routing.is_round_robin
                and routing.routing_outcome in ('matched', 'mismatched')) as round_robin_judged,
            count(*) filter (where routing.is_round_robin_without_context)
                as round_robin_without_context,
            count(routing.minutes_to_assign) as timed_assignments,
            percentile_cont(0.5) within group (
                order by routing.minutes_to_assign
            ) as median_minutes_to_assign
        from {RELATIONS.routing} as routing
        where {where}
        group by 1
        order by assignments desc, group_name
        """,
        params,
    )


def routing_monthly(filters: Filters) -> pd.DataFrame:
    """mart_routing_monthly under the team and date filters (it has no segment/territory)."""
    where, params = predicates(filters, team="monthly.team", month="monthly.month_start")
    return query(
        f"""
        select monthly.*
        from {RELATIONS.routing_monthly} as monthly
        where {where} and monthly.team <> 'no_team'
        order by monthly.month_start, monthly.team
        """,
        params,
    )


def owner_load(filters: Filters) -> pd.DataFrame:
    """Open funnel visits per owner at as_of against their role's capacity (team filter)."""
    where, params = predicates(filters, team="load.owner_team")
    return query(
        f"""
        select load.*
        from {RELATIONS.owner_load} as load
        where {where}
        order by load.load_ratio desc nulls last, load.open_visits desc, load.owner_id
        """,
        params,
    )


def reassignments_after_breaches(filters: Filters) -> pd.DataFrame:
    """Per owner team: breaches, how many were reassigned or escalated afterwards, and the
    median minutes from breach to reassignment (breaches in the date range)."""
    where, params = predicates(
        filters, team="breaches.owner_team", journey="breaches.journey_id",
        moment="breaches.breached_at",
    )  # fmt: skip
    return query(
        f"""
        select
            breaches.owner_team,
            count(*) as breaches,
            count(*) filter (where breaches.is_reassigned) as reassigned,
            count(*) filter (where breaches.is_escalated) as escalated,
            count(*) filter (where not breaches.is_handled) as unhandled,
            percentile_cont(0.5) within group (
                order by breaches.minutes_to_reassign
            ) as median_minutes_to_reassign
        from {RELATIONS.sla_breaches} as breaches
        where {where}
        group by 1
        order by breaches desc, 1
        """,
        params,
    )


def routing_audit(
    filters: Filters, journey_prefix: str, limit: int, offset: int
) -> tuple[int, pd.DataFrame]:
    """The routing audit trail: which rule (and which team) each assignment was judged by,
    newest first, with owner names; optionally only journeys whose id starts with the
    prefix. Returns (total rows, one page)."""
    where, params = _routing_where(filters)
    if journey_prefix:
        where += " and routing.journey_id like ? escape '!'"
        params = [*params, like_prefix(journey_prefix, lower=False)]
    total = query(
        f"select count(*) as n from {RELATIONS.routing} as routing where {where}", params
    )["n"].iloc[0]
    page = query(
        f"""
        select
            routing.assigned_at,
            routing.journey_id,
            routing.stage_at_assignment,
            coalesce(owners.full_name, routing.owner_id) as owner_name,
            routing.owner_id,
            routing.owner_team,
            routing.method,
            routing.rule_id,
            routing.expected_team,
            routing.routing_outcome,
            routing.minutes_to_assign,
            routing.segment,
            routing.territory,
            routing.intent_level,
            routing.product_line,
            routing.assignment_id
        from {RELATIONS.routing} as routing
        left join {RELATIONS.owners} as owners on owners.owner_id = routing.owner_id
        where {where}
        order by routing.assigned_at desc, routing.assignment_id desc
        limit ? offset ?
        """,
        [*params, int(limit), int(offset)],
    )
    return int(total), page


# --- drill-down and owner leaderboard --------------------------------------------------------

# Which clocks a figure is made of: a fixed column per kind of figure (never input).
DRILL_COLUMNS = {
    "policy": "clocks.policy_id",
    "team": "coalesce(owners.owner_team, 'unassigned')",
    "owner": "coalesce(clocks.owner_id, '(no owner)')",
}


def _drill_where(filters: Filters, months: Sequence[date]) -> tuple[str, list]:
    where, params = predicates(
        filters, team="coalesce(owners.owner_team, 'unassigned')", journey="clocks.journey_id",
        moment="clocks.started_at",
    )  # fmt: skip
    if months:
        clause, bound = in_list(
            "cast(date_trunc('month', clocks.started_at) as date)",
            [pd.Timestamp(month).date() for month in months],
        )
        where += f" and {clause}"
        params.extend(bound)
    return where, params


def clocks_behind(
    filters: Filters, kind: str, value: str, months: Sequence[date], limit: int = 500
) -> tuple[int, pd.DataFrame]:
    """The clocks (and their journeys) behind one policy, team or owner figure: clocks
    started in the months under the sidebar filters, breaches first, with owner and manager
    names. Returns (how many clocks, the first ``limit`` of them)."""
    where, params = _drill_where(filters, months)
    where += f" and {DRILL_COLUMNS[kind]} = ?"
    params.append(value)
    source = f"""
        from {RELATIONS.sla_clocks} as clocks
        left join {RELATIONS.owners} as owners on owners.owner_id = clocks.owner_id
        left join {RELATIONS.policies} as policies on policies.policy_id = clocks.policy_id
        left join {RELATIONS.sla_breaches} as breaches on breaches.clock_id = clocks.clock_id
        where {where}
    """
    total = query(f"select count(*) as n {source}", params)["n"].iloc[0]
    rows = query(
        f"""
        select
            clocks.journey_id,
            coalesce(policies.description, clocks.policy_id) as commitment,
            clocks.status,
            coalesce(owners.full_name, clocks.owner_id, '(no owner)') as owner_name,
            owners.owner_team,
            owners.manager_name,
            clocks.stage,
            clocks.started_at,
            clocks.due_at,
            clocks.stopped_at,
            clocks.elapsed_business_minutes,
            breaches.is_handled,
            clocks.policy_id,
            clocks.owner_id,
            clocks.clock_id
        {source}
        order by
            case clocks.status when 'breached' then 0 when 'open' then 1 else 2 end,
            clocks.started_at desc, clocks.clock_id
        limit ?
        """,
        [*params, int(limit)],
    )
    return int(total), rows


# Clock types whose stop is a response to someone (the leaderboard's median response).
RESPONSE_TYPES = ("first_touch", "follow_up", "signal_response", "handoff")


def owner_leaderboard(filters: Filters, months: Sequence[date]) -> pd.DataFrame:
    """Per owner, clocks started in the months under the sidebar filters: volume, met,
    breached, median business minutes to respond (stopped response clocks), breaches and
    how many were handled (escalated or reassigned), with the owner's manager."""
    where, params = _drill_where(filters, months)
    responses, response_types = in_list("clocks.sla_type", RESPONSE_TYPES)
    return query(
        f"""
        select
            coalesce(clocks.owner_id, '(no owner)') as owner_id,
            coalesce(min(owners.full_name), '(no owner)') as owner_name,
            min(owners.owner_team) as owner_team,
            min(owners.manager_name) as manager_name,
            count(*) as clocks,
            count(*) filter (where clocks.status = 'met') as met_clocks,
            count(*) filter (where clocks.status = 'breached') as breached_clocks,
            percentile_cont(0.5) within group (
                order by case
                    when clocks.stopped_at is not null and {responses}
                        then clocks.elapsed_business_minutes
                end
            ) as median_response_business_minutes,
            count(*) filter (where breaches.is_handled) as breaches_handled
        from {RELATIONS.sla_clocks} as clocks
        left join {RELATIONS.owners} as owners on owners.owner_id = clocks.owner_id
        left join {RELATIONS.sla_breaches} as breaches on breaches.clock_id = clocks.clock_id
        where {where}
        group by 1
        order by 1
        """,
        [*response_types, *params],
    )
