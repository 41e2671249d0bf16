{#- The ISO 8601 week of a UTC timestamp or date as text, 'YYYY-Www' (e.g. '2026-W21'): the
    ISO week-numbering year, which differs from the calendar year around New Year (2027-01-01
    is in 2026-W53, 2025-12-29 in 2026-W01), and the week number zero-padded to two digits. -#}
{% macro iso_week_label(expression) -%}
    {{ return(adapter.dispatch('iso_week_label', 'journey_sla')(expression)) }}
{%- endmacro %}

{% macro duckdb__iso_week_label(expression) -%}
    strftime(cast({{ expression }} as date), '%G-W%V')
{%- endmacro %}

{% macro postgres__iso_week_label(expression) -%}
    to_char(cast({{ expression }} as date), 'IYYY-"W"IW')
{%- endmacro %}

{% macro spark__iso_week_label(expression) -%}
    {#- weekofyear is the ISO week; the ISO year is the calendar year of the week's Thursday. -#}
    concat(
        cast(year(date_add({{ journey_sla.iso_week_start_date(expression) }}, 3)) as string),
        '-W',
        lpad(cast(weekofyear(cast({{ expression }} as date)) as string), 2, '0')
    )
{%- endmacro %}

{% macro default__iso_week_label(expression) -%}
    {#- From the week's Thursday: its calendar year is the ISO year, and its day of that year
        (0-based) integer-divided by 7, plus 1, is the ISO week number. -#}
    {%- set thursday = dbt.dateadd('day', 3, journey_sla.iso_week_start_date(expression)) -%}
    {{ dbt.concat([
        "cast(extract(year from " ~ thursday ~ ") as " ~ dbt.type_string() ~ ")",
        "'-W'",
        "lpad(cast(cast(floor(" ~ dbt.datediff(dbt.date_trunc('year', thursday), thursday, 'day')
            ~ " / 7) + 1 as integer) as " ~ dbt.type_string() ~ "), 2, '0')",
    ]) }}
{%- endmacro %}
