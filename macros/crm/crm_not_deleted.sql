{#- A condition leaving out rows the CRM deleted (is_deleted, Fivetran's _fivetran_deleted),
    for whichever of those columns the source table has; the loader already left them out. -#}
{% macro crm_not_deleted(relation) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    true
    {%- for flag in ['is_deleted', '_fivetran_deleted'] if flag in present %}
        and not coalesce(cast({{ adapter.quote(flag) }} as boolean), false)
    {%- endfor %}
{%- endmacro %}
