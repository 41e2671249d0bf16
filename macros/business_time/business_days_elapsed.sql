{#-
    Elapsed time in whole business days, measured the way a `business_days` target is
    (docs/sla_semantics.md, "Time units"): the smallest N >= 1 such that a "within N business
    days" deadline set at `start_column` is met at `end_column`. With day 0 = the local date
    of the start and bdn = int_calendar_days.business_day_number (business days up to and
    including a date):

        N = max(1, bdn(end date) - bdn(start date)
                   + 0 if the end date is a business day and end <= its last closing time
                   + 1 otherwise)

    so `end <= due_at(N)` holds exactly when N >= the returned value. Returns
    `select <relation>.*, <output_column>` (a CTE body, like the business_time macros); null
    when either instant is null or falls outside int_calendar_days' range, or the calendar
    is unknown. The timezone conversion dispatches (journey_sla.to_local_timestamp).
-#}
{% macro business_days_elapsed(relation, calendar_column, start_column, end_column, output_column) -%}
    {{ return(adapter.dispatch('business_days_elapsed', 'journey_sla')(relation, calendar_column, start_column, end_column, output_column)) }}
{%- endmacro %}


{% macro default__business_days_elapsed(relation, calendar_column, start_column, end_column, output_column) -%}
    {%- set calendar_days = ref('int_calendar_days') -%}
    select
        business_days_input.*,
        case
            when business_days_start_day.business_day_number is null
                or business_days_end_day.business_day_number is null then null
            when business_days_end_day.business_day_number - business_days_start_day.business_day_number
                + case
                    when business_days_end_day.is_business_day
                        and business_days_input.{{ end_column }} <= business_days_end_day.last_closes_at
                        then 0
                    else 1
                end < 1 then 1
            else business_days_end_day.business_day_number - business_days_start_day.business_day_number
                + case
                    when business_days_end_day.is_business_day
                        and business_days_input.{{ end_column }} <= business_days_end_day.last_closes_at
                        then 0
                    else 1
                end
        end as {{ output_column }}

    from {{ relation }} as business_days_input
    left join (
        select distinct
            calendar_id,
            timezone

        from {{ calendar_days }}
    ) as business_days_calendar
        on business_days_input.{{ calendar_column }} = business_days_calendar.calendar_id
    left join {{ calendar_days }} as business_days_start_day
        on business_days_calendar.calendar_id = business_days_start_day.calendar_id
        and cast({{ journey_sla.to_local_timestamp('business_days_input.' ~ start_column, 'business_days_calendar.timezone') }} as date)
            = business_days_start_day.local_date
    left join {{ calendar_days }} as business_days_end_day
        on business_days_calendar.calendar_id = business_days_end_day.calendar_id
        and cast({{ journey_sla.to_local_timestamp('business_days_input.' ~ end_column, 'business_days_calendar.timezone') }} as date)
            = business_days_end_day.local_date
{%- endmacro %}
