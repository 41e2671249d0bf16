{#- The columns of a built relation, in their order, without the listed ones: for a mart that
    publishes one slice of an intermediate model without repeating its column list. Resolved
    when dbt executes (the relation exists by then); '*' while dbt only parses. -#}
{% macro star_except(relation, except) -%}
    {%- if not execute -%}
        *
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(relation) -%}
        {%- set kept = [] -%}
        {%- for column in columns if column.name | lower not in except -%}
            {%- do kept.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {{ kept | join(',\n        ') }}
    {%- endif -%}
{%- endmacro %}
