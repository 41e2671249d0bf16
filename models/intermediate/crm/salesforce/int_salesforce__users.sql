{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce users in the contract's shape: role from crm_role_map by the UserRole name
-- (unmapped or no role: 'ae', counted as unmapped), team = the role's name, manager only
-- when the manager is a loaded user.

with

users as (

    select * from {{ ref('stg_salesforce__user') }}

),

user_roles as (

    select * from {{ ref('stg_salesforce__user_role') }}

),

role_map as (

    select * from {{ ref('crm_role_map') }}
    where crm = 'salesforce'

),

final as (

    select
        users.user_id,
        managers.user_id as manager_id,
        coalesce(users.user_name, trim(concat_ws(' ', users.first_name, users.last_name)))
            as full_name,
        users.email,
        coalesce(role_map.role, 'ae') as role,  -- noqa: RF04
        user_roles.user_role_name as team,
        lower(trim(users.country)) as territory,
        users.is_active,
        users.source_file_name,
        users.load_id,
        users.loaded_at

    from users
    left join users as managers
        on users.manager_id = managers.user_id
    left join user_roles
        on users.user_role_id = user_roles.user_role_id
    left join role_map
        on lower(trim(role_map.value)) = lower(trim(user_roles.user_role_name))

)

select * from final
