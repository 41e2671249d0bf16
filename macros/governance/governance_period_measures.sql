{#- The SLA review's measures per period × policy × segment × territory × owner team, with
    the roll-up rows and the change against the period before: the CTEs both
    mart_governance_monthly and mart_governance_weekly are made of (docs/metrics.md), so each
    measure is defined once.

    clocks: a relation or CTE shaped like fct_clock_outcomes plus the period columns.
    period_columns: the columns naming the period, the first a date starting it (e.g.
        ['month_start_date'] or ['iso_week', 'week_start_date'] with start_column
        'week_start_date').
    start_column: the period's first day (date), the key of the period-before join.
    period_unit: 'month' or 'week': the period before starts one month or seven days earlier.

    Emits CTEs (no leading `with`, no trailing comma); the last, governance_periods, has the
    period columns then the measures in the marts' contract order. -#}
{% macro governance_period_measures(clocks, period_columns, start_column, period_unit) -%}
    {%- set periods = period_columns | join(', ') -%}
    {%- set cell = period_columns + ['policy_id', 'segment_key', 'territory_key', 'team_key'] -%}
    {%- set cell_out = period_columns + ['policy_id', 'segment', 'territory', 'team'] -%}
    {%- if period_unit == 'month' -%}
        {%- set previous_start = dbt.dateadd('month', -1, 'measured.' ~ start_column) -%}
    {%- elif period_unit == 'week' -%}
        {%- set previous_start = dbt.dateadd('day', -7, 'measured.' ~ start_column) -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("period_unit must be 'month' or 'week', got " ~ period_unit) }}
    {%- endif -%}
    {#- Each clock × each level, a dimension the level does not keep reading 'all'. Read as a
        subquery by both aggregates below, not as a shared CTE: DuckDB materialises a CTE read
        twice, and this one is clocks × 8 rows (at 3M journeys its spill outgrew 50 GB of disk;
        BENCHMARKS.md, 2026-11-30); as a subquery it streams into each aggregate. -#}
    {%- set clocks_rolled_up -%}
    (
        select
            {{ clocks }}.*,
            rollup_levels.rollup_level,
            case when rollup_levels.keeps_segment then {{ clocks }}.segment else 'all' end
                as segment_key,
            case
                when rollup_levels.keeps_territory then {{ clocks }}.territory
                else 'all'
            end as territory_key,
            case when rollup_levels.keeps_team then {{ clocks }}.owner_team else 'all' end
                as team_key

        from {{ clocks }}
        cross join rollup_levels
    ) as clocks_rolled_up
    {%- endset %}

rollup_levels as (

    -- Each clock is counted once per level: the detail row (segment × territory × team) and
    -- every roll-up of it; a dimension a level does not keep reads 'all'. A cross join with
    -- this list instead of GROUPING SETS keeps the SQL the same on every engine.
    {%- set levels = [
        ('segment_territory_team', true, true, true),
        ('segment_territory', true, true, false),
        ('segment_team', true, false, true),
        ('territory_team', false, true, true),
        ('segment', true, false, false),
        ('territory', false, true, false),
        ('team', false, false, true),
        ('policy', false, false, false),
    ] %}
    {%- for name, keeps_segment, keeps_territory, keeps_team in levels %}
        select
            '{{ name }}' as rollup_level,
            {{ 'true' if keeps_segment else 'false' }} as keeps_segment,
            {{ 'true' if keeps_territory else 'false' }} as keeps_territory,
            {{ 'true' if keeps_team else 'false' }} as keeps_team
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

clock_stats as (

    select
        {{ periods }},
        policy_id,
        segment_key as segment,
        territory_key as territory,
        team_key as team,
        max(rollup_level) as rollup_level,
        max(stage) as stage,
        max(sla_type) as sla_type,
        max(target_unit) as target_unit,
        max(elapsed_unit) as elapsed_unit,
        max(target_value) as target_value,
        count(*) as clocks,
        {{ stats_count_if("status = 'met'") }} as met_clocks,
        {{ stats_count_if("status = 'breached'") }} as breached_clocks,
        {{ stats_count_if("status = 'open'") }} as open_clocks,
        {{ stats_count_if("status = 'cancelled'") }} as cancelled_clocks,
        -- The same counts over the clocks whose visit met its entry criteria, so the review can
        -- leave broken entries out of attainment and breach rate (docs/metrics.md).
        {{ stats_count_if('not entry_criteria_met') }} as clocks_with_broken_entry,
        {{ stats_count_if('entry_criteria_met') }} as clocks_entry_ok,
        {{ stats_count_if("entry_criteria_met and status = 'met'") }} as met_clocks_entry_ok,
        {{ stats_count_if("entry_criteria_met and status = 'breached'") }}
            as breached_clocks_entry_ok,
        {{ stats_count_if("entry_criteria_met and status = 'open'") }} as open_clocks_entry_ok,
        {{ stats_count_if("entry_criteria_met and status = 'cancelled'") }}
            as cancelled_clocks_entry_ok,
        {{ stats_percentile(
            "case when is_resolved then elapsed_in_unit end", 0.5
        ) }} as median_elapsed,
        {{ stats_percentile(
            "case when is_resolved then elapsed_in_unit end", 0.9
        ) }} as p90_elapsed

    from {{ clocks_rolled_up }}
    group by {{ cell | join(', ') }}

),

clocked_visits as (

    -- Visit measures count each clocked visit once per cell, however many clocks it had.
    select distinct
        {{ cell | join(', ') }},
        stage_visit_id,
        is_mature,
        is_converted,
        is_progressed,
        days_to_progress,
        is_recycled

    from {{ clocks_rolled_up }}
    where stage_visit_id is not null

),

visit_stats as (

    select
        {{ periods }},
        policy_id,
        segment_key as segment,
        territory_key as territory,
        team_key as team,
        count(*) as clocked_visits,
        {{ stats_count_if('not is_mature') }} as immature_visits,
        count(is_converted) as conversion_base_visits,
        {{ stats_count_if('is_converted') }} as converted_visits,
        {{ stats_count_if('is_progressed') }} as progressed_visits,
        {{ stats_percentile('days_to_progress', 0.5) }} as median_days_to_progress,
        {{ stats_percentile('days_to_progress', 0.75) }} as p75_days_to_progress,
        {{ stats_count_if('is_recycled') }} as recycled_visits

    from clocked_visits
    group by {{ cell | join(', ') }}

),

measured as (

    select
        clock_stats.*,
        {{ stats_ratio(
            'clock_stats.met_clocks', 'clock_stats.met_clocks + clock_stats.breached_clocks'
        ) }} as attainment,
        {{ stats_ratio('clock_stats.breached_clocks', 'clock_stats.clocks') }} as breach_rate,
        {{ stats_ratio(
            'clock_stats.met_clocks_entry_ok',
            'clock_stats.met_clocks_entry_ok + clock_stats.breached_clocks_entry_ok'
        ) }} as attainment_entry_ok,
        {{ stats_ratio(
            'clock_stats.breached_clocks_entry_ok', 'clock_stats.clocks_entry_ok'
        ) }} as breach_rate_entry_ok,
        coalesce(visit_stats.clocked_visits, 0) as clocked_visits,
        coalesce(visit_stats.immature_visits, 0) as immature_visits,
        coalesce(visit_stats.conversion_base_visits, 0) as conversion_base_visits,
        coalesce(visit_stats.converted_visits, 0) as converted_visits,
        {{ stats_ratio('visit_stats.converted_visits', 'visit_stats.conversion_base_visits') }}
            as conversion_rate,
        coalesce(visit_stats.progressed_visits, 0) as progressed_visits,
        visit_stats.median_days_to_progress,
        visit_stats.p75_days_to_progress,
        coalesce(visit_stats.recycled_visits, 0) as recycled_visits,
        {{ stats_ratio(
            'visit_stats.recycled_visits', 'visit_stats.clocked_visits'
        ) }} as recycle_rate

    from clock_stats
    left join visit_stats
        on
        {%- for column in cell_out %}
            clock_stats.{{ column }} = visit_stats.{{ column }}
            {{- ' and' if not loop.last }}
        {%- endfor %}

),

governance_periods as (

    select
        {%- for column in period_columns %}
        measured.{{ column }},
        {%- endfor %}
        measured.policy_id,
        measured.segment,
        measured.territory,
        measured.team,
        measured.rollup_level,
        measured.stage,
        measured.sla_type,
        measured.target_unit,
        measured.elapsed_unit,
        measured.target_value,
        measured.clocks,
        measured.met_clocks,
        measured.breached_clocks,
        measured.open_clocks,
        measured.cancelled_clocks,
        measured.attainment,
        measured.breach_rate,
        measured.median_elapsed,
        measured.p90_elapsed,
        measured.clocked_visits,
        measured.immature_visits,
        measured.conversion_base_visits,
        measured.converted_visits,
        measured.conversion_rate,
        measured.progressed_visits,
        measured.median_days_to_progress,
        measured.p75_days_to_progress,
        measured.recycled_visits,
        measured.recycle_rate,
        -- Change against the same policy × segment × territory × team one period earlier
        -- (null when that period has no row or the rate is undefined in either period).
        measured.attainment - previous_period.attainment as attainment_change,
        measured.breach_rate - previous_period.breach_rate as breach_rate_change,
        measured.median_elapsed - previous_period.median_elapsed as median_elapsed_change,
        measured.p90_elapsed - previous_period.p90_elapsed as p90_elapsed_change,
        measured.conversion_rate - previous_period.conversion_rate as conversion_rate_change,
        measured.median_days_to_progress - previous_period.median_days_to_progress
            as median_days_to_progress_change,
        measured.p75_days_to_progress - previous_period.p75_days_to_progress
            as p75_days_to_progress_change,
        measured.recycle_rate - previous_period.recycle_rate as recycle_rate_change,
        -- Appended after the existing columns (readers and contracts keep their order).
        measured.clocks_with_broken_entry,
        measured.clocks_entry_ok,
        measured.met_clocks_entry_ok,
        measured.breached_clocks_entry_ok,
        measured.open_clocks_entry_ok,
        measured.cancelled_clocks_entry_ok,
        measured.attainment_entry_ok,
        measured.breach_rate_entry_ok

    from measured
    left join measured as previous_period
        on measured.policy_id = previous_period.policy_id
        and measured.segment = previous_period.segment
        and measured.territory = previous_period.territory
        and measured.team = previous_period.team
        and cast({{ previous_start }} as date) = previous_period.{{ start_column }}

)
{%- endmacro %}
