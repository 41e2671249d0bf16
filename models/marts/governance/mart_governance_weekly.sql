-- The weekly SLA review (the playbook's "report breach rate weekly"): per ISO week of the
-- clock's start in UTC, policy, segment, territory and owner team, the same measures as
-- mart_governance_monthly (the macro governance_period_measures), with the same roll-up rows
-- and the change against the ISO week before.
with

clock_outcomes as (

    select * from {{ ref('fct_clock_outcomes') }}

),

clocks as (

    select
        *,
        {{ iso_week_label('started_at') }} as iso_week,
        {{ iso_week_start_date('started_at') }} as week_start_date

    from clock_outcomes

),

{{ governance_period_measures(
    'clocks', ['iso_week', 'week_start_date'], 'week_start_date', 'week'
) }},

final as (

    select * from governance_periods

)

select * from final
