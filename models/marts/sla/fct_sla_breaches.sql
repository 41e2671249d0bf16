-- Every breached clock with what should happen next (failure handling) and what did:
-- escalation target, the first reassignment after the breach, and whether it was handled.
with

clocks as (

    select * from {{ ref('fct_sla_clocks') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

breaches as (

    select *
    from clocks
    where status = 'breached'

),

reassignments_after_breach as (

    -- The first change of ownership to someone else at or after the breach (the history
    -- ends at as_of).
    select
        breaches.clock_id,
        owner_history.owner_id as reassigned_to_owner_id,
        owner_history.valid_from as reassigned_at,
        row_number() over (
            partition by breaches.clock_id
            order by owner_history.valid_from
        ) as change_rank

    from breaches
    inner join owner_history
        on breaches.journey_id = owner_history.journey_id
        and breaches.breached_at <= owner_history.valid_from
        and owner_history.owner_id != coalesce(breaches.owner_id, '')

),

escalations_after_breach as (

    -- An assignment made with method 'escalation' at or after the breach is an escalation.
    select
        breaches.clock_id,
        min(owner_history.valid_from) as escalated_at

    from breaches
    inner join owner_history
        on breaches.journey_id = owner_history.journey_id
        and breaches.breached_at <= owner_history.valid_from
        and owner_history.has_escalation
    group by breaches.clock_id

),

responses_after_breach as (

    select
        breaches.clock_id,
        reassignments_after_breach.reassigned_to_owner_id,
        reassignments_after_breach.reassigned_at,
        escalations_after_breach.escalated_at

    from breaches
    left join reassignments_after_breach
        on breaches.clock_id = reassignments_after_breach.clock_id
        and reassignments_after_breach.change_rank = 1
    left join escalations_after_breach
        on breaches.clock_id = escalations_after_breach.clock_id

),

final as (

    select
        breaches.clock_id,
        breaches.policy_id,
        breaches.journey_id,
        breaches.stage_visit_id,
        breaches.trigger_id,
        breaches.owner_id,
        owners.manager_id as escalation_manager_id,
        responses_after_breach.reassigned_to_owner_id,
        breaches.sla_type,
        breaches.stage,
        {{ owner_team('owners') }} as owner_team,
        policies.failure_action,
        policies.owner_role,
        {{ seconds_between('breaches.breached_at', 'responses_after_breach.reassigned_at') }} / 60.0
            as minutes_to_reassign,
        {{ seconds_between('breaches.breached_at', 'breaches.as_of') }} / 60.0
            as minutes_since_breach,
        responses_after_breach.escalated_at is not null as is_escalated,
        responses_after_breach.reassigned_at is not null as is_reassigned,
        coalesce(
            responses_after_breach.escalated_at is not null
            or responses_after_breach.reassigned_at is not null,
            false
        ) as is_handled,
        breaches.started_at,
        breaches.due_at,
        breaches.breached_at,
        breaches.stopped_at,
        responses_after_breach.reassigned_at,
        responses_after_breach.escalated_at,
        breaches.as_of

    from breaches
    inner join policies
        on breaches.policy_id = policies.policy_id
    left join users as owners
        on breaches.owner_id = owners.user_id
    left join responses_after_breach
        on breaches.clock_id = responses_after_breach.clock_id

)

select * from final
