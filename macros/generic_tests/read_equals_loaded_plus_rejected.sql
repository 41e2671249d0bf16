{#- Every row the loader read is accounted for: read = loaded + rejected. -#}
{% test read_equals_loaded_plus_rejected(model) %}

select *
from {{ model }}
where rows_read != rows_loaded + rows_rejected

{% endtest %}
