-- next_step visits with a next step booked from entry to exit: no gap, so no clock, yet the
-- policy was kept throughout (docs/sla_semantics.md, "next_step"). The effectiveness
-- comparison counts them as met visits in the month of their entry (UTC) — without them the
-- best-kept visits would be missing from the met group. A current visit may still open a gap
-- and is not counted yet.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}
    where sla_type = 'next_step'

),

next_step_clocks as (

    select * from {{ ref('int_next_step_clocks_started') }}

),

visit_outcomes as (

    select * from {{ ref('int_visit_outcomes') }}

),

final as (

    select
        policy_visits.policy_id,
        policy_visits.stage_visit_id,
        cast({{ dbt.date_trunc('month', 'policy_visits.entered_at') }} as date)
            as month_start_date,
        -- Covered throughout: never breached (the effectiveness unit's columns, in order).
        0 as has_breach,
        {{ stats_flag('visit_outcomes.is_mature') }} as is_mature,
        case
            when visit_outcomes.is_converted then 1 when not visit_outcomes.is_converted then 0
        end as is_converted,
        visit_outcomes.days_to_progress

    from policy_visits
    inner join visit_outcomes
        on policy_visits.stage_visit_id = visit_outcomes.stage_visit_id
    left join next_step_clocks
        on policy_visits.policy_id = next_step_clocks.policy_id
        and policy_visits.stage_visit_id = next_step_clocks.stage_visit_id
    where policy_visits.exited_at is not null
        and next_step_clocks.stage_visit_id is null

)

select * from final
