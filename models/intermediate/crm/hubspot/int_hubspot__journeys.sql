{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot journeys in the contract's shape: one per contact (its buying journey), one per
-- deal without a contact. Source from crm_field_map by hs_analytics_source, intent level by
-- the rating property; unmapped values fall back to 'other' / 'medium' (counted as
-- unmapped). The account is the contact's company (associatedcompanyid), else a stand-in
-- 'contact:<id>'; a deal's is its first associated company, else 'deal:<id>'. A contact's
-- own country (crm_field_map territory rows, else lower-cased) is the journey's territory;
-- the company's applies when it has none.

with

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

companies as (

    select * from {{ ref('stg_hubspot__company') }}

),

deal_companies as (

    select * from {{ ref('stg_hubspot__deal_company') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

field_map as (

    select * from {{ ref('crm_field_map') }}
    where crm = 'hubspot'

),

deal_accounts as (

    select
        deal_companies.deal_id,
        deal_companies.company_id
    from deal_companies
    inner join companies
        on deal_companies.company_id = companies.company_id
    qualify row_number() over (
            partition by deal_companies.deal_id order by deal_companies.company_id
        ) = 1

),

starts as (

    select
        contacts.contact_id as journey_id,
        coalesce(companies.company_id, 'contact:' || contacts.contact_id) as account_id,
        contacts.analytics_source,
        contacts.rating,
        contacts.country,
        contacts.created_at,
        contacts.source_file_name,
        contacts.load_id,
        contacts.loaded_at
    from contacts
    left join companies
        on contacts.company_id = companies.company_id
    union all
    select
        deals.deal_id as journey_id,
        coalesce(deal_accounts.company_id, 'deal:' || deals.deal_id) as account_id,
        null as analytics_source,
        null as rating,
        null as country,
        deals.created_at,
        deals.source_file_name,
        deals.load_id,
        deals.loaded_at
    from deals
    inner join journey_records
        on deals.deal_id = journey_records.journey_id
        and journey_records.record_type = 'deal'
    left join deal_accounts
        on deals.deal_id = deal_accounts.deal_id

),

final as (

    select
        starts.journey_id,
        starts.account_id,
        coalesce(sources.target_value, 'other') as source,
        coalesce(intents.target_value, 'medium') as intent_level,
        cast(null as {{ dbt.type_string() }}) as segment,
        coalesce(territories.target_value, lower(trim(starts.country))) as territory,
        cast(null as {{ dbt.type_string() }}) as product_line,
        starts.created_at,
        starts.source_file_name,
        starts.load_id,
        starts.loaded_at

    from starts
    left join field_map as sources
        on sources.target = 'source'
        and {{ crm_key('sources.field') }} = 'hsanalyticssource'
        and lower(trim(sources.value)) = lower(trim(starts.analytics_source))
    left join field_map as intents
        on intents.target = 'intent_level'
        and {{ crm_key('intents.field') }} = 'rating'
        and lower(trim(intents.value)) = lower(trim(starts.rating))
    left join field_map as territories
        on territories.target = 'territory'
        and lower(trim(territories.value)) = lower(trim(starts.country))

)

select * from final
