{#-
    The unit rules of docs/sla_semantics.md ("Time units"), in one place: due and warning
    instants for deadline requests. int_deadlines_computed applies them to every clock start
    and stall movement; int_checkpoint_instants to checkpoint offsets D(x), so a checkpoint
    lands where a due_at of target x would.

      minutes | hours | days        plain UTC arithmetic;
      business_minutes | _hours     the instant the target's open seconds have passed;
      business_days N               the close of the N-th business day after the start's local date;
      due_at_override               wins when set (before_term, checkpoint);
      warning_pct                   that share of the budget (open seconds for business units).

    Emits a comma-separated list of CTEs (no leading `with`, no trailing comma) named
    <cte_prefix>_…; the last one, <cte_prefix>_final, has the carried columns, due_at,
    warning_at and open_seconds_at_start. `requests` (a CTE name or relation) needs
    calendar_id, target_unit, target_value, target_seconds, warning_pct, measured_from_at and
    due_at_override, plus the carried columns.
-#}
{% macro deadlines_from_requests(requests, cte_prefix='deadline', carried_columns=['deadline_request_id']) -%}
{{ cte_prefix }}_with_open_seconds_at_start as (

    {{ journey_sla.open_seconds_at(requests, 'calendar_id', 'measured_from_at', 'open_seconds_at_start') }}

),

{{ cte_prefix }}_business_time_targets as (

    select
        *,
        case
            when target_unit in ('business_minutes', 'business_hours')
                then open_seconds_at_start + target_seconds
        end as due_open_seconds,
        case
            when target_unit = 'business_days' then cast(target_value as integer)
        end as business_days_target

    from {{ cte_prefix }}_with_open_seconds_at_start

),

{{ cte_prefix }}_with_business_due as (

    {{ journey_sla.instant_at_open_seconds(
        cte_prefix ~ '_business_time_targets', 'calendar_id', 'due_open_seconds', 'business_due_at'
    ) }}

),

{{ cte_prefix }}_with_business_days_due as (

    {{ journey_sla.business_days_due_at(
        cte_prefix ~ '_with_business_due', 'calendar_id', 'measured_from_at',
        'business_days_target', 'business_days_due_at'
    ) }}

),

{{ cte_prefix }}_due_resolved as (

    select
        *,
        case
            when due_at_override is not null then due_at_override
            when target_unit in ('business_minutes', 'business_hours') then business_due_at
            when target_unit = 'business_days' then business_days_due_at
            else {{ journey_sla.add_seconds('measured_from_at', 'target_seconds') }}
        end as due_at

    from {{ cte_prefix }}_with_business_days_due

),

{{ cte_prefix }}_with_open_seconds_at_due as (

    {{ journey_sla.open_seconds_at(
        cte_prefix ~ '_due_resolved', 'calendar_id', 'due_at', 'open_seconds_at_due'
    ) }}

),

{{ cte_prefix }}_warning_targets as (

    -- For business units the warning share is of open time, so it is found on the calendar.
    select
        *,
        case
            when target_unit like 'business_%' and warning_pct is not null
                then open_seconds_at_start
                    + (open_seconds_at_due - open_seconds_at_start) * warning_pct / 100.0
        end as warning_open_seconds

    from {{ cte_prefix }}_with_open_seconds_at_due

),

{{ cte_prefix }}_with_business_warning as (

    {{ journey_sla.instant_at_open_seconds(
        cte_prefix ~ '_warning_targets', 'calendar_id', 'warning_open_seconds',
        'business_warning_at'
    ) }}

),

{{ cte_prefix }}_final as (

    select
        {%- for column in carried_columns %}
        {{ column }},
        {%- endfor %}
        due_at,
        case
            when warning_pct is null then null
            when target_unit like 'business_%' then business_warning_at
            else {{ journey_sla.add_seconds(
                'measured_from_at',
                journey_sla.seconds_between('measured_from_at', 'due_at') ~ ' * warning_pct / 100.0'
            ) }}
        end as warning_at,
        open_seconds_at_start

    from {{ cte_prefix }}_with_business_warning

)
{%- endmacro %}
