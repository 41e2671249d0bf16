-- mart_sla_effectiveness month by month: the same comparison, test and verdict per policy
-- and month of the visit's first clock start (docs/metrics.md, "SLA effectiveness").
with

effectiveness as (

    select * from {{ ref('int_sla_effectiveness_periods') }}
    where period = 'month'

),

final as (

    select {{ star_except(ref('int_sla_effectiveness_periods'), ['period']) }}
    from effectiveness

)

select * from final
