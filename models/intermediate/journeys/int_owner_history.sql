-- Who owned each journey when, as intervals [valid_from, valid_to): the single home of the
-- ownership rules (docs/sla_semantics.md, "Owners"). Every consumer of ownership joins it
-- with the owner_valid_at macro: t >= valid_from and (t < valid_to or valid_to is null).
--   1. Of several assignments at one instant the highest assignment_id owns (CRMs write the
--      correcting row last).
--   2. The owner at t is the latest assignment at or before t; the last one stays valid
--      until a later one (none after as_of: int_assignments_until_as_of).
with

assignments as (

    select * from {{ ref('int_assignments_until_as_of') }}

),

same_instant_ranked as (

    select
        *,
        row_number() over (
            partition by journey_id, assigned_at
            order by assignment_id desc
        ) as same_instant_rank,
        -- An escalation at this instant counts even when another row of the instant owns.
        max(case when method = 'escalation' then 1 else 0 end) over (
            partition by journey_id, assigned_at
        ) as escalations_at_instant

    from assignments

),

owning_assignments as (

    select *
    from same_instant_ranked
    where same_instant_rank = 1

),

final as (

    select
        assignment_id,
        journey_id,
        owner_id,
        method,
        escalations_at_instant = 1 as has_escalation,
        assigned_at as valid_from,
        lead(assigned_at) over (partition by journey_id order by assigned_at) as valid_to

    from owning_assignments

)

select * from final
