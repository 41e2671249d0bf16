-- CRM users with their manager's name and one definition of the team a clock or visit is
-- counted under: owner_team, 'unassigned' when the user has no team.
with

users as (

    select * from {{ ref('int_crm__users') }}

),

final as (

    select
        users.user_id,
        users.manager_id,
        users.full_name,
        users.email,
        users.role,
        users.team,
        {{ owner_team('users') }} as owner_team,
        users.territory,
        managers.full_name as manager_name,
        managers.email as manager_email,
        users.is_active

    from users
    left join users as managers
        on users.manager_id = managers.user_id

)

select * from final
