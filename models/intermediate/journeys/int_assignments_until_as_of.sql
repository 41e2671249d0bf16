-- Every assignment a build may see: nothing after as_of. Routing judges each of them;
-- int_owner_history turns them into who owned the journey when.
with

assignments as (

    select * from {{ ref('int_crm__assignments') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

final as (

    select
        assignments.assignment_id,
        assignments.journey_id,
        assignments.owner_id,
        assignments.method,
        assignments.assigned_at

    from assignments
    cross join as_of
    where assignments.assigned_at <= as_of.as_of

)

select * from final
