{#- The Monday (a date) that starts the ISO 8601 week of a UTC timestamp or date. -#}
{% macro iso_week_start_date(expression) -%}
    {{ return(adapter.dispatch('iso_week_start_date', 'journey_sla')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_week_start_date(expression) -%}
    cast(date_trunc('week', cast({{ expression }} as date)) as date)
{%- endmacro %}

{% macro postgres__iso_week_start_date(expression) -%}
    cast(date_trunc('week', cast({{ expression }} as date)) as date)
{%- endmacro %}

{% macro spark__iso_week_start_date(expression) -%}
    cast(date_trunc('WEEK', cast({{ expression }} as date)) as date)
{%- endmacro %}

{% macro default__iso_week_start_date(expression) -%}
    {#- Back from the date to its Monday by the ISO weekday (1 = Monday). -#}
    cast({{ dbt.dateadd(
        'day',
        '1 - ' ~ journey_sla.iso_weekday('cast(' ~ expression ~ ' as date)'),
        'cast(' ~ expression ~ ' as date)'
    ) }} as date)
{%- endmacro %}
