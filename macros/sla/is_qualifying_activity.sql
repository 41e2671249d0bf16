{#-
    Whether an activity can stop a policy's clock: a human touch (see int_activities_until_as_of)
    of a listed type (empty list: any type but milestone) with a listed outcome (empty: any).
-#}
{% macro is_qualifying_activity(policy, activity) -%}
    ({{ activity }}.is_human_touch
        and case
            when {{ policy }}.stop_activity_types is null then {{ activity }}.activity_type != 'milestone'
            else {{ list_contains(policy ~ '.stop_activity_types', activity ~ '.activity_type') }}
        end
        and {{ list_contains(policy ~ '.stop_outcomes', activity ~ '.outcome') }})
{%- endmacro %}
