{#- 1 when a boolean expression is true, else 0 (null and false alike), for sum(). -#}
{% macro stats_flag(condition) -%}
    case when {{ condition }} then 1 else 0 end
{%- endmacro %}
