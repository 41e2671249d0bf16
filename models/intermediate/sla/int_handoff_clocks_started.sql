-- handoff clocks (docs/sla_semantics.md, "Clocks"): one per policy × visit, stopped at the
-- first moment at or after entry when the journey's owner holds the policy's owner_role —
-- at entry through the visit's owner, afterwards only through a change of ownership.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

handoff_visits as (

    select
        policy_visits.*,
        policies.owner_role

    from policy_visits
    inner join policies
        on policy_visits.policy_id = policies.policy_id
    where policy_visits.sla_type = 'handoff'

),

first_owner_with_role as (

    select
        handoff_visits.policy_visit_key,
        min(owner_history.valid_from) as first_owned_at

    from handoff_visits
    inner join owner_history
        on handoff_visits.journey_id = owner_history.journey_id
        and handoff_visits.entered_at <= owner_history.valid_from
    inner join users as owners
        on owner_history.owner_id = owners.user_id
        and handoff_visits.owner_role = owners.role
    group by handoff_visits.policy_visit_key

),

final as (

    select
        handoff_visits.policy_id,
        handoff_visits.sla_type,
        handoff_visits.journey_id,
        handoff_visits.stage,
        handoff_visits.stage_visit_id,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        handoff_visits.owner_id,
        handoff_visits.calendar_id,
        handoff_visits.exit_kind,
        handoff_visits.entered_at as started_at,
        handoff_visits.exited_at,
        case
            when visit_owners.role = handoff_visits.owner_role then handoff_visits.entered_at
            else first_owner_with_role.first_owned_at
        end as stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at

    from handoff_visits
    left join users as visit_owners
        on handoff_visits.owner_id = visit_owners.user_id
    left join first_owner_with_role
        on handoff_visits.policy_visit_key = first_owner_with_role.policy_visit_key

)

select * from final
