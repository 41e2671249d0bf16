-- How much of each next_step-clocked visit had a next step booked (docs/sla_semantics.md,
-- "next_step"): the visit's time from entry to exit (else as_of), the part of it some
-- booking covers, in calendar and in business seconds of the journey's calendar, and the
-- gaps clocked. The clocks say whether each gap was closed in time; this says how much of
-- the visit was covered at all — a visit always covered has no clock.
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}
    where sla_type = 'next_step'

),

coverage as (

    select * from {{ ref('int_next_step_coverage') }}

),

clocks as (

    select * from {{ ref('int_clocks_resolved') }}
    where sla_type = 'next_step'

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

visits_measured as (

    select
        policy_visits.*,
        coalesce(policy_visits.exited_at, as_of.as_of) as measured_until_at,
        as_of.as_of

    from policy_visits
    cross join as_of

),

visits_with_open_seconds_at_entry as (

    {{ open_seconds_at('visits_measured', 'calendar_id', 'entered_at', 'open_seconds_at_entry') }}

),

visits_with_open_seconds as (

    {{ open_seconds_at(
        'visits_with_open_seconds_at_entry', 'calendar_id', 'measured_until_at',
        'open_seconds_at_end'
    ) }}

),

covered_pieces as (

    -- Each covered stretch clipped to the visit.
    select
        visits_measured.policy_id,
        visits_measured.stage_visit_id,
        visits_measured.calendar_id,
        case
            when coverage.covered_from_at > visits_measured.entered_at
                then coverage.covered_from_at
            else visits_measured.entered_at
        end as piece_from_at,
        case
            when coverage.covered_until_at < visits_measured.measured_until_at
                then coverage.covered_until_at
            else visits_measured.measured_until_at
        end as piece_until_at

    from visits_measured
    inner join coverage
        on visits_measured.policy_id = coverage.policy_id
        and visits_measured.journey_id = coverage.journey_id
        and visits_measured.measured_until_at > coverage.covered_from_at
        and visits_measured.entered_at < coverage.covered_until_at

),

pieces_with_open_seconds_at_from as (

    {{ open_seconds_at('covered_pieces', 'calendar_id', 'piece_from_at', 'open_seconds_at_from') }}

),

pieces_with_open_seconds as (

    {{ open_seconds_at(
        'pieces_with_open_seconds_at_from', 'calendar_id', 'piece_until_at',
        'open_seconds_at_until'
    ) }}

),

covered_totals as (

    select
        policy_id,
        stage_visit_id,
        sum({{ seconds_between('piece_from_at', 'piece_until_at') }}) as covered_seconds,
        sum(open_seconds_at_until - open_seconds_at_from) as covered_business_seconds

    from pieces_with_open_seconds
    group by policy_id, stage_visit_id

),

gap_counts as (

    select
        policy_id,
        stage_visit_id,
        count(*) as gaps,
        {{ stats_count_if("status = 'breached'") }} as breached_gaps,
        {{ stats_count_if("status = 'open'") }} as open_gaps

    from clocks
    group by policy_id, stage_visit_id

),

final as (

    select
        visits.policy_id,
        visits.stage_visit_id,
        visits.journey_id,
        visits.owner_id,
        visits.stage,
        visits.calendar_id,
        visits.entered_at,
        visits.exited_at,
        visits.measured_until_at,
        {{ seconds_between('visits.entered_at', 'visits.measured_until_at') }} as visit_seconds,
        visits.open_seconds_at_end - visits.open_seconds_at_entry as visit_business_seconds,
        coalesce(
            covered_totals.covered_seconds, cast(0 as {{ stats_double() }})
        ) as covered_seconds,
        coalesce(
            covered_totals.covered_business_seconds, cast(0 as {{ stats_double() }})
        ) as covered_business_seconds,
        {{ stats_ratio(
            'coalesce(covered_totals.covered_seconds, 0)',
            seconds_between('visits.entered_at', 'visits.measured_until_at')
        ) }} as covered_share,
        {{ stats_ratio(
            'coalesce(covered_totals.covered_business_seconds, 0)',
            'visits.open_seconds_at_end - visits.open_seconds_at_entry'
        ) }} as covered_business_share,
        coalesce(gap_counts.gaps, 0) as gaps,
        coalesce(gap_counts.breached_gaps, 0) as breached_gaps,
        coalesce(gap_counts.open_gaps, 0) as open_gaps,
        visits.exited_at is null as is_current,
        visits.as_of

    from visits_with_open_seconds as visits
    left join covered_totals
        on visits.policy_id = covered_totals.policy_id
        and visits.stage_visit_id = covered_totals.stage_visit_id
    left join gap_counts
        on visits.policy_id = gap_counts.policy_id
        and visits.stage_visit_id = gap_counts.stage_visit_id

)

select * from final
