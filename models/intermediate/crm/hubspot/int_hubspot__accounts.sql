{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot companies in the contract's shape, plus a stand-in account per journey without a
-- company ('contact:<id>' from the contact's company name and country, 'deal:<id>').
-- Segment from numberofemployees (vars crm_mid_market_employees, crm_enterprise_employees;
-- unknown = smb); territory from crm_field_map by country, else the country in lower case,
-- else 'unknown'. A company without createdate takes its first journey's creation.

with

companies as (

    select * from {{ ref('stg_hubspot__company') }}

),

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

journeys as (

    select * from {{ ref('int_hubspot__journeys') }}

),

field_map as (

    select * from {{ ref('crm_field_map') }}
    where crm = 'hubspot' and target = 'territory'

),

first_journeys as (

    select
        account_id,
        min(created_at) as created_at
    from journeys
    group by account_id

),

accounts as (

    select
        companies.company_id as account_id,
        companies.company_name as account_name,
        companies.industry,
        companies.number_of_employees,
        companies.country,
        coalesce(companies.created_at, first_journeys.created_at) as created_at,
        companies.source_file_name,
        companies.load_id,
        companies.loaded_at
    from companies
    left join first_journeys
        on companies.company_id = first_journeys.account_id
    union all
    select
        journeys.account_id,
        contacts.company_name as account_name,
        null as industry,
        null as number_of_employees,
        contacts.country,
        journeys.created_at,
        journeys.source_file_name,
        journeys.load_id,
        journeys.loaded_at
    from journeys
    left join contacts
        on journeys.journey_id = contacts.contact_id
    where journeys.account_id in ('contact:' || journeys.journey_id, 'deal:' || journeys.journey_id)

),

final as (

    select
        accounts.account_id,
        accounts.account_name,
        case
            when accounts.number_of_employees >= {{ var('crm_enterprise_employees') }}
                then 'enterprise'
            when accounts.number_of_employees >= {{ var('crm_mid_market_employees') }}
                then 'mid_market'
            else 'smb'
        end as segment,
        coalesce(territories.target_value, lower(trim(accounts.country)), 'unknown')
            as territory,
        accounts.industry,
        accounts.created_at,
        accounts.source_file_name,
        accounts.load_id,
        accounts.loaded_at

    from accounts
    left join field_map as territories
        on lower(trim(territories.value)) = lower(trim(accounts.country))

)

select * from final
