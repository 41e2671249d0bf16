{{ config(enabled=var('crm') == 'hubspot') }}
-- Every recorded change of a HubSpot property the mapping reads, with its journey
-- (docs/crm_sources.md): contact property history (lifecyclestage, hs_lead_status,
-- hubspot_owner_id, ...), deal stage entries as field dealstage, and company property
-- history (a post-sale property such as customer_stage) on the company's latest journey
-- created at or before the change (else its first). field_key as the mapping seeds match it;
-- changed_by_id is the change's source_id (the user who made it, for changes in the CRM).

with

contact_history as (

    select * from {{ ref('stg_hubspot__contact_property_history') }}

),

company_history as (

    select * from {{ ref('stg_hubspot__company_property_history') }}

),

deal_stages as (

    select * from {{ ref('stg_hubspot__deal_stage') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

journeys as (

    select * from {{ ref('int_hubspot__journeys') }}

),

contact_changes as (

    select
        'contact-history:' || contact_history.change_id as change_id,
        journey_records.journey_id,
        'contact' as crm_object,
        contact_history.contact_id as record_id,
        {{ crm_key('contact_history.property_name') }} as field_key,
        contact_history.property_value as value,
        contact_history.changed_by_id,
        contact_history.changed_at,
        contact_history.source_file_name,
        contact_history.load_id,
        contact_history.loaded_at
    from contact_history
    inner join journey_records
        on contact_history.contact_id = journey_records.record_id
        and journey_records.record_type = 'contact'

),

deal_changes as (

    select
        'deal-stage:' || deal_stages.stage_entry_id as change_id,
        journey_records.journey_id,
        'deal' as crm_object,
        deal_stages.deal_id as record_id,
        'dealstage' as field_key,
        deal_stages.stage_id as value,
        deal_stages.changed_by_id,
        deal_stages.entered_at as changed_at,
        deal_stages.source_file_name,
        deal_stages.load_id,
        deal_stages.loaded_at
    from deal_stages
    inner join journey_records
        on deal_stages.deal_id = journey_records.record_id
        and journey_records.record_type = 'deal'
    where not journey_records.is_renewal_term

),

company_changes as (

    select
        'company-history:' || company_history.change_id as change_id,
        journeys.journey_id,
        'company' as crm_object,
        company_history.company_id as record_id,
        {{ crm_key('company_history.property_name') }} as field_key,
        company_history.property_value as value,
        company_history.changed_by_id,
        company_history.changed_at,
        company_history.source_file_name,
        company_history.load_id,
        company_history.loaded_at
    from company_history
    inner join journeys
        on company_history.company_id = journeys.account_id
    qualify row_number() over (
            partition by company_history.change_id
            order by
                (journeys.created_at <= company_history.changed_at) desc,
                case
                    when journeys.created_at <= company_history.changed_at
                        then journeys.created_at
                end desc,
                journeys.created_at,
                journeys.journey_id
        ) = 1

),

final as (

    select * from contact_changes
    union all
    select * from deal_changes
    union all
    select * from company_changes

)

select * from final
