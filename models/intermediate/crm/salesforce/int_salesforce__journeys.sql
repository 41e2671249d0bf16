{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce journeys in the contract's shape: one per lead, one per opportunity no lead
-- converted into. Source and intent level come from crm_field_map (LeadSource, Rating);
-- unmapped values fall back to 'other' / 'medium' and are counted as unmapped. A converted
-- lead keeps its own Country and NumberOfEmployees as the journey's territory and segment
-- (the account's apply when the lead has none); an unconverted lead's stand-in account
-- already carries them.

with

leads as (

    select * from {{ ref('stg_salesforce__lead') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunity') }}

),

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

field_map as (

    select * from {{ ref('crm_field_map') }}
    where crm = 'salesforce'

),

starts as (

    select
        leads.lead_id as journey_id,
        coalesce(leads.converted_account_id, 'lead:' || leads.lead_id) as account_id,
        leads.lead_source,
        leads.rating,
        case when leads.converted_account_id is not null then leads.number_of_employees end
            as number_of_employees,
        case when leads.converted_account_id is not null then leads.country end as country,
        leads.created_at,
        leads.source_file_name,
        leads.load_id,
        leads.loaded_at
    from leads
    union all
    select
        opportunities.opportunity_id as journey_id,
        coalesce(opportunities.account_id, 'opportunity:' || opportunities.opportunity_id)
            as account_id,
        opportunities.lead_source,
        null as rating,
        null as number_of_employees,
        null as country,
        opportunities.created_at,
        opportunities.source_file_name,
        opportunities.load_id,
        opportunities.loaded_at
    from opportunities
    inner join journey_records
        on opportunities.opportunity_id = journey_records.journey_id
        and journey_records.record_type = 'opportunity'

),

final as (

    select
        starts.journey_id,
        starts.account_id,
        coalesce(sources.target_value, 'other') as source,
        coalesce(intents.target_value, 'medium') as intent_level,
        cast(case
            when starts.number_of_employees >= {{ var('crm_enterprise_employees') }}
                then 'enterprise'
            when starts.number_of_employees >= {{ var('crm_mid_market_employees') }}
                then 'mid_market'
            when starts.number_of_employees is not null then 'smb'
        end as {{ dbt.type_string() }}) as segment,
        cast(
            coalesce(territories.target_value, lower(trim(starts.country)))
            as {{ dbt.type_string() }}
        ) as territory,
        cast(null as {{ dbt.type_string() }}) as product_line,
        starts.created_at,
        starts.source_file_name,
        starts.load_id,
        starts.loaded_at

    from starts
    left join field_map as sources
        on sources.target = 'source'
        and {{ crm_key('sources.field') }} = 'leadsource'
        and lower(trim(sources.value)) = lower(starts.lead_source)
    left join field_map as intents
        on intents.target = 'intent_level'
        and {{ crm_key('intents.field') }} = 'rating'
        and lower(trim(intents.value)) = lower(starts.rating)
    left join field_map as territories
        on territories.target = 'territory'
        and lower(trim(territories.value)) = lower(trim(starts.country))

)

select * from final
