-- Clocks that run from a visit's entry to a stop inside the journey (docs/sla_semantics.md,
-- "Clocks"): first_touch, activity, stage_exit and attempts, one per policy × visit, with the
-- moment each type's own stop condition was met (null: not yet). What a visit's exit does
-- to them is decided in int_clocks_resolved.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

-- first_touch and activity: the first qualifying activity at or after entry, wherever it
-- falls (a progressed exit does not stop these clocks; a closing one is handled later).
first_touch_stops as (

    select
        policy_visits.policy_visit_key,
        min(activities.occurred_at) as stop_condition_at

    from policy_visits
    inner join activities
        on policy_visits.journey_id = activities.journey_id
        and policy_visits.entered_at <= activities.occurred_at
    inner join stop_kinds
        on policy_visits.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where policy_visits.sla_type in ('first_touch', 'activity')
    group by policy_visits.policy_visit_key

),

-- attempts: qualifying activities inside the visit, counted in order; the clock stops at
-- the one where both the attempt count and the number of distinct channels are reached.
attempt_activities as (

    select
        policy_visits.policy_visit_key,
        policies.min_attempts,
        policies.min_channels,
        activities.activity_id,
        activities.activity_type,
        activities.occurred_at,
        case
            when row_number()
                    over (
                        partition by policy_visits.policy_visit_key, activities.activity_type
                        order by activities.occurred_at, activities.activity_id
                    )
                = 1 then 1
            else 0
        end as is_first_of_channel

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    cross join as_of
    inner join activities
        on policy_visits.journey_id = activities.journey_id
        and policy_visits.entered_at <= activities.occurred_at
        and activities.occurred_at <= coalesce(policy_visits.exited_at, as_of.as_of)
    inner join stop_kinds
        on policies.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind
    where policy_visits.sla_type = 'attempts'

),

attempt_running_totals as (

    select
        *,
        count(*) over (
            partition by policy_visit_key
            order by occurred_at, activity_id
            rows between unbounded preceding and current row
        ) as attempts_so_far,
        sum(is_first_of_channel) over (
            partition by policy_visit_key
            order by occurred_at, activity_id
            rows between unbounded preceding and current row
        ) as channels_so_far

    from attempt_activities

),

attempt_stops as (

    select
        policy_visit_key,
        min(occurred_at) as stop_condition_at

    from attempt_running_totals
    where attempts_so_far >= min_attempts
        and channels_so_far >= min_channels
    group by policy_visit_key

),

final as (

    select
        policy_visits.policy_id,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        policy_visits.exit_kind,
        policy_visits.entered_at as started_at,
        policy_visits.exited_at,
        case policy_visits.sla_type
            when 'stage_exit' then policy_visits.exited_at
            when 'attempts' then attempt_stops.stop_condition_at
            else first_touch_stops.stop_condition_at
        end as stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at

    from policy_visits
    left join first_touch_stops
        on policy_visits.policy_visit_key = first_touch_stops.policy_visit_key
    left join attempt_stops
        on policy_visits.policy_visit_key = attempt_stops.policy_visit_key
    where policy_visits.sla_type in ('first_touch', 'activity', 'stage_exit', 'attempts')

)

select * from final
