{#- True when a policy's `*`-or-value field accepts the journey's value. -#}
{% macro wildcard_matches(policy_column, value_column) -%}
    ({{ policy_column }} = '*' or {{ policy_column }} = {{ value_column }})
{%- endmacro %}
