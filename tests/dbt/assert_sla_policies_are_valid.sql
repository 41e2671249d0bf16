{{ config(store_failures=true, severity='error') }}
{#- failure_action with each known action removed in turn: replace(replace(failure_action,
    'recycle_with_reason', ''), 'escalate_to_manager', '') and so on. #}
{%- set known_failure_actions = [
    'recycle_with_reason', 'escalate_to_manager', 'run_at_risk_play',
    'executive_alert', 'remind_owner', 'reassign', 'send_enablement_content',
] %}
{%- set stripped_failure_action = namespace(sql='failure_action') %}
{%- for action in known_failure_actions %}
    {%- set stripped_failure_action.sql = (
        "replace(" ~ stripped_failure_action.sql ~ ", '" ~ action ~ "', '')"
    ) %}
{%- endfor %}
-- Every returned row names a bad policy and what is wrong with it; dbt build fails on any.
with

policies as (

    select * from {{ ref('sla_policies') }}

),

stages as (

    select * from {{ ref('stages') }}

),

problems as (

    select
        policy_id,
        'unknown sla_type ' || coalesce(sla_type, '(empty)') as problem
    from policies
    where coalesce(sla_type, '') not in (
            'first_touch', 'stage_exit', 'activity', 'attempts', 'follow_up',
            'stall', 'handoff', 'before_term', 'signal_response'
        )

    union all
    select
        policy_id,
        'unknown target_unit ' || coalesce(target_unit, '(empty)') as problem
    from policies
    where coalesce(target_unit, '') not in (
            'minutes', 'hours', 'days', 'business_minutes', 'business_hours', 'business_days'
        )

    union all
    select
        policy_id,
        'attainment_goal_pct must be between 0 and 100' as problem
    from policies
    where attainment_goal_pct < 0 or attainment_goal_pct > 100

    union all
    select
        policy_id,
        'target_value must be > 0' as problem
    from policies
    where target_value is null or target_value <= 0

    union all
    select
        policy_id,
        'business_days target must be a whole number' as problem
    from policies
    where target_unit = 'business_days' and target_value != floor(target_value)

    union all
    select
        policy_id,
        'before_term needs a plain unit (minutes, hours, days)' as problem
    from policies
    where sla_type = 'before_term' and target_unit like 'business_%'

    union all
    select
        policy_id,
        'warning_pct must be between 0 and 100' as problem
    from policies
    where warning_pct < 0 or warning_pct > 100

    union all
    select
        policy_id,
        'attempts needs min_attempts >= 1' as problem
    from policies
    where sla_type = 'attempts' and coalesce(min_attempts, 0) < 1

    union all
    select
        policy_id,
        'follow_up needs trigger_activity_types' as problem
    from policies
    where sla_type = 'follow_up' and coalesce(trigger_activity_types, '') = ''

    union all
    select
        policy_id,
        'handoff needs owner_role' as problem
    from policies
    where sla_type = 'handoff' and coalesce(owner_role, '') = ''

    union all
    select
        policy_id,
        'unknown stage ' || policies.stage as problem
    from policies
    where coalesce(policies.stage, '*') != '*'
        and policies.stage not in (select stages.stage from stages)

    union all
    select
        policy_id,
        'unknown segment ' || segment as problem
    from policies
    where coalesce(segment, '*') not in ('*', '', 'smb', 'mid_market', 'enterprise')

    union all
    select
        policy_id,
        'unknown intent_level ' || intent_level as problem
    from policies
    where coalesce(intent_level, '*') not in ('*', '', 'high', 'medium', 'low')

    union all
    select
        policy_id,
        'unknown owner_role ' || owner_role as problem
    from policies
    where coalesce(owner_role, 'sdr') not in (
            'marketing', 'sdr', 'ae', 'cs', 'am', 'manager', 'system'
        )

    union all
    -- Each `|` element must be a known action: strip the known ones and nothing may remain.
    select
        policy_id,
        'unknown failure_action in ' || coalesce(failure_action, '(empty)') as problem
    from policies
    where coalesce(failure_action, '') = ''
        or replace({{ stripped_failure_action.sql }}, '|', '') != ''

    union all
    select
        policy_id,
        'is_active must be true or false' as problem
    from policies
    where is_active is null

),

final as (

    select * from problems

)

select * from final
