-- One row per CRM user who can own a journey: name, e-mail, role, team (owner_team, the one
-- definition the marts count under) and manager.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

users as (

    select * from {{ ref('int_users_enriched') }}

),

final as (

    select
        user_id as owner_id,
        manager_id,
        full_name,
        email,
        role,
        team,
        owner_team,
        territory,
        manager_name,
        manager_email,
        is_active

    from users

)

select * from final
