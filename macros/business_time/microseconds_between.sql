{#- Whole microseconds from start_at to end_at, exact (a bigint), on every engine. Every
    business-time macro measures differences of instants through this one primitive and
    shifts instants through add_seconds. dbt-spark's datediff works to whole seconds (its
    microsecond form returns null without a six-digit fraction) and dbt-postgres' stops at
    the millisecond, so those engines get their own versions. -#}
{% macro microseconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('microseconds_between', 'journey_sla')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__microseconds_between(start_at, end_at) -%}
    {{ dbt.datediff(start_at, end_at, 'microsecond') }}
{%- endmacro %}

{% macro postgres__microseconds_between(start_at, end_at) -%}
    cast(extract(epoch from (({{ end_at }}) - ({{ start_at }}))) * 1000000 as bigint)
{%- endmacro %}

{% macro spark__microseconds_between(start_at, end_at) -%}
    (unix_micros({{ end_at }}) - unix_micros({{ start_at }}))
{%- endmacro %}
