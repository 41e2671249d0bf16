-- Every instant from which a target is measured: each clock's start, and each stall
-- movement (a stall's deadline restarts at every movement). Deadlines for all of them are
-- resolved in one place, int_deadlines_computed, so the unit rules exist exactly once.
with

clocks as (

    select * from {{ ref('int_clocks_started') }}

),

stall_movements as (

    select * from {{ ref('int_stall_movements') }}

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

clock_requests as (

    select
        clock_id as deadline_request_id,
        calendar_id,
        target_unit,
        target_value,
        target_seconds,
        warning_pct,
        started_at as measured_from_at,
        due_at_override

    from clocks

),

movement_requests as (

    select
        stall_movements.movement_id as deadline_request_id,
        stall_movements.calendar_id,
        versions.target_unit,
        versions.target_value,
        versions.target_seconds,
        versions.warning_pct,
        stall_movements.moved_at as measured_from_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from stall_movements
    -- The stall clock's version, chosen at its start in int_stall_movements.
    inner join versions
        on stall_movements.policy_id = versions.policy_id
        and stall_movements.policy_version = versions.policy_version

),

final as (

    select * from clock_requests
    union all
    select * from movement_requests

)

select * from final
