{#- True when the whole of `expression` matches the regular expression `pattern` (a SQL
    string literal), null when `expression` is null. -#}
{% macro full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('full_match', 'journey_sla')(expression, pattern)) }}
{%- endmacro %}

{% macro duckdb__full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro postgres__full_match(expression, pattern) -%}
    ({{ expression }} ~ ('^(?:' || {{ pattern }} || ')$'))
{%- endmacro %}

{% macro spark__full_match(expression, pattern) -%}
    ({{ expression }} rlike concat('^(?:', {{ pattern }}, ')$'))
{%- endmacro %}

{% macro default__full_match(expression, pattern) -%}
    regexp_like({{ expression }}, '^(?:' || {{ pattern }} || ')$')
{%- endmacro %}
