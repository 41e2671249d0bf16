{#- One row per date from `start_date_column` to `end_date_column` (inclusive) of the
    single-row relation `date_range`, as column `local_date`. -#}
{% macro calendar_date_series(date_range, start_date_column='start_date', end_date_column='end_date') -%}
    {{ return(adapter.dispatch('calendar_date_series', 'journey_sla')(date_range, start_date_column, end_date_column)) }}
{%- endmacro %}

{% macro duckdb__calendar_date_series(date_range, start_date_column, end_date_column) -%}
    select
        cast(
            unnest(generate_series({{ start_date_column }}, {{ end_date_column }}, interval 1 day))
            as date
        ) as local_date

    from {{ date_range }}
{%- endmacro %}

{% macro default__calendar_date_series(date_range, start_date_column, end_date_column) -%}
    {#- Five cross-joined digit tables count 0..99 999 days (273 years) without needing the
        range's length at compile time, which dbt.date_spine would. -#}
    select
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', date_range ~ '.' ~ start_date_column) }} as date) as local_date

    from {{ date_range }}
    cross join (
        select
            {%- for power in range(5) %}
            digits_{{ power }}.digit * {{ 10 ** power }}{{ ' +' if not loop.last }}
            {%- endfor %} as day_offset

        from
            {%- for power in range(5) %}
            (
                {%- for digit in range(10) %}
                select {{ digit }} as digit{{ ' union all' if not loop.last }}
                {%- endfor %}
            ) as digits_{{ power }}{{ ',' if not loop.last }}
            {%- endfor %}
    ) as day_offsets
    where day_offsets.day_offset <= {{ dbt.datediff(date_range ~ '.' ~ start_date_column, date_range ~ '.' ~ end_date_column, 'day') }}
{%- endmacro %}
