-- The governance question per SLA over all months: do visits whose clock was met convert
-- better than visits whose clock was breached? Rates, intervals, test and verdict are
-- computed in int_sla_effectiveness_periods (docs/metrics.md, "SLA effectiveness").
with

effectiveness as (

    select * from {{ ref('int_sla_effectiveness_periods') }}
    where period = 'all'

),

final as (

    select {{ star_except(ref('int_sla_effectiveness_periods'), ['period', 'month_start_date']) }}
    from effectiveness

)

select * from final
