-- follow_up clocks (docs/sla_semantics.md, "Clocks"): one per trigger activity inside a
-- clocked visit (entry ≤ trigger < exit; triggers match on type and outcome only), stopped
-- by the first qualifying activity strictly after the trigger, wherever it falls.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

policy_activity_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}

),

follow_up_triggers as (

    select
        policy_visits.policy_id,
        policy_visits.sla_type,
        policy_visits.journey_id,
        policy_visits.stage,
        policy_visits.stage_visit_id,
        triggers.activity_id as trigger_id,
        policy_visits.owner_id,
        policy_visits.calendar_id,
        policy_visits.exit_kind,
        triggers.occurred_at as started_at,
        policy_visits.exited_at

    from policy_visits
    inner join activities as triggers
        on policy_visits.journey_id = triggers.journey_id
        and policy_visits.entered_at <= triggers.occurred_at
        and (policy_visits.exited_at is null or policy_visits.exited_at > triggers.occurred_at)
    inner join policy_activity_kinds as trigger_kinds
        on policy_visits.policy_id = trigger_kinds.policy_id
        and triggers.activity_kind = trigger_kinds.activity_kind
        and trigger_kinds.match_kind = 'trigger'
    where policy_visits.sla_type = 'follow_up'

),

follow_up_answers as (

    -- Activities that can answer a follow_up policy's trigger.
    select
        stop_kinds.policy_id,
        activities.journey_id,
        activities.occurred_at

    from activities
    inner join policy_activity_kinds as stop_kinds
        on activities.activity_kind = stop_kinds.activity_kind
        and stop_kinds.match_kind = 'stop'
    inner join policies
        on stop_kinds.policy_id = policies.policy_id
    where policies.sla_type = 'follow_up'

),

follow_up_stops as (

    -- The first answer strictly after each trigger, wherever it falls.
    select
        follow_up_triggers.policy_id,
        follow_up_triggers.trigger_id,
        min(follow_up_answers.occurred_at) as stop_condition_at

    from follow_up_triggers
    inner join follow_up_answers
        on follow_up_triggers.journey_id = follow_up_answers.journey_id
        and follow_up_triggers.policy_id = follow_up_answers.policy_id
        and follow_up_triggers.started_at < follow_up_answers.occurred_at
    group by follow_up_triggers.policy_id, follow_up_triggers.trigger_id

),

final as (

    select
        follow_up_triggers.*,
        follow_up_stops.stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at

    from follow_up_triggers
    left join follow_up_stops
        on follow_up_triggers.policy_id = follow_up_stops.policy_id
        and follow_up_triggers.trigger_id = follow_up_stops.trigger_id

)

select * from final
