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
    ((({{ ts }}) at time zone 'UTC') at time zone {{ timezone }})
{%- endmacro %}

{#- Spark has no AT TIME ZONE; its timestamps are instants shown in the session zone (UTC). -#}
{% macro spark__to_local_timestamp(ts, timezone) -%}
    from_utc_timestamp({{ ts }}, {{ timezone }})
{%- endmacro %}
