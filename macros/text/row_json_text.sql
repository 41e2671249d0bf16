{#- A whole row of the relation aliased `alias` as JSON text, e.g. for hashing a seed's
    rows. DuckDB and PostgreSQL turn a row into JSON as it is; Spark needs it as a struct.
    The text differs between engines (key order and number format are each engine's own). -#}
{% macro row_json_text(alias) -%}
    {{ return(adapter.dispatch('row_json_text', 'journey_sla')(alias)) }}
{%- endmacro %}

{% macro default__row_json_text(alias) -%}
    cast(to_json({{ alias }}) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__row_json_text(alias) -%}
    to_json(struct({{ alias }}.*))
{%- endmacro %}
