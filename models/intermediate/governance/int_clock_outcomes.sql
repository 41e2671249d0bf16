-- depends_on: {{ ref('int_calendar_days') }}
-- One row per SLA clock with its elapsed time in the policy's unit and the outcome of the
-- visit it belongs to (for contract and signal clocks: the visit current when it started),
-- the building block of every governance mart (docs/metrics.md).
with

clocks as (

    select * from {{ ref('int_clocks_resolved') }}

),

visit_outcomes as (

    select * from {{ ref('int_visit_outcomes') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

clocks_measured as (

    select
        *,
        coalesce(stopped_at, as_of) as measured_until_at

    from clocks

),

with_business_days as (

    {{ journey_sla.business_days_elapsed(
        'clocks_measured', 'calendar_id', 'started_at', 'measured_until_at', 'elapsed_business_days'
    ) }}

),

closing_exits as (

    select
        with_business_days.clock_id,
        with_business_days.sla_type in ('first_touch', 'activity', 'handoff', 'attempts')
        and visit_outcomes.exit_kind = 'closed'
        and with_business_days.stopped_at = visit_outcomes.exited_at as is_ended_by_closing_exit

    from with_business_days
    inner join visit_outcomes
        on with_business_days.stage_visit_id = visit_outcomes.stage_visit_id

),

final as (

    select
        with_business_days.clock_id,
        with_business_days.policy_id,
        with_business_days.journey_id,
        with_business_days.stage_visit_id,
        with_business_days.trigger_id,
        with_business_days.owner_id,
        coalesce(journeys.segment, 'unknown') as segment,
        {{ owner_team('users') }} as owner_team,
        coalesce(journeys.territory, 'unknown') as territory,
        with_business_days.sla_type,
        with_business_days.stage,
        with_business_days.status,
        with_business_days.target_unit,
        -- business_days: elapsed open time in business hours (a business day's length differs
        -- between calendars, so open time is not turned into days); see elapsed_business_days.
        case with_business_days.target_unit
            when 'minutes' then 'minutes'
            when 'hours' then 'hours'
            when 'days' then 'days'
            when 'business_minutes' then 'business_minutes'
            when 'business_hours' then 'business_hours'
            when 'business_days' then 'business_hours'
        end as elapsed_unit,
        with_business_days.target_value,
        case with_business_days.target_unit
            when 'minutes' then with_business_days.elapsed_minutes
            when 'hours' then with_business_days.elapsed_minutes / 60.0
            when 'days' then with_business_days.elapsed_minutes / 1440.0
            when 'business_minutes' then with_business_days.elapsed_business_minutes
            when 'business_hours' then with_business_days.elapsed_business_minutes / 60.0
            when 'business_days' then with_business_days.elapsed_business_minutes / 60.0
        end as elapsed_in_unit,
        with_business_days.elapsed_minutes,
        with_business_days.elapsed_business_minutes,
        cast(with_business_days.elapsed_business_days as integer) as elapsed_business_days,
        visit_outcomes.days_to_progress,
        with_business_days.status in ('met', 'breached') as is_resolved,
        -- Ended by a closing exit of the visit before its own stop (never answered: its
        -- elapsed time is the time to the close), or stopped by its own stop condition.
        coalesce(closing_exits.is_ended_by_closing_exit, false) as is_ended_by_closing_exit,
        with_business_days.stopped_at is not null
        and not coalesce(closing_exits.is_ended_by_closing_exit, false) as is_stopped_by_condition,
        coalesce(visit_outcomes.is_mature, false) as is_mature,
        visit_outcomes.is_converted,
        visit_outcomes.is_converted_to_next,
        coalesce(visit_outcomes.is_progressed, false) as is_progressed,
        coalesce(visit_outcomes.is_recycled, false) as is_recycled,
        -- The review can leave clocks of broken entries out of attainment (docs/metrics.md).
        with_business_days.entry_criteria_met,
        cast(
            {{ dbt.date_trunc('month', 'with_business_days.started_at') }} as date
        ) as started_month_date,
        with_business_days.started_at,
        with_business_days.due_at,
        with_business_days.stopped_at,
        with_business_days.as_of

    from with_business_days
    left join visit_outcomes
        on with_business_days.stage_visit_id = visit_outcomes.stage_visit_id
    left join closing_exits
        on with_business_days.clock_id = closing_exits.clock_id
    left join journeys
        on with_business_days.journey_id = journeys.journey_id
    left join users
        on with_business_days.owner_id = users.user_id

)

select * from final
