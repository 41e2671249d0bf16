-- Every clock instance except stalls (int_stall_clocks_resolved), one family model each,
-- with its stable clock_id and the target of the policy version in force at its start
-- (policy_version_at; a start in no version's range makes no clock; checkpoint clocks: at
-- their visit's entry): the input of
-- int_deadline_requests and int_clocks_resolved. The rules of each sla_type live in its
-- family model.
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

checkpoint_clocks as (

    select * from {{ ref('int_checkpoint_clocks_started') }}

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

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

clocks_to_version as (

    -- Every family but checkpoint uses the version in force at started_at. A checkpoint's
    -- start is computed from its version's offsets, so its family chose the version at the
    -- visit's entry (version_chosen_at) and fixed its due (D of the offset) itself.
    select
        all_clocks.*,
        all_clocks.started_at as version_chosen_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from all_clocks
    union all
    select * from checkpoint_clocks

),

final as (

    select
        {{ clock_id(
            'all_clocks.policy_id', 'all_clocks.journey_id', 'all_clocks.stage_visit_id',
            'all_clocks.trigger_id'
        ) }} as clock_id,
        all_clocks.policy_id,
        versions.policy_version,
        all_clocks.sla_type,
        all_clocks.journey_id,
        all_clocks.stage,
        all_clocks.stage_visit_id,
        all_clocks.trigger_id,
        all_clocks.owner_id,
        all_clocks.calendar_id,
        all_clocks.exit_kind,
        versions.target_unit,
        versions.target_value,
        versions.target_seconds,
        versions.warning_pct,
        versions.is_business_time,
        all_clocks.started_at,
        all_clocks.exited_at,
        all_clocks.stop_condition_at,
        -- before_term is due the version's target before the term ends; checkpoint at D(offset).
        coalesce(
            all_clocks.due_at_override,
            {{ dbt.dateadd(
                'second',
                '-1 * cast(versions.target_seconds as bigint)',
                'all_clocks.term_ends_at'
            ) }}
        ) as due_at_override

    from clocks_to_version as all_clocks
    inner join versions
        on {{ policy_version_at(
            'versions', 'all_clocks.policy_id', 'all_clocks.version_chosen_at'
        ) }}

)

select * from final
