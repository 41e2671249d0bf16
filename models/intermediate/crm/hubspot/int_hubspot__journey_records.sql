{{ config(enabled=var('crm') == 'hubspot') }}
-- Which journey each HubSpot contact and deal belongs to (docs/crm_sources.md): a contact
-- starts one (its buying journey); a deal continues the journey of its associated contact
-- (several: the earliest-created contact's); a deal without a contact is a journey of its
-- own. A deal of the renewal pipeline (var crm_hubspot_renewal_pipeline) is a contract term:
-- it belongs to its contact's journey but never starts one.

with

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

pipelines as (

    select * from {{ ref('stg_hubspot__deal_pipeline') }}

),

deal_contacts as (

    select * from {{ ref('stg_hubspot__deal_contact') }}

),

deal_kinds as (

    select
        deals.deal_id,
        coalesce(
            lower(deals.pipeline_id) = lower('{{ var("crm_hubspot_renewal_pipeline") }}')
            or lower(pipelines.pipeline_label)
            = lower('{{ var("crm_hubspot_renewal_pipeline") }}'),
            false
        ) as is_renewal_term
    from deals
    left join pipelines
        on deals.pipeline_id = pipelines.pipeline_id

),

deal_journeys as (

    select
        deal_contacts.deal_id,
        contacts.contact_id as journey_id
    from deal_contacts
    inner join contacts
        on deal_contacts.contact_id = contacts.contact_id
    qualify row_number() over (
            partition by deal_contacts.deal_id
            order by contacts.created_at, contacts.contact_id
        ) = 1

),

final as (

    select
        contact_id as record_id,
        'contact' as record_type,
        contact_id as journey_id,
        false as is_renewal_term
    from contacts
    union all
    select
        deal_kinds.deal_id as record_id,
        'deal' as record_type,
        coalesce(deal_journeys.journey_id, deal_kinds.deal_id) as journey_id,
        deal_kinds.is_renewal_term
    from deal_kinds
    left join deal_journeys
        on deal_kinds.deal_id = deal_journeys.deal_id
    where deal_journeys.journey_id is not null or not deal_kinds.is_renewal_term

)

select * from final
