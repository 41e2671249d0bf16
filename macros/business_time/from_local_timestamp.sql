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

{#- Spark: `to_utc_timestamp` (java.time) already moves a wall-clock time in a spring-forward
    gap forward by the gap (the later candidate, as ICU), but gives the earlier instant in a
    fall-back overlap. So the later candidate is tried too: the wall-clock time minus the
    offset in force a day after the earlier candidate (past the overlap, before any next
    transition); it wins when it shows the same wall-clock time, i.e. the time is ambiguous.
    Exact microseconds (unix_micros), like microseconds_between. -#}
{% macro spark__from_local_timestamp(local_ts, timezone) -%}
    {%- set earlier = 'to_utc_timestamp(' ~ local_ts ~ ', ' ~ timezone ~ ')' -%}
    {%- set probe = '(' ~ earlier ~ ' + interval 1 day)' -%}
    {%- set later -%}
        timestamp_micros(unix_micros({{ local_ts }})
            - (unix_micros(from_utc_timestamp({{ probe }}, {{ timezone }})) - unix_micros({{ probe }})))
    {%- endset -%}
    case
        when from_utc_timestamp({{ later }}, {{ timezone }}) = ({{ local_ts }}) then {{ later }}
        else {{ earlier }}
    end
{%- endmacro %}
