{#- How many rows of the group satisfy a boolean expression (count, so the type is the
    engine's count type, e.g. bigint, not the wider type some engines give sum()). -#}
{% macro stats_count_if(condition) -%}
    count(case when {{ condition }} then 1 end)
{%- endmacro %}
