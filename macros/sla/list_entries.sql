{#- The entries of a `|` list column, one row per entry: the carried columns, entry_number
    (1, 2, … in list order) and entry_text (trimmed; null for an empty entry). Lists hold at
    most var('checkpoint_max_listed') entries (the seed check fails a longer one by name), so
    the split is unrolled over literal positions: dbt.split_part needs a literal part number
    on Spark. Returns a union of selects, the body of a CTE. -#}
{% macro list_entries(relation, list_column, carried_columns) -%}
    {%- for entry_number in range(1, var('checkpoint_max_listed') + 1) %}
    select
        {%- for column in carried_columns %}
        {{ column }},
        {%- endfor %}
        {{ entry_number }} as entry_number,
        nullif(trim({{ dbt.split_part(list_column, "'|'", entry_number) }}), '') as entry_text

    from {{ relation }}
    where {{ list_column }} is not null
        and {{ entry_number }} <= {{ dbt.length(list_column) }}
            - {{ dbt.length("replace(" ~ list_column ~ ", '|', '')") }} + 1
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
