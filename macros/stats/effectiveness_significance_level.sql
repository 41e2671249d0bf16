{% macro effectiveness_significance_level() -%}
    {{ return(var('effectiveness_significance_level', 0.05)) }}
{%- endmacro %}
