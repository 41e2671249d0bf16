-- When a journey has a next step booked, per next_step policy (docs/sla_semantics.md,
-- "next_step"): a qualifying activity books [occurred_at, scheduled_for_at) when
-- scheduled_for_at is later than occurred_at. Bookings that overlap or touch (one starts
-- exactly where the coverage so far ends) merge into one covered stretch — gaps and islands
-- with a running end, so a stretch is found without walking the rows one by one. Coverage
-- belongs to the journey, not to a visit: a booking logged before a visit covers it too.
with

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

stop_kinds as (

    select * from {{ ref('int_policy_activity_kinds') }}
    where match_kind = 'stop'

),

bookings as (

    select
        policies.policy_id,
        activities.journey_id,
        activities.activity_id,
        activities.occurred_at as booked_from_at,
        activities.scheduled_for_at as booked_until_at

    from activities
    inner join stop_kinds
        on activities.activity_kind = stop_kinds.activity_kind
    inner join policies
        on stop_kinds.policy_id = policies.policy_id
    where policies.sla_type = 'next_step'
        -- A booking of no positive length books nothing.
        and activities.scheduled_for_at > activities.occurred_at

),

bookings_with_reach as (

    -- How far the bookings logged before this one reach: the stretch covered so far.
    select
        *,
        max(booked_until_at) over (
            partition by policy_id, journey_id
            order by booked_from_at, booked_until_at, activity_id
            rows between unbounded preceding and 1 preceding
        ) as covered_so_far_until_at

    from bookings

),

bookings_islanded as (

    -- A booking starts a new stretch only when it starts strictly after everything so far
    -- ends; one starting exactly at that end continues the stretch (no gap of zero length).
    select
        *,
        sum(
            case
                when covered_so_far_until_at is null
                    or booked_from_at > covered_so_far_until_at then 1
                else 0
            end
        ) over (
            partition by policy_id, journey_id
            order by booked_from_at, booked_until_at, activity_id
            rows between unbounded preceding and current row
        ) as coverage_sequence

    from bookings_with_reach

),

bookings_ranked as (

    -- The booking whose time ends the stretch; of several ending at one instant the highest
    -- activity_id (DECISIONLOG, "next_step").
    select
        *,
        row_number() over (
            partition by policy_id, journey_id, coverage_sequence
            order by booked_until_at desc, activity_id desc
        ) as end_rank

    from bookings_islanded

),

stretches as (

    select
        policy_id,
        journey_id,
        coverage_sequence,
        min(booked_from_at) as covered_from_at,
        max(booked_until_at) as covered_until_at,
        count(*) as booking_count

    from bookings_ranked
    group by policy_id, journey_id, coverage_sequence

),

final as (

    select
        stretches.policy_id,
        stretches.journey_id,
        stretches.coverage_sequence,
        stretches.covered_from_at,
        stretches.covered_until_at,
        bookings_ranked.activity_id as ending_activity_id,
        stretches.booking_count

    from stretches
    inner join bookings_ranked
        on stretches.policy_id = bookings_ranked.policy_id
        and stretches.journey_id = bookings_ranked.journey_id
        and stretches.coverage_sequence = bookings_ranked.coverage_sequence
        and bookings_ranked.end_rank = 1

)

select * from final
