-- A stall clock watches the gaps between movements of one visit: its entry, every
-- qualifying activity inside it, and its exit. One row per movement that opens a gap
-- (the exit closes the last gap and opens none), with the movement that ends the gap —
-- or as_of for the still-open last gap of a current visit. A stall clock uses the policy
-- version in force at the visit's entry (its start) for every gap; a visit entered in no
-- version's range makes no stall clock.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

stall_visits as (

    select
        {{ clock_id(
            'policy_visits.policy_id', 'policy_visits.journey_id', 'policy_visits.stage_visit_id',
            'null'
        ) }} as clock_id,
        versions.policy_version,
        policy_visits.*

    from policy_visits
    inner join versions
        on {{ policy_version_at(
            'versions', 'policy_visits.policy_id', 'policy_visits.entered_at'
        ) }}
    where policy_visits.sla_type = 'stall'

),

movements as (

    select
        clock_id,
        entered_at as moved_at,
        0 as movement_kind_order
    from stall_visits

    union all

    select
        stall_visits.clock_id,
        activities.occurred_at as moved_at,
        1 as movement_kind_order

    from stall_visits
    inner join policies
        on stall_visits.policy_id = policies.policy_id
    cross join as_of
    inner join activities
        on stall_visits.journey_id = activities.journey_id
        and stall_visits.entered_at <= activities.occurred_at
        and activities.occurred_at <= coalesce(stall_visits.exited_at, as_of.as_of)
    inner join stop_kinds
        on policies.policy_id = stop_kinds.policy_id
        and activities.activity_kind = stop_kinds.activity_kind

    union all

    select
        clock_id,
        exited_at as moved_at,
        2 as movement_kind_order
    from stall_visits
    where exited_at is not null

),

movements_ordered as (

    select
        movements.clock_id,
        movements.movement_kind_order,
        movements.moved_at,
        row_number() over (
            partition by movements.clock_id
            order by movements.moved_at, movements.movement_kind_order
        ) as movement_sequence,
        lead(movements.moved_at) over (
            partition by movements.clock_id
            order by movements.moved_at, movements.movement_kind_order
        ) as next_moved_at,
        lead(movements.movement_kind_order) over (
            partition by movements.clock_id
            order by movements.moved_at, movements.movement_kind_order
        ) as next_movement_kind_order

    from movements

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "movements_ordered.clock_id",
            "'|'",
            "cast(movements_ordered.movement_sequence as " ~ dbt.type_string() ~ ")",
        ])) }} as movement_id,
        movements_ordered.clock_id,
        stall_visits.policy_id,
        stall_visits.policy_version,
        stall_visits.journey_id,
        stall_visits.stage_visit_id,
        stall_visits.calendar_id,
        movements_ordered.movement_sequence,
        coalesce(movements_ordered.next_movement_kind_order, 2) = 2 as is_last_gap,
        movements_ordered.moved_at,
        -- The gap of a current visit's last movement runs until now (as_of).
        coalesce(movements_ordered.next_moved_at, as_of.as_of) as gap_ends_at

    from movements_ordered
    inner join stall_visits
        on movements_ordered.clock_id = stall_visits.clock_id
    cross join as_of
    -- The exit opens no gap.
    where movements_ordered.movement_kind_order != 2

)

select * from final
