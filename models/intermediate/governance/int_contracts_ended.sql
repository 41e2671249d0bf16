-- Contracts whose term ended by as_of with a known outcome (renewed or churned), by month
-- of the end date: the base of the renewal rate and net revenue retention KPIs.
with

contracts as (

    select * from {{ ref('int_crm__contracts') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

final as (

    select
        contracts.contract_id,
        contracts.journey_id,
        contracts.renewal_status,
        contracts.arr,
        contracts.renewal_arr,
        contracts.end_date,
        cast({{ dbt.date_trunc('month', 'contracts.end_date') }} as date) as end_month_date

    from contracts
    cross join as_of
    where contracts.renewal_status in ('renewed', 'churned')
        and contracts.end_date <= cast(as_of.as_of as date)

)

select * from final
