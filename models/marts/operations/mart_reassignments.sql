-- The reassignments the playbook's failure handling asks for (docs/exports.md): breaches
-- whose policy says reassign, not reassigned yet (an escalation to the same owner is not a
-- reassignment), and still outstanding — once the clock has stopped the work is done, late,
-- and moving the journey would only disturb its new stage. The team to move it to is the
-- routing rules' team for the journey's current owning assignment. Only actionable breaches
-- (macro is_actionable_breach: visit current, not closing, within the queue's window).
-- The new owner: an active user of the routed team with the policy's role, not the current
-- owner; the batch's reassignments of a team are dealt out to its candidates least loaded
-- first (open visits at as_of, mart_routing_owner_load), round robin, oldest breach first.
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

users as (

    select * from {{ ref('int_users_enriched') }}

),

owner_load as (

    select * from {{ ref('mart_routing_owner_load') }}

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

actionable as (

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

),

candidates as (

    -- Who can take a team's reassignments, least loaded first (ties: user_id).
    select
        users.user_id,
        users.full_name,
        users.team,
        users.role,
        row_number() over (
            partition by users.team, users.role
            order by coalesce(owner_load.open_visits, 0), users.user_id
        ) as load_rank,
        count(*) over (partition by users.team, users.role) as team_candidates

    from users
    left join owner_load
        on users.user_id = owner_load.owner_id
    where users.is_active

),

numbered as (

    -- The n-th reassignment into a team and role, oldest breach first.
    select
        *,
        row_number() over (
            partition by to_team, to_owner_role
            order by breached_at, clock_id
        ) as batch_position

    from actionable

),

final as (

    -- Candidates who are the current owner are skipped by dealing from the others: the
    -- position cycles over the team's candidates; when it lands on the current owner, the
    -- next candidate takes it.
    select
        numbered.reassignment_id,
        numbered.clock_id,
        numbered.policy_id,
        numbered.journey_id,
        numbered.from_owner_id,
        numbered.manager_id,
        numbered.from_owner_team,
        numbered.to_owner_role,
        numbered.to_team,
        chosen.user_id as to_owner_id,
        chosen.full_name as to_owner_name,
        numbered.stage,
        numbered.journey_current_stage,
        numbered.failure_action,
        numbered.minutes_since_breach,
        numbered.is_escalated,
        numbered.due_at,
        numbered.breached_at,
        numbered.as_of

    from numbered
    left join candidates as dealt
        on numbered.to_team = dealt.team
        and numbered.to_owner_role = dealt.role
        and dealt.load_rank = (numbered.batch_position - 1) % dealt.team_candidates + 1
    left join candidates as chosen
        on numbered.to_team = chosen.team
        and numbered.to_owner_role = chosen.role
        and chosen.load_rank = case
            when dealt.user_id is distinct from numbered.from_owner_id then dealt.load_rank
            else dealt.load_rank % dealt.team_candidates + 1
        end
        and chosen.user_id is distinct from numbered.from_owner_id

)

select * from final
