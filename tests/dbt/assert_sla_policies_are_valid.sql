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
{#- What a policy is — the visits it clocks and what stops or starts its clocks — is the same
    in every version; a version may change only the target, warning, wording, actions and
    goal (docs/sla_semantics.md, "Policy versions"). -#}
{%- set identity_columns = [
    'stage', 'sla_type', 'segment', 'intent_level', 'stop_activity_types', 'stop_outcomes',
    'min_attempts', 'min_channels', 'trigger_activity_types', 'trigger_outcomes',
    'owner_role', 'kpi', 'is_active',
] %}
-- Every returned row names a bad policy and what is wrong with it; dbt build fails on any.
with

policies as (

    select * from {{ ref('sla_policies') }}

),

stages as (

    select * from {{ ref('stages') }}

),

-- checkpoints entries as the engine reads them (spaces removed, int_sla_policy_versions).
checkpoint_lists as (

    select
        policy_id,
        effective_from,
        target_unit,
        nullif(replace(checkpoints, ' ', ''), '') as checkpoints

    from policies

),

checkpoint_entries as (

    {{ list_entries(
        'checkpoint_lists', 'checkpoints', ['policy_id', 'effective_from', 'target_unit']
    ) }}

),

checkpoint_entry_values as (

    -- A number is digits with at most one inner decimal point; only those are cast.
    select
        *,
        case
            when entry_text is not null
                and translate(entry_text, '0123456789', '') in ('', '.')
                and entry_text not like '.%'
                and entry_text not like '%.'
                then cast(entry_text as {{ stats_double() }})
        end as offset_value

    from checkpoint_entries

),

checkpoint_entry_checks as (

    select
        *,
        lag(offset_value) over (
            partition by policy_id, effective_from order by entry_number
        ) as previous_offset_value,
        lag(entry_text) over (
            partition by policy_id, effective_from order by entry_number
        ) as previous_entry_text

    from checkpoint_entry_values

),

versions_in_order as (

    select
        policy_id,
        effective_from,
        effective_to,
        lead(effective_from) over (
            partition by policy_id order by effective_from
        ) as next_effective_from

    from policies

),

problems as (

    select
        policy_id,
        'unknown sla_type ' || coalesce(sla_type, '(empty)') as problem
    from policies
    where coalesce(sla_type, '') not in (
            'first_touch', 'stage_exit', 'activity', 'attempts', 'follow_up',
            'stall', 'handoff', 'before_term', 'signal_response', 'checkpoint'
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
        'checkpoints is only for checkpoint policies' as problem
    from policies
    where coalesce(sla_type, '') != 'checkpoint'
        and nullif(replace(checkpoints, ' ', ''), '') is not null

    union all
    select
        policy_id,
        'checkpoints lists more than {{ var("checkpoint_max_listed") }} offsets'
        || ' (var checkpoint_max_listed)' as problem
    from checkpoint_lists
    where {{ dbt.length('checkpoints') }} - {{ dbt.length("replace(checkpoints, '|', '')") }} + 1
        > {{ var('checkpoint_max_listed') }}

    union all
    select
        policy_id,
        'checkpoints entry ' || cast(entry_number as {{ dbt.type_string() }})
        || ' is not a number: ' || coalesce(entry_text, '(empty)') as problem
    from checkpoint_entry_values
    where offset_value is null

    union all
    select
        policy_id,
        'checkpoints must be > 0' as problem
    from checkpoint_entry_values
    where offset_value <= 0

    union all
    select
        policy_id,
        'checkpoints must be strictly ascending: ' || entry_text
        || ' after ' || previous_entry_text as problem
    from checkpoint_entry_checks
    where offset_value <= previous_offset_value

    union all
    select
        policy_id,
        'business_days checkpoints must be whole numbers' as problem
    from checkpoint_entry_values
    where target_unit = 'business_days' and offset_value != floor(offset_value)

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

    union all
    select
        policy_id,
        'effective_from is required (a UTC timestamp)' as problem
    from policies
    where effective_from is null

    union all
    select
        policy_id,
        'version from ' || cast(effective_from as {{ dbt.type_string() }})
        || ': effective_to must be after effective_from' as problem
    from policies
    where effective_to <= effective_from

    union all
    select
        policy_id,
        'two versions start at ' || cast(effective_from as {{ dbt.type_string() }}) as problem
    from policies
    where effective_from is not null
    group by policy_id, effective_from
    having count(*) > 1

    union all
    -- Half-open ranges: a version ending after the next one starts overlaps it.
    select
        policy_id,
        'version from ' || cast(effective_from as {{ dbt.type_string() }})
        || ' overlaps the version from '
        || cast(next_effective_from as {{ dbt.type_string() }}) as problem
    from versions_in_order
    where effective_to > next_effective_from

    -- Identity columns compared as the engine reads them: case, spaces, '*' vs empty aside.
    {% for column in identity_columns %}
        {%- set canonical = "replace(replace(lower(coalesce(cast(" ~ column ~ " as "
            ~ dbt.type_string() ~ "), '')), ' ', ''), '*', '')" %}
        union all
        select
            policy_id,
            'versions differ in {{ column }} (a different rule needs a new policy_id)'
                as problem
        from policies
        group by policy_id
        having count(distinct {{ canonical }}) > 1
    {% endfor %}

),

final as (

    select * from problems

)

select * from final
