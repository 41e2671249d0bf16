{#- How many days back a breach still asks for action (var, default 14). -#}
{% macro action_queue_breach_window_days() -%}
    {{ var('action_queue_breach_window_days', 14) | int }}
{%- endmacro %}
