-- mart_sla_effectiveness month by month: the same comparison, test and verdict per policy
-- and month of the visit's first clock start (docs/metrics.md, "SLA effectiveness").
with

effectiveness as (

    select * from {{ ref('int_sla_effectiveness_periods') }}
    where period = 'month'

),

final as (

    select
        policy_id,
        month_start_date,
        stage,
        sla_type,
        kpi,
        target_unit,
        verdict,
        verdict_reason,
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
        min_met_visits,
        min_breached_visits,
        significance_level

    from effectiveness

)

select * from final
