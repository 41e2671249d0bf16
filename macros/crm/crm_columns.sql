{#- The listed columns of a CRM source table, cast, renamed, NULL when the table lacks one:
    the loader writes only the columns a file had, and a Fivetran schema holds what the
    connector syncs (as Fivetran's fill_staging_columns does). columns: a list of
    [source column, type, name in staging]. -#}
{% macro crm_columns(relation, columns) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for source_name, data_type, name in columns %}
        {%- if source_name in present %}
            cast({{ adapter.quote(source_name) }} as {{ data_type }}) as {{ name }}
        {%- else %}
            cast(null as {{ data_type }}) as {{ name }}
        {%- endif %}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
