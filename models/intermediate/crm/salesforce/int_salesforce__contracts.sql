{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce contracts in the contract's shape (docs/crm_sources.md): the Contract object.
-- The journey is the account's latest journey created on or before the start date (else its
-- first); arr is that journey's won opportunity amount (0 when none); the end date is
-- EndDate, else StartDate + ContractTerm months - 1 day. renewal_status: renewed when the
-- account has another contract starting within 31 days of the end date (renewal_arr is
-- its arr), churned when Status is Expired without one, else open.

with

contracts as (

    select * from {{ ref('stg_salesforce__contract') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunity') }}

),

journeys as (

    select * from {{ ref('int_salesforce__journeys') }}

),

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

terms as (

    select
        contract_id,
        account_id,
        status,
        start_date,
        coalesce(
            end_date,
            cast({{ dbt.dateadd('month', 'cast(contract_term as integer)', 'start_date') }} as date)
            - 1
        ) as end_date,
        source_file_name,
        load_id,
        loaded_at
    from contracts
    where start_date is not null

),

contract_journeys as (

    select
        terms.*,
        journeys.journey_id
    from terms
    inner join journeys
        on terms.account_id = journeys.account_id
    qualify row_number() over (
            partition by terms.contract_id
            order by
                (journeys.created_at <= terms.start_date) desc,
                case when journeys.created_at <= terms.start_date then journeys.created_at end desc,
                journeys.created_at,
                journeys.journey_id asc
        ) = 1

),

won_amounts as (

    select
        journey_records.journey_id,
        sum(opportunities.amount) as amount
    from opportunities
    inner join journey_records
        on opportunities.opportunity_id = journey_records.record_id
        and journey_records.record_type = 'opportunity'
    where opportunities.is_won
    group by journey_records.journey_id

),

priced as (

    select
        contract_journeys.*,
        coalesce(won_amounts.amount, 0) as arr
    from contract_journeys
    left join won_amounts
        on contract_journeys.journey_id = won_amounts.journey_id

),

final as (

    select
        priced.contract_id,
        priced.journey_id,
        priced.account_id,
        case
            when successors.contract_id is not null then 'renewed'
            when lower(priced.status) = 'expired' then 'churned'
            else 'open'
        end as renewal_status,
        priced.arr,
        successors.arr as renewal_arr,
        priced.start_date,
        priced.end_date,
        priced.source_file_name,
        priced.load_id,
        priced.loaded_at

    from priced
    left join priced as successors
        on priced.account_id = successors.account_id
        and priced.contract_id != successors.contract_id
        and successors.start_date between priced.end_date - 31 and priced.end_date + 31
    qualify row_number() over (
            partition by priced.contract_id order by successors.start_date, successors.contract_id
        ) = 1

)

select * from final
