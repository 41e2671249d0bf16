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

{#- PostgreSQL: an interval of whole microseconds (exact below 2^53 microseconds). -#}
{% macro postgres__add_seconds(ts, seconds) -%}
    (({{ ts }}) + round(({{ seconds }}) * 1000000) * interval '1 microsecond')
{%- endmacro %}

{#- Spark: dbt-spark's dateadd works to whole seconds; shift the epoch microseconds. -#}
{% macro spark__add_seconds(ts, seconds) -%}
    timestamp_micros(unix_micros({{ ts }}) + cast(round(({{ seconds }}) * 1000000) as bigint))
{%- endmacro %}
