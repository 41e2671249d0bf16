-- Every CRM user with the capacity of their role (seed owner_capacity): the load the
-- Routing page compares each owner's open visits with.
with

users as (

    select * from {{ ref('int_users_enriched') }}

),

capacity as (

    select * from {{ ref('owner_capacity') }}

),

final as (

    select
        users.user_id,
        users.full_name,
        users.role,
        users.owner_team,
        users.manager_name,
        cast(capacity.max_open_visits as integer) as max_open_visits

    from users
    left join capacity
        on lower(trim(users.role)) = lower(trim(capacity.owner_role))

)

select * from final
