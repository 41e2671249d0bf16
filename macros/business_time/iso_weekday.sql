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
