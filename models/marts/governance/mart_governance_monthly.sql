-- The monthly SLA review: per month (of clock start), policy, segment, territory and owner
-- team, how clocks ended, how long they took, and what came of the visits they clocked —
-- with roll-up rows (segment, territory and/or team = 'all') and the change against the
-- previous month. The measures are the macro governance_period_measures, shared with
-- mart_governance_weekly.
with

clock_outcomes as (

    select * from {{ ref('fct_clock_outcomes') }}

),

clocks as (

    select
        *,
        started_month_date as month_start_date

    from clock_outcomes

),

{{ governance_period_measures('clocks', ['month_start_date'], 'month_start_date', 'month') }},

final as (

    select * from governance_periods

)

select * from final
