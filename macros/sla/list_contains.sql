{#-
    True when value is one of the `|`-separated entries of list_column (policy seeds hold
    lists such as 'call|email'); an empty (null) list means "any value".
    Written with LIKE on delimited strings so it runs on every engine, not only DuckDB.
-#}
{% macro list_contains(list_column, value_column) -%}
    ({{ list_column }} is null
        or {{ dbt.concat(["'|'", list_column, "'|'"]) }}
            like {{ dbt.concat(["'%|'", "coalesce(" ~ value_column ~ ", '')", "'|%'"]) }})
{%- endmacro %}
