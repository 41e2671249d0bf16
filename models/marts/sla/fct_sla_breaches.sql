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

    select * from {{ ref('stg_crm__users') }}

),

assignments as (

    select * from {{ ref('stg_crm__assignments') }}

),

breaches as (

    select *
    from clocks
    where status = 'breached'

),

responses_after_breach as (

    -- Assignments after the breach (and not after as_of): a move to another owner is a
    -- reassignment; an assignment made with method 'escalation' is an escalation.
    select
        breaches.clock_id,
        min(
            case when assignments.owner_id != coalesce(breaches.owner_id, '') then assignments.assigned_at end
        ) as reassigned_at,
        min(case when assignments.method = 'escalation' then assignments.assigned_at end) as escalated_at

    from breaches
    inner join assignments
        on breaches.journey_id = assignments.journey_id
        and assignments.assigned_at >= breaches.breached_at
        and assignments.assigned_at <= breaches.as_of
    group by breaches.clock_id

),

reassignment_owners as (

    select
        responses_after_breach.clock_id,
        max(assignments.owner_id) as reassigned_to_owner_id

    from responses_after_breach
    inner join breaches
        on responses_after_breach.clock_id = breaches.clock_id
    inner join assignments
        on breaches.journey_id = assignments.journey_id
        and assignments.assigned_at = responses_after_breach.reassigned_at
        and assignments.owner_id != coalesce(breaches.owner_id, '')
    group by responses_after_breach.clock_id

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
        reassignment_owners.reassigned_to_owner_id,
        breaches.sla_type,
        breaches.stage,
        owners.team as owner_team,
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
    left join reassignment_owners
        on breaches.clock_id = reassignment_owners.clock_id

)

select * from final
