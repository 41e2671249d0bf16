{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot contract terms in the contract's shape (docs/crm_sources.md): every deal of the
-- renewal pipeline (var crm_hubspot_renewal_pipeline, by pipeline id or label) that belongs
-- to a journey is one term. start_date = the contract_start_date property, else the close
-- date; end_date = contract_end_date, else start + 12 months - 1 day; arr = the amount (0
-- when empty); renewal_status from crm_field_map (deal stage -> renewal_status), else open;
-- renewal_arr = the amount of the journey's next term starting within 31 days of the end.

with

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

journeys as (

    select * from {{ ref('int_hubspot__journeys') }}

),

field_map as (

    select * from {{ ref('crm_field_map') }}
    where crm = 'hubspot' and target = 'renewal_status'

),

terms as (

    select
        deals.deal_id as contract_id,
        journey_records.journey_id,
        journeys.account_id,
        deals.stage_id,
        coalesce(deals.contract_start_date, cast(deals.closed_at as date)) as start_date,
        deals.contract_end_date,
        coalesce(deals.amount, 0) as arr,
        deals.source_file_name,
        deals.load_id,
        deals.loaded_at
    from deals
    inner join journey_records
        on deals.deal_id = journey_records.record_id
        and journey_records.record_type = 'deal'
    inner join journeys
        on journey_records.journey_id = journeys.journey_id
    where journey_records.is_renewal_term

),

dated as (

    select
        terms.* exclude (contract_end_date),
        coalesce(
            terms.contract_end_date,
            cast({{ dbt.dateadd('month', 12, 'terms.start_date') }} as date) - 1
        ) as end_date
    from terms
    where terms.start_date is not null

),

final as (

    select
        dated.contract_id,
        dated.journey_id,
        dated.account_id,
        coalesce(statuses.target_value, 'open') as renewal_status,
        dated.arr,
        successors.arr as renewal_arr,
        dated.start_date,
        dated.end_date,
        dated.source_file_name,
        dated.load_id,
        dated.loaded_at

    from dated
    left join field_map as statuses
        on {{ crm_key('statuses.field') }} = 'dealstage'
        and lower(trim(statuses.value)) = lower(trim(dated.stage_id))
    left join dated as successors
        on dated.journey_id = successors.journey_id
        and dated.contract_id != successors.contract_id
        and successors.start_date between dated.end_date - 31 and dated.end_date + 31
    qualify row_number() over (
            partition by dated.contract_id order by successors.start_date, successors.contract_id
        ) = 1

)

select * from final
