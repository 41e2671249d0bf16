-- Which kinds of activity (type × outcome × human touch) stop or trigger each policy's
-- clocks. Deciding this once per kind — a few hundred rows — lets the clock models join
-- millions of activities on one equality key instead of testing `|`-lists on every row.
with

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

activity_kinds as (

    select distinct
        activity_kind,
        activity_type,
        outcome,
        is_human_touch

    from activities

),

stop_kinds as (

    select
        policies.policy_id,
        'stop' as match_kind,
        activity_kinds.activity_kind

    from policies
    cross join activity_kinds
    where {{ is_qualifying_activity('policies', 'activity_kinds') }}

),

-- follow_up triggers match on type and outcome only (any direction, automated or not).
trigger_kinds as (

    select
        policies.policy_id,
        'trigger' as match_kind,
        activity_kinds.activity_kind

    from policies
    cross join activity_kinds
    where policies.sla_type = 'follow_up'
        and {{ list_contains('policies.trigger_activity_types', 'activity_kinds.activity_type') }}
        and {{ list_contains('policies.trigger_outcomes', 'activity_kinds.outcome') }}

),

final as (

    select * from stop_kinds
    union all
    select * from trigger_kinds

)

select * from final
