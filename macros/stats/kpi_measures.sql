{#- The measure columns every mart_stage_kpis row carries, in its contract's order: the kpi
    and its unit, the value, the numerator and denominator of a rate (null otherwise), how
    many observations it rests on and how many visits were left out as immature. -#}
{% macro kpi_measures(kpi, value_unit, value, observations, numerator=none, denominator=none, immature_visits=none) -%}
        '{{ kpi }}' as kpi,
        '{{ value_unit }}' as value_unit,
        {{ value }} as value,
        cast({{ numerator if numerator is not none else 'null' }} as {{ stats_double() }}) as numerator,
        cast({{ denominator if denominator is not none else 'null' }} as {{ stats_double() }}) as denominator,
        {{ observations }} as observations,
        cast({{ immature_visits if immature_visits is not none else 'null' }} as {{ dbt.type_bigint() }}) as immature_visits
{%- endmacro %}
