{#- True when `timezone` names a time zone the engine converts with. DuckDB and PostgreSQL
    list theirs (pg_timezone_names); Spark has no such list, so there the check is the
    shape of an IANA name (Area/Location) and Spark's own conversion must not return null. -#}
{% macro is_known_timezone(timezone) -%}
    {{ return(adapter.dispatch('is_known_timezone', 'journey_sla')(timezone)) }}
{%- endmacro %}

{% macro default__is_known_timezone(timezone) -%}
    ({{ timezone }} in (select name from pg_timezone_names()))
{%- endmacro %}

{% macro spark__is_known_timezone(timezone) -%}
    (
        ({{ timezone }} = 'UTC' or {{ timezone }} rlike '^[A-Za-z]+(/[A-Za-z0-9_+-]+)+$')
        and from_utc_timestamp(timestamp '2025-01-01 00:00:00', {{ timezone }}) is not null
    )
{%- endmacro %}
