{#- A bigint unique within one query's result, without a global sort: a join key inside
    one build, never an id to keep. `row_number() over ()` where the engine allows a window
    without an order; Spark requires one and offers monotonically_increasing_id() instead. -#}
{% macro surrogate_row_key() -%}
    {{ return(adapter.dispatch('surrogate_row_key', 'journey_sla')()) }}
{%- endmacro %}

{% macro default__surrogate_row_key() -%}
    row_number() over ()
{%- endmacro %}

{% macro spark__surrogate_row_key() -%}
    monotonically_increasing_id()
{%- endmacro %}
