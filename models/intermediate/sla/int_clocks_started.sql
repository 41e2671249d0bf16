-- Every clock instance except stalls (int_stall_clocks_resolved), one family model each,
-- with its stable clock_id and the policy's target: the input of int_deadline_requests and
-- int_clocks_resolved. The rules of each sla_type live in its family model.
with

visit_clocks as (

    select * from {{ ref('int_visit_clocks_started') }}

),

handoff_clocks as (

    select * from {{ ref('int_handoff_clocks_started') }}

),

follow_up_clocks as (

    select * from {{ ref('int_follow_up_clocks_started') }}

),

instant_clocks as (

    select * from {{ ref('int_instant_clocks_started') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

all_clocks as (

    select * from visit_clocks
    union all
    select * from handoff_clocks
    union all
    select * from follow_up_clocks
    union all
    select * from instant_clocks

),

final as (

    select
        {{ clock_id(
            'all_clocks.policy_id', 'all_clocks.journey_id', 'all_clocks.stage_visit_id',
            'all_clocks.trigger_id'
        ) }} as clock_id,
        all_clocks.policy_id,
        all_clocks.sla_type,
        all_clocks.journey_id,
        all_clocks.stage,
        all_clocks.stage_visit_id,
        all_clocks.trigger_id,
        all_clocks.owner_id,
        all_clocks.calendar_id,
        all_clocks.exit_kind,
        policies.target_unit,
        policies.target_value,
        policies.target_seconds,
        policies.warning_pct,
        policies.is_business_time,
        all_clocks.started_at,
        all_clocks.exited_at,
        all_clocks.stop_condition_at,
        all_clocks.due_at_override

    from all_clocks
    inner join policies
        on all_clocks.policy_id = policies.policy_id

)

select * from final
