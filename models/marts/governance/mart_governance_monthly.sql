-- The monthly SLA review: per month (of clock start), policy, segment, territory and owner
-- team, how clocks ended, how long they took, and what came of the visits they clocked —
-- with roll-up rows (segment, territory and/or team = 'all') and the change against the
-- previous month.
with

clocks as (

    select * from {{ ref('fct_clock_outcomes') }}

),

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

clocks_rolled_up as (

    select
        clocks.*,
        rollup_levels.rollup_level,
        case when rollup_levels.keeps_segment then clocks.segment else 'all' end as segment_key,
        case
            when rollup_levels.keeps_territory then clocks.territory
            else 'all'
        end as territory_key,
        case when rollup_levels.keeps_team then clocks.owner_team else 'all' end as team_key

    from clocks
    cross join rollup_levels

),

clock_stats as (

    select
        started_month_date as month_start_date,
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
        {{ stats_percentile(
            "case when is_resolved then elapsed_in_unit end", 0.5
        ) }} as median_elapsed,
        {{ stats_percentile(
            "case when is_resolved then elapsed_in_unit end", 0.9
        ) }} as p90_elapsed

    from clocks_rolled_up
    group by started_month_date, policy_id, segment_key, territory_key, team_key

),

clocked_visits as (

    -- Visit measures count each clocked visit once per cell, however many clocks it had.
    select distinct
        started_month_date,
        policy_id,
        segment_key,
        territory_key,
        team_key,
        stage_visit_id,
        is_mature,
        is_converted,
        is_progressed,
        days_to_progress,
        is_recycled

    from clocks_rolled_up
    where stage_visit_id is not null

),

visit_stats as (

    select
        started_month_date as month_start_date,
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
    group by started_month_date, policy_id, segment_key, territory_key, team_key

),

monthly as (

    select
        clock_stats.*,
        {{ stats_ratio(
            'clock_stats.met_clocks', 'clock_stats.met_clocks + clock_stats.breached_clocks'
        ) }} as attainment,
        {{ stats_ratio('clock_stats.breached_clocks', 'clock_stats.clocks') }} as breach_rate,
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
        on clock_stats.month_start_date = visit_stats.month_start_date
        and clock_stats.policy_id = visit_stats.policy_id
        and clock_stats.segment = visit_stats.segment
        and clock_stats.territory = visit_stats.territory
        and clock_stats.team = visit_stats.team

),

final as (

    select
        monthly.month_start_date,
        monthly.policy_id,
        monthly.segment,
        monthly.territory,
        monthly.team,
        monthly.rollup_level,
        monthly.stage,
        monthly.sla_type,
        monthly.target_unit,
        monthly.elapsed_unit,
        monthly.target_value,
        monthly.clocks,
        monthly.met_clocks,
        monthly.breached_clocks,
        monthly.open_clocks,
        monthly.cancelled_clocks,
        monthly.attainment,
        monthly.breach_rate,
        monthly.median_elapsed,
        monthly.p90_elapsed,
        monthly.clocked_visits,
        monthly.immature_visits,
        monthly.conversion_base_visits,
        monthly.converted_visits,
        monthly.conversion_rate,
        monthly.progressed_visits,
        monthly.median_days_to_progress,
        monthly.p75_days_to_progress,
        monthly.recycled_visits,
        monthly.recycle_rate,
        -- Change against the same policy × segment × territory × team one calendar month
        -- earlier (null when that month has no row or the rate is undefined in either month).
        monthly.attainment - previous_month.attainment as attainment_change,
        monthly.breach_rate - previous_month.breach_rate as breach_rate_change,
        monthly.median_elapsed - previous_month.median_elapsed as median_elapsed_change,
        monthly.p90_elapsed - previous_month.p90_elapsed as p90_elapsed_change,
        monthly.conversion_rate - previous_month.conversion_rate as conversion_rate_change,
        monthly.median_days_to_progress - previous_month.median_days_to_progress
            as median_days_to_progress_change,
        monthly.p75_days_to_progress - previous_month.p75_days_to_progress
            as p75_days_to_progress_change,
        monthly.recycle_rate - previous_month.recycle_rate as recycle_rate_change

    from monthly
    left join monthly as previous_month
        on monthly.policy_id = previous_month.policy_id
        and monthly.segment = previous_month.segment
        and monthly.territory = previous_month.territory
        and monthly.team = previous_month.team
        and cast({{ dbt.dateadd('month', -1, 'monthly.month_start_date') }} as date)
        = previous_month.month_start_date

)

select * from final
