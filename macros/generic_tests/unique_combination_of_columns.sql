{#- Fails with the duplicated key values when a set of columns is not unique together
    (the same test as dbt_utils', kept here so the project needs no package download). -#}
{% test unique_combination_of_columns(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as duplicate_rows

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
