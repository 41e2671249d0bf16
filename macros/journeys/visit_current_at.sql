{#- The stage visit current at instant_at: entered at or before it and not yet exited. A visit
    exits when the next one is entered, so exactly one visit (the latest entered) matches
    any instant at or after the journey's first stage event. -#}
{% macro visit_current_at(visits, instant_at) -%}
    ({{ visits }}.entered_at <= {{ instant_at }}
        and ({{ instant_at }} < {{ visits }}.exited_at or {{ visits }}.exited_at is null))
{%- endmacro %}
