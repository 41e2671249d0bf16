-- depends_on: {{ ref('int_calendar_open_intervals') }}
-- depends_on: {{ ref('int_calendar_days') }}
-- Due and warning instants for every deadline request (docs/sla_semantics.md, "Time"):
--   minutes | hours | days        plain UTC arithmetic;
--   business_minutes | _hours     the instant the target's open seconds have passed;
--   business_days N               the close of the N-th business day after the start's local date;
--   warning_pct                   that share of the budget (open seconds for business units).
with

requests as (

    select * from {{ ref('int_deadline_requests') }}

),

with_open_seconds_at_start as (

    {{ open_seconds_at('requests', 'calendar_id', 'measured_from_at', 'open_seconds_at_start') }}

),

business_time_targets as (

    select
        *,
        case
            when target_unit in ('business_minutes', 'business_hours')
                then open_seconds_at_start + target_seconds
        end as due_open_seconds,
        case
            when target_unit = 'business_days' then cast(target_value as integer)
        end as business_days_target

    from with_open_seconds_at_start

),

with_business_due as (

    {{ instant_at_open_seconds(
        'business_time_targets', 'calendar_id', 'due_open_seconds', 'business_due_at'
    ) }}

),

with_business_days_due as (

    {{ business_days_due_at(
        'with_business_due', 'calendar_id', 'measured_from_at', 'business_days_target',
        'business_days_due_at'
    ) }}

),

due_resolved as (

    select
        *,
        case
            when due_at_override is not null then due_at_override
            when target_unit in ('business_minutes', 'business_hours') then business_due_at
            when target_unit = 'business_days' then business_days_due_at
            else {{ add_seconds('measured_from_at', 'target_seconds') }}
        end as due_at

    from with_business_days_due

),

with_open_seconds_at_due as (

    {{ open_seconds_at('due_resolved', 'calendar_id', 'due_at', 'open_seconds_at_due') }}

),

warning_targets as (

    -- For business units the warning share is of open time, so it is found on the calendar.
    select
        *,
        case
            when target_unit like 'business_%' and warning_pct is not null
                then open_seconds_at_start
                    + (open_seconds_at_due - open_seconds_at_start) * warning_pct / 100.0
        end as warning_open_seconds

    from with_open_seconds_at_due

),

with_business_warning as (

    {{ instant_at_open_seconds(
        'warning_targets', 'calendar_id', 'warning_open_seconds', 'business_warning_at'
    ) }}

),

final as (

    select
        deadline_request_id,
        due_at,
        case
            when warning_pct is null then null
            when target_unit like 'business_%' then business_warning_at
            else {{ add_seconds(
                'measured_from_at',
                seconds_between('measured_from_at', 'due_at') ~ ' * warning_pct / 100.0'
            ) }}
        end as warning_at,
        open_seconds_at_start

    from with_business_warning

)

select * from final
