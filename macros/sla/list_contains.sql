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

{#- True when a policy's `*`-or-value field accepts the journey's value. -#}
{% macro wildcard_matches(policy_column, value_column) -%}
    ({{ policy_column }} = '*' or {{ policy_column }} = {{ value_column }})
{%- endmacro %}

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
