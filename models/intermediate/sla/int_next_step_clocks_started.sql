-- next_step clocks (docs/sla_semantics.md, "next_step"): one per gap — a maximal stretch of
-- positive length inside a clocked visit (entry to exit, or to as_of while current) when no
-- next step is booked (int_next_step_coverage). A gap starts at entry when the visit is
-- uncovered then (trigger null), else where a covered stretch ends (trigger = the booking
-- whose time ran out); it stops when a booking starts again, or at the exit of any kind.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}
    where sla_type = 'next_step'

),

coverage as (

    select * from {{ ref('int_next_step_coverage') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

covered_at_entry as (

    -- Covered at instant t: some stretch has covered_from_at <= t < covered_until_at.
    select distinct
        policy_visits.policy_id,
        policy_visits.stage_visit_id

    from policy_visits
    inner join coverage
        on policy_visits.policy_id = coverage.policy_id
        and policy_visits.journey_id = coverage.journey_id
        and policy_visits.entered_at >= coverage.covered_from_at
        and policy_visits.entered_at < coverage.covered_until_at

),

entry_gaps as (

    select
        policy_visits.*,
        cast(null as {{ dbt.type_string() }}) as trigger_id,
        policy_visits.entered_at as started_at

    from policy_visits
    left join covered_at_entry
        on policy_visits.policy_id = covered_at_entry.policy_id
        and policy_visits.stage_visit_id = covered_at_entry.stage_visit_id
    where covered_at_entry.stage_visit_id is null

),

coverage_end_gaps as (

    -- Stretches ending after the entry; the ones ending at or after the gap's bound give
    -- no gap of positive length and are dropped below.
    select
        policy_visits.*,
        coverage.ending_activity_id as trigger_id,
        coverage.covered_until_at as started_at

    from policy_visits
    inner join coverage
        on policy_visits.policy_id = coverage.policy_id
        and policy_visits.journey_id = coverage.journey_id
        and policy_visits.entered_at < coverage.covered_until_at

),

gap_starts as (

    select * from entry_gaps
    union all
    select * from coverage_end_gaps

),

next_bookings as (

    -- The first stretch starting after the gap starts: its booking ends the gap.
    select
        gap_starts.policy_id,
        gap_starts.stage_visit_id,
        gap_starts.started_at,
        min(coverage.covered_from_at) as booked_again_at

    from gap_starts
    inner join coverage
        on gap_starts.policy_id = coverage.policy_id
        and gap_starts.journey_id = coverage.journey_id
        and gap_starts.started_at < coverage.covered_from_at
    group by gap_starts.policy_id, gap_starts.stage_visit_id, gap_starts.started_at

),

gaps as (

    select
        gap_starts.*,
        -- The gap ends at the next booking or at the exit, whichever comes first.
        case
            when next_bookings.booked_again_at is not null
                and (
                    gap_starts.exited_at is null
                    or next_bookings.booked_again_at < gap_starts.exited_at
                )
                then next_bookings.booked_again_at
            else gap_starts.exited_at
        end as gap_ends_at

    from gap_starts
    left join next_bookings
        on gap_starts.policy_id = next_bookings.policy_id
        and gap_starts.stage_visit_id = next_bookings.stage_visit_id
        and gap_starts.started_at = next_bookings.started_at

),

final as (

    select
        gaps.policy_id,
        gaps.sla_type,
        gaps.journey_id,
        gaps.stage,
        gaps.stage_visit_id,
        gaps.trigger_id,
        gaps.owner_id,
        gaps.calendar_id,
        gaps.exit_kind,
        gaps.started_at,
        gaps.exited_at,
        gaps.gap_ends_at as stop_condition_at,
        cast(null as {{ dbt.type_timestamp() }}) as term_ends_at

    from gaps
    cross join as_of
    -- Only gaps of positive length; a gap still running at as_of has no stop yet.
    where gaps.started_at < coalesce(gaps.gap_ends_at, as_of.as_of)

)

select * from final
