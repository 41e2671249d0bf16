{#- Aggregate: the non-null values of `expression` joined by `delimiter` (a SQL string
    literal) in ascending order of the values themselves, so the text is the same whatever
    order the rows arrive in. Spark's string_agg takes no ORDER BY (dbt-spark's listagg
    ignores it): the collected values are sorted instead. -#}
{% macro sorted_string_agg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'journey_sla')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) -%}
    string_agg({{ expression }}, {{ delimiter }} order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, delimiter) -%}
    array_join(array_sort(collect_list({{ expression }})), {{ delimiter }})
{%- endmacro %}
