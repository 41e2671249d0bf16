{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot owners in the contract's shape: role from crm_role_map by the owner's team name
-- (field team; the primary team first, else the first by name; no team or an unmapped one:
-- 'ae', counted as unmapped), team = the team's name. HubSpot owners have no manager or
-- territory.

with

owners as (

    select * from {{ ref('stg_hubspot__owner') }}

),

teams as (

    select * from {{ ref('stg_hubspot__team') }}

),

owner_teams as (

    select * from {{ ref('stg_hubspot__owner_team') }}

),

role_map as (

    select * from {{ ref('crm_role_map') }}
    where crm = 'hubspot'

),

first_teams as (

    select
        owner_teams.owner_id,
        teams.team_name
    from owner_teams
    inner join teams
        on owner_teams.team_id = teams.team_id
    qualify row_number() over (
            partition by owner_teams.owner_id
            order by
                coalesce(owner_teams.is_primary, owner_teams.primary_flag, false) desc,
                teams.team_name,
                teams.team_id
        ) = 1

),

final as (

    select
        owners.owner_id as user_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        nullif(trim(concat_ws(' ', owners.first_name, owners.last_name)), '') as full_name,
        owners.email,
        coalesce(role_map.role, 'ae') as role,  -- noqa: RF04
        first_teams.team_name as team,
        cast(null as {{ dbt.type_string() }}) as territory,
        coalesce(owners.is_active, owners.active, true) as is_active,
        owners.source_file_name,
        owners.load_id,
        owners.loaded_at

    from owners
    left join first_teams
        on owners.owner_id = first_teams.owner_id
    left join role_map
        on {{ crm_key('role_map.field') }} = 'team'
        and lower(trim(role_map.value)) = lower(trim(first_teams.team_name))

)

select * from final
