{{ config(enabled=var('crm') == 'salesforce') }}
-- Which journey each lead, contact and opportunity belongs to (docs/crm_sources.md): a
-- journey starts at a lead; a converted lead continues into its contact and its converted
-- opportunity; an opportunity no lead converted into is a journey of its own.

with

leads as (

    select * from {{ ref('stg_salesforce__lead') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunity') }}

),

lead_records as (

    select
        lead_id as record_id,
        'lead' as record_type,
        lead_id as journey_id,
        created_at as journey_created_at
    from leads

),

converted_records as (

    -- Two leads converted into one record: the earlier lead's journey continues.
    select
        converted.record_id,
        converted.record_type,
        converted.journey_id,
        converted.journey_created_at
    from (
        select
            converted_opportunity_id as record_id,
            'opportunity' as record_type,
            lead_id as journey_id,
            created_at as journey_created_at
        from leads
        where converted_opportunity_id is not null
        union all
        select
            converted_contact_id as record_id,
            'contact' as record_type,
            lead_id as journey_id,
            created_at as journey_created_at
        from leads
        where converted_contact_id is not null
    ) as converted
    qualify row_number() over (
            partition by converted.record_id
            order by converted.journey_created_at, converted.journey_id
        ) = 1

),

own_opportunities as (

    select
        opportunities.opportunity_id as record_id,
        'opportunity' as record_type,
        opportunities.opportunity_id as journey_id,
        opportunities.created_at as journey_created_at
    from opportunities
    left join converted_records
        on opportunities.opportunity_id = converted_records.record_id
    where converted_records.record_id is null

),

final as (

    select * from lead_records
    union all
    select * from converted_records
    union all
    select * from own_opportunities

)

select * from final
