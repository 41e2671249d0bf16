-- Size: 352 lines on purpose — the recommended action's words for each failure action are
-- spelled out here, where a RevOps analyst edits them; the rules themselves are short.
-- What needs doing as of as_of, most urgent first: every actionable unhandled breach (with
-- the policy's failure handling turned into one concrete next step), then every open clock,
-- at-risk ones first; the unhandled breaches that no longer ask for action (macro
-- is_actionable_breach) last, as the backlog the review counts.
{#- A policy's failure actions in the order they are considered, each with the condition
    under which it applies to a breach; the first listed-and-applicable one is recommended
    (doc block action_queue_rules). -#}
{%- set action_precedence = [
    ('reassign', 'not is_clock_stopped'),
    ('recycle_with_reason', 'is_visit_current'),
    ('escalate_to_manager', 'manager_id is not null and not is_journey_closed'),
    ('executive_alert', 'not is_journey_closed'),
    ('run_at_risk_play', 'true'),
    ('send_enablement_content', 'owner_id is not null and not is_journey_closed'),
    ('remind_owner', 'owner_id is not null'),
] %}
with

clocks as (

    select * from {{ ref('fct_sla_clocks') }}

),

breaches as (

    select * from {{ ref('fct_sla_breaches') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

queue_clocks as (

    -- Open clocks, and breached clocks nobody has escalated or reassigned yet.
    select
        clocks.*,
        case
            when clocks.status = 'breached' then 'breach'
            when clocks.is_at_risk then 'at_risk'
            else 'open'
        end as queue_section

    from clocks
    left join breaches
        on clocks.clock_id = breaches.clock_id
    where clocks.status = 'open'
        or (clocks.status = 'breached' and not breaches.is_handled)

),

current_visits as (

    select
        journey_id,
        stage as current_stage,
        is_closing as is_current_stage_closing
    from visits
    where is_current

),

queue_items as (

    select
        queue_clocks.clock_id,
        queue_clocks.policy_id,
        queue_clocks.journey_id,
        queue_clocks.stage_visit_id,
        queue_clocks.owner_id,
        owners.manager_id,
        queue_clocks.calendar_id,
        queue_clocks.queue_section,
        queue_clocks.sla_type,
        queue_clocks.stage,
        current_visits.current_stage as journey_current_stage,
        owners.full_name as owner_name,
        owners.email as owner_email,
        {{ owner_team('owners') }} as owner_team,
        owners.team,
        owners.role as owner_role,
        owners.manager_name,
        owners.manager_email,
        policies.owner_role as policy_owner_role,
        policies.description as policy_description,
        policies.failure_action,
        queue_clocks.target_unit,
        queue_clocks.target_value,
        queue_clocks.is_at_risk,
        queue_clocks.status = 'breached' as is_breached,
        queue_clocks.stopped_at is not null as is_clock_stopped,
        coalesce(clocked_visits.is_current, false) as is_visit_current,
        coalesce(clocked_visits.is_closing, false) as is_visit_closing,
        -- Closed or recycled: nobody is escalated about a journey that is no longer worked.
        coalesce(current_visits.is_current_stage_closing, false) as is_journey_closed,
        queue_clocks.started_at,
        queue_clocks.warning_at,
        queue_clocks.due_at,
        queue_clocks.breached_at,
        as_of.as_of

    from queue_clocks
    cross join as_of
    inner join policies
        on queue_clocks.policy_id = policies.policy_id
    left join users as owners
        on queue_clocks.owner_id = owners.user_id
    left join visits as clocked_visits
        on queue_clocks.stage_visit_id = clocked_visits.stage_visit_id
    left join current_visits
        on queue_clocks.journey_id = current_visits.journey_id

),

business_time_inputs as (

    -- Only the columns the look-ups need: the calendar index is probed twice per item.
    select
        clock_id,
        calendar_id,
        due_at,
        as_of
    from queue_items

),

with_open_seconds_at_due as (

    {{ open_seconds_at('business_time_inputs', 'calendar_id', 'due_at', 'open_seconds_at_due') }}

),

open_seconds as (

    {{ open_seconds_at(
        'with_open_seconds_at_due', 'calendar_id', 'as_of', 'open_seconds_at_as_of'
    ) }}

),

with_open_seconds_at_as_of as (

    select
        queue_items.*,
        open_seconds.open_seconds_at_due,
        open_seconds.open_seconds_at_as_of

    from queue_items
    inner join open_seconds
        on queue_items.clock_id = open_seconds.clock_id

),

applicable_actions as (

    -- reassign only while the commitment is outstanding (the clock has not stopped),
    -- recycle_with_reason only while the journey is still in the clocked visit,
    -- escalate_to_manager only when the owner has a manager, escalations only while the
    -- journey is not closed or recycled, send_enablement_content only to an owner of a
    -- journey not closed or recycled, remind_owner only with an owner.
    select
        *,
        not is_breached or {{ is_actionable_breach(
            'breached_at', 'as_of', 'is_visit_current', 'is_visit_closing'
        ) }} as is_actionable,
        case
            {%- for action_code, condition in action_precedence %}
                when is_breached
                    and failure_action is not null
                    and {{ list_contains('failure_action', "'" ~ action_code ~ "'") }}
                    and {{ condition }}
                    then '{{ action_code }}'
            {%- endfor %}
        end as applicable_action_code

    from with_open_seconds_at_as_of

),

with_actions as (

    select
        *,
        case
            when not is_breached then null
            when applicable_action_code is not null then applicable_action_code
            -- None of the policy's actions applies: the owner should at least hear of it,
            -- and a journey without an owner needs one.
            when owner_id is null then 'reassign'
            else 'remind_owner'
        end as action_code,
        is_breached and applicable_action_code is null as is_fallback_action,
        {{ dbt.concat([
            "coalesce(owner_name, 'owner')",
            "' ('",
            "coalesce(owner_id, 'unassigned')",
            "')'",
        ]) }} as owner_label,
        {{ dbt.concat([
            "coalesce(manager_name, 'manager')",
            "' ('",
            "coalesce(manager_id, 'unknown')",
            "')'",
        ]) }} as manager_label,
        {{ dbt.concat([
            "'\"'",
            "coalesce(policy_description, policy_id)",
            "'\" (due '",
            "cast(due_at as " ~ dbt.type_string() ~ ")",
            "' UTC)'",
        ]) }} as commitment_text

    from applicable_actions

),

recommended as (

    select
        *,
        case action_code
            when 'reassign'
                then case
                        when owner_id is null then {{ dbt.concat([
                    "'Assign journey '", "journey_id", "' to an owner with role '",
                    "coalesce(policy_owner_role, 'any')", "': '", "commitment_text",
                    "' has nobody on it.'",
                ]) }}
                        else {{ dbt.concat([
                    "'Reassign journey '", "journey_id", "' from '", "owner_label",
                    "' to another '", "coalesce(policy_owner_role, 'owner')",
                    "' of team '", "coalesce(team, 'the routed team')",
                    "': '", "commitment_text", "' is still not done.'",
                ]) }}
                    end
            when 'recycle_with_reason' then {{ dbt.concat([
                "'Recycle journey '", "journey_id", "' with a valid reason code (it is still in '",
                "stage", "'): '", "commitment_text", "' was missed.'",
            ]) }}
            when 'escalate_to_manager' then {{ dbt.concat([
                "'Escalate journey '", "journey_id", "' to '", "manager_label",
                "', manager of '", "owner_label", "': '", "commitment_text", "' was missed.'",
            ]) }}
            when 'executive_alert' then {{ dbt.concat([
                "'Alert the executive sponsor of journey '", "journey_id", "': '",
                "commitment_text", "' was missed by '", "owner_label", "'.'",
            ]) }}
            when 'run_at_risk_play' then {{ dbt.concat([
                "'Run the at-risk play on journey '", "journey_id", "': '", "commitment_text",
                "' was missed by '", "owner_label", "'.'",
            ]) }}
            when 'send_enablement_content' then {{ dbt.concat([
                "'Send '", "owner_label", "' the enablement content for '", "stage",
                "' and a reminder on journey '", "journey_id", "': '", "commitment_text",
                "' was missed.'",
            ]) }}
            when 'remind_owner' then {{ dbt.concat([
                "'Remind '", "owner_label", "' about journey '", "journey_id", "': '",
                "commitment_text", "' was missed.'",
            ]) }}
            else {{ dbt.concat([
                "'Due next for '", "owner_label", "' on journey '", "journey_id", "': '",
                "commitment_text", "'.'",
            ]) }}
        end as recommended_action,
        {{ seconds_between('as_of', 'due_at') }} / 60.0 as minutes_left,
        (open_seconds_at_due - open_seconds_at_as_of) / 60.0 as business_minutes_left,
        {{ seconds_between('breached_at', 'as_of') }} / 60.0 as minutes_since_breach,
        case
            when not is_actionable then 4
            when queue_section = 'breach' then 1
            when queue_section = 'at_risk' then 2
            else 3
        end as section_order,
        case
            when is_actionable then null
            when is_journey_closed then 'journey_closed'
            when not is_visit_current then 'visit_left'
            else 'older_than_window'
        end as backlog_reason,
        -- Breaches oldest first; open clocks by the nearest deadline.
        case when queue_section = 'breach' then breached_at else due_at end as sort_at,
        {{ dbt.concat([
            "case when queue_section = 'breach' then 'breach-' else 'open-' end", "clock_id",
        ]) }} as queue_item_id

    from with_actions

),

ranked as (

    select
        *,
        cast(
            row_number() over (order by section_order, sort_at, queue_item_id)
            as {{ dbt.type_bigint() }}
        ) as urgency_rank

    from recommended

),

final as (

    select
        queue_item_id,
        clock_id,
        policy_id,
        journey_id,
        stage_visit_id,
        owner_id,
        manager_id,
        queue_section,
        sla_type,
        stage,
        journey_current_stage,
        backlog_reason,
        owner_name,
        owner_email,
        owner_team,
        owner_role,
        manager_name,
        manager_email,
        policy_owner_role,
        policy_description,
        failure_action,
        action_code,
        recommended_action,
        target_unit,
        cast(urgency_rank as bigint) as urgency_rank,
        cast({{ action_queue_breach_window_days() }} as integer) as actionable_window_days,
        target_value,
        minutes_left,
        business_minutes_left,
        minutes_since_breach,
        is_breached,
        is_at_risk,
        is_clock_stopped,
        is_visit_current,
        is_journey_closed,
        is_actionable,
        coalesce(is_fallback_action, false) as is_fallback_action,
        -- The policy's failure handling escalates a breach (to the manager or an executive):
        -- the breach_alerts export lists these.
        coalesce(
            failure_action is not null
            and (
                {{ list_contains('failure_action', "'escalate_to_manager'") }}
                or {{ list_contains('failure_action', "'executive_alert'") }}
            ),
            false
        ) as is_escalating_policy,
        coalesce(
            failure_action is not null
            and {{ list_contains('failure_action', "'executive_alert'") }},
            false
        ) as is_executive_alert,
        started_at,
        warning_at,
        due_at,
        breached_at,
        as_of

    from ranked

)

select * from final
