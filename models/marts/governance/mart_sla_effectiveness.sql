-- The governance question per SLA over all months: do visits whose clock was met convert
-- better than visits whose clock was breached? Rates, intervals, test and verdict are
-- computed in int_sla_effectiveness_periods (docs/metrics.md, "SLA effectiveness").
with

effectiveness as (

    select * from {{ ref('int_sla_effectiveness_periods') }}
    where period = 'all'

),

final as (

    select
        policy_id,
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
