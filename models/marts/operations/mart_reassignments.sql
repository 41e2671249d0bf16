-- The reassignments the playbook's failure handling asks for (docs/exports.md): breaches
-- whose policy says reassign, not reassigned yet (an escalation to the same owner is not a
-- reassignment), and still outstanding — once the clock has stopped the work is done, late,
-- and moving the journey would only disturb its new stage. The team to move it to is the
-- routing rules' team for the journey's current owning assignment. Only actionable breaches
-- (macro is_actionable_breach: visit current, not closing, within the queue's window).
with

breaches as (

    select * from {{ ref('fct_sla_breaches') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

routing as (

    select * from {{ ref('mart_routing') }}

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

current_routing as (

    select
        owner_history.journey_id,
        routing.expected_team

    from owner_history
    inner join routing
        on owner_history.assignment_id = routing.assignment_id
    where owner_history.valid_to is null

),

current_visits as (

    select
        journey_id,
        stage
    from visits
    where is_current

),

final as (

    select
        {{ dbt.concat(["'reassign-'", "breaches.clock_id"]) }} as reassignment_id,
        breaches.clock_id,
        breaches.policy_id,
        breaches.journey_id,
        breaches.owner_id as from_owner_id,
        breaches.escalation_manager_id as manager_id,
        breaches.owner_team as from_owner_team,
        breaches.owner_role as to_owner_role,
        coalesce(current_routing.expected_team, breaches.owner_team) as to_team,
        breaches.stage,
        current_visits.stage as journey_current_stage,
        breaches.failure_action,
        breaches.minutes_since_breach,
        breaches.is_escalated,
        breaches.due_at,
        breaches.breached_at,
        breaches.as_of

    from breaches
    left join current_visits
        on breaches.journey_id = current_visits.journey_id
    left join current_routing
        on breaches.journey_id = current_routing.journey_id
    left join visits as clocked_visits
        on breaches.stage_visit_id = clocked_visits.stage_visit_id
    where breaches.failure_action is not null
        and {{ list_contains('breaches.failure_action', "'reassign'") }}
        and not breaches.is_reassigned
        and breaches.stopped_at is null
        and {{ is_actionable_breach(
            'breaches.breached_at',
            'breaches.as_of',
            'coalesce(clocked_visits.is_current, false)',
            'coalesce(clocked_visits.is_closing, false)',
        ) }}

)

select * from final
