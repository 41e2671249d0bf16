{#- numerator / denominator as a 64-bit float; null when the denominator is 0 or null. -#}
{% macro stats_ratio(numerator, denominator) -%}
    (cast({{ numerator }} as {{ journey_sla.stats_double() }}) / nullif(cast({{ denominator }} as {{ journey_sla.stats_double() }}), 0))
{%- endmacro %}
