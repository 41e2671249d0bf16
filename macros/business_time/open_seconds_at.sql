{#-
    F(at): the open seconds a business calendar has accumulated up to an instant, counted
    from the calendar's first open interval (int_calendar_open_intervals). Elapsed business
    time between two instants is F(end) - F(start); a due time is the instant at which F
    reaches F(start) + budget (instant_at_open_seconds).

    Returns `select <relation>.*, <output_column>` (a CTE body) with output_column =
        cumulative_seconds_before + clamp(at - opens_at, 0, open_seconds)
    of the calendar's last interval with opens_at <= at, as double precision seconds kept to
    the microsecond:
      - inside an interval, F grows with the clock; at a closing time and until the next
        opening it stays at that interval's cumulative_seconds_after;
      - before the calendar's first interval it is 0;
      - after the last interval it stays at the calendar's total (int_calendar_days'
        range covers every loaded instant; assert_calendar_range_covers_loaded_data fails
        the build when it does not);
      - null when `at` is null or the calendar is unknown (map territories to calendars,
        unmapped ones to `default`, before calling).

    The macro refs int_calendar_open_intervals itself; dbt records that dependency when it
    parses the calling model, so no `-- depends_on` hint is needed.
-#}
{% macro open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {{ return(adapter.dispatch('open_seconds_at', 'journey_sla')(relation, calendar_column, at_column, output_column)) }}
{%- endmacro %}


{#- F from the matched interval, in whole microseconds until the final division so that
    F(end) - F(start) is exact and round-trips through instant_at_open_seconds. -#}
{% macro _open_seconds_from_interval(input_alias, interval_alias, intervals, calendar_column, at_column) -%}
    case
        when {{ interval_alias }}.calendar_id is not null
            then cast(
                {{ interval_alias }}.cumulative_seconds_before * 1000000
                + case
                    when {{ input_alias }}.{{ at_column }} >= {{ interval_alias }}.closes_at
                        then {{ interval_alias }}.open_seconds * 1000000
                    else {{ dbt.datediff(interval_alias ~ '.opens_at', input_alias ~ '.' ~ at_column, 'microsecond') }}
                end
                as double precision
            ) / 1000000
        {#- no interval opened yet: zero open time has accrued, unless the calendar does not exist #}
        when {{ input_alias }}.{{ at_column }} is not null
            and {{ input_alias }}.{{ calendar_column }} in (select calendar_id from {{ intervals }})
            then cast(0 as double precision)
    end
{%- endmacro %}


{#- DuckDB: one ASOF probe per row, partitioned by calendar. Folding the calendar into a
    single numeric ASOF key was measured (tests/test_business_time.py, benchmark) and not
    adopted: see the decision there. -#}
{% macro duckdb__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.*,
        {{ journey_sla._open_seconds_from_interval('business_time_input', 'business_time_interval', intervals, calendar_column, at_column) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    asof left join {{ intervals }} as business_time_interval
        on business_time_input.{{ calendar_column }} = business_time_interval.calendar_id
        and business_time_input.{{ at_column }} >= business_time_interval.opens_at
{%- endmacro %}


{#- Portable: each interval owns [opens_at, next_opens_at), so a plain range join matches at
    most one interval per row (the calendar's last interval owns everything after it). -#}
{% macro default__open_seconds_at(relation, calendar_column, at_column, output_column) -%}
    {%- set intervals = ref('int_calendar_open_intervals') -%}
    select
        business_time_input.*,
        {{ journey_sla._open_seconds_from_interval('business_time_input', 'business_time_interval', intervals, calendar_column, at_column) }} as {{ output_column }}

    from {{ relation }} as business_time_input
    left join {{ intervals }} as business_time_interval
        on business_time_input.{{ calendar_column }} = business_time_interval.calendar_id
        and business_time_input.{{ at_column }} >= business_time_interval.opens_at
        and (
            business_time_input.{{ at_column }} < business_time_interval.next_opens_at
            or business_time_interval.next_opens_at is null
        )
{%- endmacro %}
