{#- The ownership interval of int_owner_history in force at instant_at (docs/sla_semantics.md,
    "Owners"): the latest assignment at or before the instant. Every consumer of ownership
    joins the history with this condition, so the rule is written once. -#}
{% macro owner_valid_at(owner_history, instant_at) -%}
    ({{ instant_at }} >= {{ owner_history }}.valid_from
        and ({{ instant_at }} < {{ owner_history }}.valid_to or {{ owner_history }}.valid_to is null))
{%- endmacro %}
