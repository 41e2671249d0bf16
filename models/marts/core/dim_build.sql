-- Exactly one row describing this build: the as_of its clocks are evaluated at and where it
-- came from, the input (extract or a CRM, and the CRM mapping's version), the conversion
-- window, the calendar range, the data's first month and the last load — what every page
-- and export states beside its numbers.
{%- set crm_record_url = (var('crm_record_url', '') or '') | replace("'", "''") %}
with

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

calendar_days as (

    select * from {{ ref('int_calendar_days') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

load_log as (

    select * from {{ ref('mart_load_log') }}

),

mapping as (

    select * from {{ ref('int_crm_mapping_version') }}

),

calendar_range as (

    select
        min(local_date) as calendar_start_date,
        max(local_date) as calendar_end_date

    from calendar_days

),

data_range as (

    -- The first month a funnel stage was entered: where the monthly marts begin.
    select cast({{ dbt.date_trunc('month', 'min(entered_at)') }} as date) as first_month_date
    from visits
    where not is_closing

),

loads as (

    select
        max(loaded_at) as last_loaded_at,
        count(distinct load_id) as loads

    from load_log

),

final as (

    select
        mapping.source_kind,
        mapping.mapping_version,
        as_of.as_of_source,
        as_of.is_as_of_given,
        cast({{ var('conversion_window_days', 90) }} as integer) as conversion_window_days,
        -- The app links journey ids to the CRM record through this template ({journey_id}).
        cast(
            nullif(trim('{{ crm_record_url }}'), '') as {{ dbt.type_string() }}
        ) as crm_record_url,
        loads.loads,
        data_range.first_month_date,
        calendar_range.calendar_start_date,
        calendar_range.calendar_end_date,
        as_of.as_of,
        loads.last_loaded_at

    from as_of
    cross join calendar_range
    cross join data_range
    cross join loads
    cross join mapping

)

select * from final
