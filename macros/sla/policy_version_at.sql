{#- The one rule that picks a policy's version for a clock (docs/sla_semantics.md, "Policy
    versions"): the version whose half-open range [effective_from, effective_to) holds the
    clock's start; an empty effective_to is open-ended. Use as a join condition. -#}
{% macro policy_version_at(versions, policy_id_column, instant) -%}
    ({{ versions }}.policy_id = {{ policy_id_column }}
    and {{ versions }}.effective_from <= {{ instant }}
    and ({{ instant }} < {{ versions }}.effective_to or {{ versions }}.effective_to is null))
{%- endmacro %}
