{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce contracts in the contract's shape (docs/crm_sources.md): the Contract object,
-- plus a won opportunity with a term (ContractTerm months) that no Contract covers. A
-- Contract's journey is that of the opportunity naming it (Opportunity.ContractId), else the
-- account's latest journey created on or before the start date (else its first); arr is
-- that journey's won opportunity amount (0 when none); the end date is EndDate, else
-- StartDate + ContractTerm months - 1 day. When both exist the Contract wins: a won
-- opportunity makes a contract only when no Contract names it and none of its account
-- starts within 31 days of its CloseDate (then start = CloseDate, arr = Amount).
-- renewal_status: renewed when the account has another contract starting within 31 days of
-- the end date (renewal_arr is its arr), churned when Status is Expired without one, else
-- open.

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

opportunity_journeys as (

    select
        opportunities.opportunity_id,
        opportunities.contract_id,
        opportunities.account_id,
        opportunities.amount,
        opportunities.close_date,
        opportunities.contract_term_months,
        opportunities.is_won,
        opportunities.source_file_name,
        opportunities.load_id,
        opportunities.loaded_at,
        journey_records.journey_id
    from opportunities
    inner join journey_records
        on opportunities.opportunity_id = journey_records.record_id
        and journey_records.record_type = 'opportunity'

),

contract_journeys as (

    select
        terms.*,
        coalesce(named_by.journey_id, journeys.journey_id) as journey_id
    from terms
    inner join journeys
        on terms.account_id = journeys.account_id
    left join opportunity_journeys as named_by
        on terms.contract_id = named_by.contract_id
    qualify row_number() over (
            partition by terms.contract_id
            order by
                named_by.opportunity_id,
                (journeys.created_at <= terms.start_date) desc,
                case when journeys.created_at <= terms.start_date then journeys.created_at end desc,
                journeys.created_at,
                journeys.journey_id asc
        ) = 1

),

won_amounts as (

    select
        journey_id,
        sum(amount) as amount
    from opportunity_journeys
    where is_won
    group by journey_id

),

opportunity_terms as (

    -- A won opportunity with a term that no Contract covers (the Contract wins).
    select
        'opportunity:' || opportunity_journeys.opportunity_id as contract_id,
        opportunity_journeys.account_id,
        cast(null as {{ dbt.type_string() }}) as status,
        opportunity_journeys.close_date as start_date,
        cast({{ dbt.dateadd(
            'month', 'cast(opportunity_journeys.contract_term_months as integer)',
            'opportunity_journeys.close_date'
        ) }} as date) - 1 as end_date,
        opportunity_journeys.source_file_name,
        opportunity_journeys.load_id,
        opportunity_journeys.loaded_at,
        opportunity_journeys.journey_id,
        coalesce(opportunity_journeys.amount, 0) as arr
    from opportunity_journeys
    where
        opportunity_journeys.is_won
        and opportunity_journeys.contract_term_months > 0
        and opportunity_journeys.close_date is not null
        and opportunity_journeys.account_id is not null
        and opportunity_journeys.contract_id is null
        and not exists (
            select 1
            from terms
            where
                terms.account_id = opportunity_journeys.account_id
                and terms.start_date between opportunity_journeys.close_date - 31
                and opportunity_journeys.close_date + 31
        )

),

priced as (

    select
        contract_journeys.*,
        coalesce(won_amounts.amount, 0) as arr
    from contract_journeys
    left join won_amounts
        on contract_journeys.journey_id = won_amounts.journey_id
    union all
    select
        contract_id,
        account_id,
        status,
        start_date,
        end_date,
        source_file_name,
        load_id,
        loaded_at,
        journey_id,
        arr
    from opportunity_terms

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
