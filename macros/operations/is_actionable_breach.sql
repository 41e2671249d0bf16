{#-
    True when a breach still asks for action (docs/sla_semantics.md, "Actionable"): the journey
    is still in the clocked visit, that visit is not a closing stage (recycled, closed-lost,
    disqualified, churned), and the breach happened within the last
    `action_queue_breach_window_days` (default 14) days before as_of, the boundary included.
    Older breaches and breaches of visits the journey has left are the review's business,
    counted there, not the queue's. The queue and the exports both use this macro.
-#}
{% macro is_actionable_breach(breached_at, as_of, is_visit_current, is_visit_closing) -%}
    {%- set window_days = action_queue_breach_window_days() | trim | int -%}
    ({{ is_visit_current }}
        and not {{ is_visit_closing }}
        and {{ breached_at }} >= {{ dbt.dateadd('day', -1 * window_days, as_of) }})
{%- endmacro %}
