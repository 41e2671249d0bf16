{#-
    Small engine-specific building blocks of business time. Every timezone conversion and
    every sub-second timestamp shift in the project goes through these, so porting the
    engine to another warehouse means overriding these macros and nothing else.

    Timestamps are naive `timestamp`s holding UTC (the profile pins the session to UTC);
    local timestamps are naive `timestamp`s holding wall-clock time in a named IANA zone.
-#}

{#- UTC instant -> wall-clock time in `timezone` (an IANA name, SQL expression). -#}
{% macro to_local_timestamp(ts, timezone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'journey_sla')(ts, timezone)) }}
{%- endmacro %}

{% macro duckdb__to_local_timestamp(ts, timezone) -%}
    timezone({{ timezone }}, timezone('UTC', {{ ts }}))
{%- endmacro %}

{% macro default__to_local_timestamp(ts, timezone) -%}
    (({{ ts }} at time zone 'UTC') at time zone {{ timezone }})
{%- endmacro %}


{#- Wall-clock time in `timezone` -> UTC instant. A wall-clock time that does not exist
    (spring-forward gap) or exists twice (fall-back overlap) resolves to the later of the
    two candidate instants: ICU's rule, mirrored by tests/reference/business_time.py. -#}
{% macro from_local_timestamp(local_ts, timezone) -%}
    {{ return(adapter.dispatch('from_local_timestamp', 'journey_sla')(local_ts, timezone)) }}
{%- endmacro %}

{% macro duckdb__from_local_timestamp(local_ts, timezone) -%}
    timezone('UTC', timezone({{ timezone }}, {{ local_ts }}))
{%- endmacro %}

{% macro default__from_local_timestamp(local_ts, timezone) -%}
    (({{ local_ts }} at time zone {{ timezone }}) at time zone 'UTC')
{%- endmacro %}


{#- `ts` shifted by a possibly fractional number of seconds, kept to the microsecond
    (dbt.dateadd casts its amount to an integer, which would drop the fraction). -#}
{% macro add_seconds(ts, seconds) -%}
    {{ return(adapter.dispatch('add_seconds', 'journey_sla')(ts, seconds)) }}
{%- endmacro %}

{% macro duckdb__add_seconds(ts, seconds) -%}
    ({{ ts }} + to_microseconds(cast(round(({{ seconds }}) * 1000000) as bigint)))
{%- endmacro %}

{% macro default__add_seconds(ts, seconds) -%}
    {{ dbt.dateadd('microsecond', 'round((' ~ seconds ~ ') * 1000000)', ts) }}
{%- endmacro %}


{#- ISO weekday of a date: 1 = Monday .. 7 = Sunday, the numbering of the
    business_calendars seed. -#}
{% macro iso_weekday(date_expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'journey_sla')(date_expression)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(date_expression) -%}
    isodow({{ date_expression }})
{%- endmacro %}

{% macro default__iso_weekday(date_expression) -%}
    {#- `dow` numbering differs by engine; days since a known Monday (1900-01-01) does not. -#}
    (mod({{ dbt.datediff("cast('1900-01-01' as date)", date_expression, 'day') }}, 7) + 1)
{%- endmacro %}


{#- Minutes after local midnight of an 'HH:MM' string ('24:00' = 1440, the end of the
    day). The seed tests reject anything else before a model reads it. -#}
{% macro hhmm_to_minutes(hhmm) -%}
    (
        cast({{ dbt.split_part(hhmm, "':'", 1) }} as integer) * 60
        + cast({{ dbt.split_part(hhmm, "':'", 2) }} as integer)
    )
{%- endmacro %}


{#- One row per date from `start_date_column` to `end_date_column` (inclusive) of the
    single-row relation `date_range`, as column `local_date`. -#}
{% macro calendar_date_series(date_range, start_date_column='start_date', end_date_column='end_date') -%}
    {{ return(adapter.dispatch('calendar_date_series', 'journey_sla')(date_range, start_date_column, end_date_column)) }}
{%- endmacro %}

{% macro duckdb__calendar_date_series(date_range, start_date_column, end_date_column) -%}
    select
        cast(
            unnest(generate_series({{ start_date_column }}, {{ end_date_column }}, interval 1 day))
            as date
        ) as local_date

    from {{ date_range }}
{%- endmacro %}

{% macro default__calendar_date_series(date_range, start_date_column, end_date_column) -%}
    {#- Five cross-joined digit tables count 0..99 999 days (273 years) without needing the
        range's length at compile time, which dbt.date_spine would. -#}
    select
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', date_range ~ '.' ~ start_date_column) }} as date) as local_date

    from {{ date_range }}
    cross join (
        select
            {%- for power in range(5) %}
            digits_{{ power }}.digit * {{ 10 ** power }}{{ ' +' if not loop.last }}
            {%- endfor %} as day_offset

        from
            {%- for power in range(5) %}
            (
                {%- for digit in range(10) %}
                select {{ digit }} as digit{{ ' union all' if not loop.last }}
                {%- endfor %}
            ) as digits_{{ power }}{{ ',' if not loop.last }}
            {%- endfor %}
    ) as day_offsets
    where day_offsets.day_offset <= {{ dbt.datediff(date_range ~ '.' ~ start_date_column, date_range ~ '.' ~ end_date_column, 'day') }}
{%- endmacro %}
