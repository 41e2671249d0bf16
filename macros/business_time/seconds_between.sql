{#- Exact seconds from start_at to end_at (fractions kept), for elapsed-time columns. -#}
{% macro seconds_between(start_at, end_at) -%}
    {{ return(adapter.dispatch('seconds_between', 'journey_sla')(start_at, end_at)) }}
{%- endmacro %}

{#- Parenthesised: a following `/ 60` must divide the whole difference. -#}
{% macro default__seconds_between(start_at, end_at) -%}
    (cast({{ journey_sla.microseconds_between(start_at, end_at) }} as {{ journey_sla.stats_double() }}) / 1000000)
{%- endmacro %}

{% macro duckdb__seconds_between(start_at, end_at) -%}
    (epoch({{ end_at }}) - epoch({{ start_at }}))
{%- endmacro %}
