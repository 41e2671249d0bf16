-- Load per owner at as_of against their role's capacity: the open funnel visits each owner
-- holds (the visit's owner, docs/sla_semantics.md rule 3), for the Routing page.
with

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

owners as (

    select * from {{ ref('int_owner_capacity') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

open_visits as (

    select
        owner_id,
        count(*) as open_visits

    from visits
    where is_current
        and not is_closing
        and owner_id is not null
    group by owner_id

),

final as (

    select
        owners.user_id as owner_id,
        owners.full_name as owner_name,
        owners.manager_name,
        owners.owner_team,
        owners.role as owner_role,
        cast(coalesce(open_visits.open_visits, 0) as bigint) as open_visits,
        owners.max_open_visits,
        cast(coalesce(open_visits.open_visits, 0) as {{ stats_double() }})
        / nullif(owners.max_open_visits, 0) as load_ratio,
        coalesce(coalesce(open_visits.open_visits, 0) > owners.max_open_visits, false)
            as is_over_capacity,
        as_of.as_of

    from owners
    cross join as_of
    left join open_visits
        on owners.user_id = open_visits.owner_id
    where open_visits.open_visits is not null
        or owners.max_open_visits is not null

)

select * from final
