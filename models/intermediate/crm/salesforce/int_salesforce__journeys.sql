{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce journeys in the contract's shape: one per lead, one per opportunity no lead
-- converted into. Source and intent level come from crm_field_map (LeadSource, Rating);
-- unmapped values fall back to 'other' / 'medium' and are counted as unmapped.

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
        cast(null as {{ dbt.type_string() }}) as segment,
        cast(null as {{ dbt.type_string() }}) as territory,
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

)

select * from final
