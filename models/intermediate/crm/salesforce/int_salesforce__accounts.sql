{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce accounts in the contract's shape, plus one stand-in account per journey without
-- one (an unconverted lead: 'lead:<id>' from its Company, Country and NumberOfEmployees).
-- Segment from the number of employees (vars crm_mid_market_employees,
-- crm_enterprise_employees; unknown = smb); territory from crm_field_map (billing country or
-- lead country), else the country in lower case, else 'unknown'.

with

accounts as (

    select * from {{ ref('stg_salesforce__account') }}

),

journeys as (

    select * from {{ ref('int_salesforce__journeys') }}

),

leads as (

    select * from {{ ref('stg_salesforce__lead') }}

),

field_map as (

    select * from {{ ref('crm_field_map') }}
    where crm = 'salesforce' and target = 'territory'

),

first_journeys as (

    select
        account_id,
        min(created_at) as created_at
    from journeys
    group by account_id

),

companies as (

    -- Fivetran's account table may lack CreatedDate: the account's first journey stands in.
    select
        accounts.account_id,
        accounts.account_name,
        accounts.industry,
        accounts.number_of_employees,
        accounts.billing_country as country,
        coalesce(accounts.created_at, first_journeys.created_at) as created_at,
        accounts.source_file_name,
        accounts.load_id,
        accounts.loaded_at
    from accounts
    left join first_journeys
        on accounts.account_id = first_journeys.account_id
    union all
    select
        journeys.account_id,
        leads.company as account_name,
        leads.industry,
        leads.number_of_employees,
        leads.country,
        leads.created_at,
        leads.source_file_name,
        leads.load_id,
        leads.loaded_at
    from journeys
    inner join leads
        on journeys.journey_id = leads.lead_id
    where journeys.account_id = 'lead:' || leads.lead_id

),

final as (

    select
        companies.account_id,
        companies.account_name,
        case
            when companies.number_of_employees >= {{ var('crm_enterprise_employees') }}
                then 'enterprise'
            when companies.number_of_employees >= {{ var('crm_mid_market_employees') }}
                then 'mid_market'
            else 'smb'
        end as segment,
        coalesce(territories.target_value, lower(trim(companies.country)), 'unknown')
            as territory,
        companies.industry,
        companies.created_at,
        companies.source_file_name,
        companies.load_id,
        companies.loaded_at

    from companies
    left join field_map as territories
        on lower(trim(territories.value)) = lower(trim(companies.country))

)

select * from final
