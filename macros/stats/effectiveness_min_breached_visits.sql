{% macro effectiveness_min_breached_visits() -%}
    {{ return(var('effectiveness_min_breached_visits', 30)) }}
{%- endmacro %}
