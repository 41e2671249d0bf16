-- The governance question per SLA: do visits whose clock was met convert better than
-- visits whose clock was breached? Both rates with Wilson intervals, the lift, a pooled
-- two-proportion z-test and a verdict (docs/metrics.md, "SLA effectiveness"), over all
-- months (period 'all': a row for every active policy) and per month of the visit's first
-- clock start (period 'month': months with resolved visits). mart_sla_effectiveness and
-- mart_sla_effectiveness_monthly publish one period each.
{%- set group_measures %}
        count(case when has_breach = 0 and is_converted is not null then 1 end) as met_visits,
        count(case when has_breach = 0 and is_converted = 1 then 1 end) as met_converted_visits,
        count(case when has_breach = 1 and is_converted is not null then 1 end) as breached_visits,
        count(case when has_breach = 1 and is_converted = 1 then 1 end) as breached_converted_visits,
        count(case when is_mature = 0 then 1 end) as immature_visits,
        {{ stats_percentile('case when has_breach = 0 and is_mature = 1 then days_to_progress end', 0.5) }}
            as met_median_days_to_progress,
        {{ stats_percentile('case when has_breach = 0 and is_mature = 1 then days_to_progress end', 0.75) }}
            as met_p75_days_to_progress,
        {{ stats_percentile('case when has_breach = 1 and is_mature = 1 then days_to_progress end', 0.5) }}
            as breached_median_days_to_progress,
        {{ stats_percentile('case when has_breach = 1 and is_mature = 1 then days_to_progress end', 0.75) }}
            as breached_p75_days_to_progress
{%- endset %}
with

clocks as (

    select * from {{ ref('int_clock_outcomes') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

covered_next_step_visits as (

    select * from {{ ref('int_next_step_covered_visits') }}

),

clocked_visits as (

    -- One unit per policy and visit: breached when any of its resolved clocks breached (a
    -- visit can have several follow-up, signal or next-step clocks), else met. Open and
    -- cancelled clocks say nothing about the SLA yet.
    select
        policy_id,
        stage_visit_id,
        min(started_month_date) as month_start_date,
        max({{ stats_flag("status = 'breached'") }}) as has_breach,
        max({{ stats_flag('is_mature') }}) as is_mature,
        max(case when is_converted then 1 when not is_converted then 0 end) as is_converted,
        max(days_to_progress) as days_to_progress

    from clocks
    where is_resolved
        and stage_visit_id is not null
    group by policy_id, stage_visit_id

),

policy_visits as (

    -- next_step visits covered from entry to exit have no clock: met visits (DECISIONLOG);
    -- int_next_step_covered_visits has clocked_visits' columns, in their order.
    select * from clocked_visits
    union all
    select * from covered_next_step_visits

),

-- Mature visits only (is_converted is null for immature visits and for visits of a stage
-- with no later funnel stage).
group_stats_all as (

    select
        policy_id,
        {{- group_measures }}

    from policy_visits
    group by policy_id

),

group_stats_monthly as (

    select
        policy_id,
        month_start_date,
        {{- group_measures }}

    from policy_visits
    group by policy_id, month_start_date

),

periods as (

    select
        'all' as period,
        policies.policy_id,
        cast(null as date) as month_start_date,
        policies.stage,
        policies.sla_type,
        policies.kpi,
        policies.target_unit,
        policies.target_value,
        coalesce(group_stats.met_visits, 0) as met_visits,
        coalesce(group_stats.met_converted_visits, 0) as met_converted_visits,
        coalesce(group_stats.breached_visits, 0) as breached_visits,
        coalesce(group_stats.breached_converted_visits, 0) as breached_converted_visits,
        coalesce(group_stats.immature_visits, 0) as immature_visits,
        group_stats.met_median_days_to_progress,
        group_stats.met_p75_days_to_progress,
        group_stats.breached_median_days_to_progress,
        group_stats.breached_p75_days_to_progress

    from policies
    left join group_stats_all as group_stats
        on policies.policy_id = group_stats.policy_id
    where policies.is_active

    union all

    select
        'month' as period,
        policies.policy_id,
        group_stats.month_start_date,
        policies.stage,
        policies.sla_type,
        policies.kpi,
        policies.target_unit,
        policies.target_value,
        group_stats.met_visits,
        group_stats.met_converted_visits,
        group_stats.breached_visits,
        group_stats.breached_converted_visits,
        group_stats.immature_visits,
        group_stats.met_median_days_to_progress,
        group_stats.met_p75_days_to_progress,
        group_stats.breached_median_days_to_progress,
        group_stats.breached_p75_days_to_progress

    from group_stats_monthly as group_stats
    inner join policies
        on group_stats.policy_id = policies.policy_id

),

rates as (

    select
        *,
        {{ stats_ratio('met_converted_visits', 'met_visits') }} as met_conversion_rate,
        {{ stats_ratio(
            'breached_converted_visits', 'breached_visits'
        ) }} as breached_conversion_rate,
        {{ wilson_lower('met_converted_visits', 'met_visits') }} as met_conversion_rate_lower,
        {{ wilson_upper('met_converted_visits', 'met_visits') }} as met_conversion_rate_upper,
        {{ wilson_lower(
            'breached_converted_visits', 'breached_visits'
        ) }} as breached_conversion_rate_lower,
        {{ wilson_upper(
            'breached_converted_visits', 'breached_visits'
        ) }} as breached_conversion_rate_upper,
        {{ two_proportion_z(
            'met_converted_visits', 'met_visits', 'breached_converted_visits', 'breached_visits'
        ) }} as z_score

    from periods

),

tested as (

    select
        *,
        met_conversion_rate - breached_conversion_rate as conversion_rate_lift,
        met_median_days_to_progress
        - breached_median_days_to_progress as median_days_to_progress_difference,
        case
            when met_visits = 0 or breached_visits = 0 then null
            -- Pooled rate 0 or 1: both groups convert alike, z is undefined.
            when z_score is null then cast(1 as {{ stats_double() }})
            else {{ two_sided_normal_p_value('z_score') }}
        end as p_value

    from rates

),

verdicts as (

    select
        *,
        {{ effectiveness_verdict(
            'met_visits', 'breached_visits', 'conversion_rate_lift', 'p_value'
        ) }} as verdict

    from tested

),

final as (

    select
        period,
        policy_id,
        month_start_date,
        stage,
        sla_type,
        kpi,
        target_unit,
        verdict,
        {{ effectiveness_verdict_reason(
            'verdict', 'met_visits', 'breached_visits', 'met_conversion_rate',
            'breached_conversion_rate', 'conversion_rate_lift', 'p_value'
        ) }} as verdict_reason,
        target_value,
        met_visits,
        met_converted_visits,
        met_conversion_rate,
        met_conversion_rate_lower,
        met_conversion_rate_upper,
        breached_visits,
        breached_converted_visits,
        breached_conversion_rate,
        breached_conversion_rate_lower,
        breached_conversion_rate_upper,
        immature_visits,
        conversion_rate_lift,
        z_score,
        p_value,
        met_median_days_to_progress,
        met_p75_days_to_progress,
        breached_median_days_to_progress,
        breached_p75_days_to_progress,
        median_days_to_progress_difference,
        cast({{ effectiveness_min_met_visits() }} as integer) as min_met_visits,
        cast({{ effectiveness_min_breached_visits() }} as integer) as min_breached_visits,
        cast({{ effectiveness_significance_level() }} as {{ stats_double() }}) as significance_level

    from verdicts

)

select * from final
