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
    {#- Parenthesised: `d + interval '9 hours' at time zone z` would bind to the interval. #}
    ((({{ local_ts }}) at time zone {{ timezone }}) at time zone 'UTC')
{%- endmacro %}

{#- Spark: a wall-clock time in a spring-forward gap moves forward by the gap (the later
    candidate, as ICU); one in a fall-back overlap takes the earlier offset (java.time),
    where ICU takes the later: opening hours never start or end inside that hour here. -#}
{% macro spark__from_local_timestamp(local_ts, timezone) -%}
    to_utc_timestamp({{ local_ts }}, {{ timezone }})
{%- endmacro %}
