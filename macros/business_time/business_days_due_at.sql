{#-
    Due time of a "within N business days" commitment: the closing time of the last open
    interval of the N-th business day after the start's local date.

    Returns `select <relation>.*, <output_column>` (a CTE body):
      - day 0 is the local date of `start_column` in the calendar's timezone, whether or not
        it is a business day (a clock started on Saturday with N = 1 is due at Monday's
        close; one started Monday 08:00 or 20:00 is due at Tuesday's close);
      - the due day is the business day whose business_day_number is day 0's plus N; since
        business_day_number counts business days up to and including a date, this skips
        weekends and holidays by equality joins only;
      - null when N is null, below 1 or not a whole number, when day 0 or the due day lies
        outside int_calendar_days' range, when the start is null or the calendar is unknown.

    No engine-specific join is needed, so there is only a default__ implementation (the
    timezone conversion inside it dispatches). The macro refs int_calendar_days itself (see
    open_seconds_at).
-#}
{% macro business_days_due_at(relation, calendar_column, start_column, days_column, output_column) -%}
    {{ return(adapter.dispatch('business_days_due_at', 'journey_sla')(relation, calendar_column, start_column, days_column, output_column)) }}
{%- endmacro %}


{% macro default__business_days_due_at(relation, calendar_column, start_column, days_column, output_column) -%}
    {%- set calendar_days = ref('int_calendar_days') -%}
    select
        business_time_input.*,
        business_time_due_day.last_closes_at as {{ output_column }}

    from {{ relation }} as business_time_input
    left join (
        select distinct
            calendar_id,
            timezone

        from {{ calendar_days }}
    ) as business_time_calendar
        on business_time_input.{{ calendar_column }} = business_time_calendar.calendar_id
    left join {{ calendar_days }} as business_time_start_day
        on business_time_calendar.calendar_id = business_time_start_day.calendar_id
        and cast({{ journey_sla.to_local_timestamp('business_time_input.' ~ start_column, 'business_time_calendar.timezone') }} as date)
            = business_time_start_day.local_date
    left join {{ calendar_days }} as business_time_due_day
        on business_time_start_day.calendar_id = business_time_due_day.calendar_id
        and business_time_start_day.business_day_number + business_time_input.{{ days_column }}
            = business_time_due_day.business_day_number
        and business_time_due_day.is_business_day
        and business_time_input.{{ days_column }} >= 1
{%- endmacro %}
