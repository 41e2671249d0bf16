-- Size: over 250 lines on purpose — three measures per month and team (assignments against
-- the rules, clocks by the assignment that placed the owner, open load) meet in one table.
-- Routing governance per month and team: did assignments follow the rules, how often did
-- round robin ignore them, how loaded are the owners, and do clocks on rule-following
-- assignments meet their SLA more often than clocks on the others?
{%- set bigint = dbt.type_bigint() %}
{%- set next_month_start = dbt.dateadd('month', 1, 'months.month_start') %}
with

routing as (

    select * from {{ ref('mart_routing') }}

),

clocks as (

    select * from {{ ref('fct_sla_clocks') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

owner_history as (

    select * from {{ ref('int_owner_history') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

assignment_metrics as (

    select
        assigned_month as month_start,
        coalesce(expected_team, 'no_team') as team,
        count(*) as assignments,
        sum(case when routing_outcome = 'matched' then 1 else 0 end) as assignments_matched,
        sum(case when routing_outcome = 'mismatched' then 1 else 0 end) as assignments_mismatched,
        sum(case when routing_outcome not in ('matched', 'mismatched') then 1 else 0 end)
            as assignments_not_judged,
        sum(case when is_round_robin then 1 else 0 end) as round_robin_assignments,
        sum(
            case
                when is_round_robin and routing_outcome in ('matched', 'mismatched') then 1
                else 0
            end
        ) as round_robin_judged,
        sum(
            case when is_round_robin_without_context then 1 else 0 end
        ) as round_robin_without_context

    from routing
    group by 1, 2

),

clock_owning_assignments as (

    -- The assignment that put the owner in place: the journey's ownership when the clock
    -- started, judged in mart_routing.
    select
        clocks.clock_id,
        routing.routing_outcome,
        routing.expected_team

    from clocks
    inner join owner_history
        on clocks.journey_id = owner_history.journey_id
        and {{ owner_valid_at('owner_history', 'clocks.started_at') }}
    inner join routing
        on owner_history.assignment_id = routing.assignment_id
    where clocks.status in ('met', 'breached')

),

clock_metrics as (

    select
        cast({{ dbt.date_trunc('month', 'clocks.started_at') }} as date) as month_start,
        coalesce(clock_owning_assignments.expected_team, 'no_team') as team,
    {#- The comma after each column but the last comes from Jinja, which sqlfluff's layout
        check cannot place (LT02 asks for a line break before it): noqa on that line. #}
    {%- for outcome, status in [
        ('matched', 'met'), ('matched', 'breached'), ('mismatched', 'met'), ('mismatched', 'breached'),
    ] %}
        sum(
            case
                when clock_owning_assignments.routing_outcome = '{{ outcome }}'
                    and clocks.status = '{{ status }}' then 1
                else 0
            end
        ) as clocks_{{ outcome }}_{{ status }}{{ ',' if not loop.last }}  -- noqa: LT02
    {%- endfor %}

    from clocks
    left join clock_owning_assignments
        on clocks.clock_id = clock_owning_assignments.clock_id
    where clocks.status in ('met', 'breached')
    group by 1, 2

),

months as (

    select distinct cast({{ dbt.date_trunc('month', 'entered_at') }} as date) as month_start
    from visits
    union
    select distinct month_start from assignment_metrics
    union
    select distinct month_start from clock_metrics

),

load_snapshots as (

    -- Open load is counted at the end of each month, and at as_of for as_of's month.
    select
        months.month_start,
        case
            when as_of.as_of < {{ next_month_start }} then as_of.as_of
            else cast({{ next_month_start }} as {{ dbt.type_timestamp() }})
        end as load_snapshot_at

    from months
    cross join as_of
    where months.month_start <= as_of.as_of

),

open_visits_at_snapshot as (

    select
        load_snapshots.month_start,
        visits.owner_id,
        {{ owner_team('owners') }} as team

    from load_snapshots
    inner join visits
        on load_snapshots.load_snapshot_at >= visits.entered_at
        and (visits.exited_at is null or load_snapshots.load_snapshot_at < visits.exited_at)
    left join users as owners
        on visits.owner_id = owners.user_id
    where not visits.is_closing

),

load_metrics as (

    select
        month_start,
        team,
        count(*) as open_visits,
        count(distinct owner_id) as owners_with_open_visits

    from open_visits_at_snapshot
    group by 1, 2

),

month_teams as (

    select
        month_start,
        team
    from assignment_metrics
    union
    select
        month_start,
        team
    from clock_metrics
    union
    select
        month_start,
        team
    from load_metrics

),

final as (

    select
        month_teams.team,
        cast(coalesce(assignment_metrics.assignments, 0) as {{ bigint }}) as assignments,
        cast(
            coalesce(assignment_metrics.assignments_matched, 0) as {{ bigint }}
        ) as assignments_matched,
        cast(
            coalesce(assignment_metrics.assignments_mismatched, 0) as {{ bigint }}
        ) as assignments_mismatched,
        cast(
            coalesce(assignment_metrics.assignments_not_judged, 0) as {{ bigint }}
        ) as assignments_not_judged,
        cast(assignment_metrics.assignments_matched as {{ stats_double() }})
        / nullif(
            assignment_metrics.assignments_matched + assignment_metrics.assignments_mismatched, 0
        ) as compliance_rate,
        cast(
            coalesce(assignment_metrics.round_robin_assignments, 0) as {{ bigint }}
        ) as round_robin_assignments,
        cast(
            coalesce(assignment_metrics.round_robin_without_context, 0) as {{ bigint }}
        ) as round_robin_without_context,
        cast(assignment_metrics.round_robin_without_context as {{ stats_double() }})
        / nullif(assignment_metrics.round_robin_judged, 0)
            as round_robin_without_context_share,
        cast(coalesce(load_metrics.open_visits, 0) as {{ bigint }}) as open_visits,
        cast(
            coalesce(load_metrics.owners_with_open_visits, 0) as {{ bigint }}
        ) as owners_with_open_visits,
        cast(load_metrics.open_visits as {{ stats_double() }})
        / nullif(load_metrics.owners_with_open_visits, 0)
            as open_visits_per_owner,
        cast(coalesce(clock_metrics.clocks_matched_met, 0) as {{ bigint }}) as clocks_matched_met,
        cast(
            coalesce(clock_metrics.clocks_matched_breached, 0) as {{ bigint }}
        ) as clocks_matched_breached,
        cast(
            coalesce(clock_metrics.clocks_mismatched_met, 0) as {{ bigint }}
        ) as clocks_mismatched_met,
        cast(
            coalesce(clock_metrics.clocks_mismatched_breached, 0) as {{ bigint }}
        ) as clocks_mismatched_breached,
        cast(clock_metrics.clocks_matched_met as {{ stats_double() }})
        / nullif(clock_metrics.clocks_matched_met + clock_metrics.clocks_matched_breached, 0)
            as attainment_when_matched,
        cast(clock_metrics.clocks_mismatched_met as {{ stats_double() }})
        / nullif(clock_metrics.clocks_mismatched_met + clock_metrics.clocks_mismatched_breached, 0)
            as attainment_when_mismatched,
        month_teams.month_start,
        load_snapshots.load_snapshot_at

    from month_teams
    left join assignment_metrics
        on month_teams.month_start = assignment_metrics.month_start
        and month_teams.team = assignment_metrics.team
    left join clock_metrics
        on month_teams.month_start = clock_metrics.month_start
        and month_teams.team = clock_metrics.team
    left join load_metrics
        on month_teams.month_start = load_metrics.month_start
        and month_teams.team = load_metrics.team
    left join load_snapshots
        on month_teams.month_start = load_snapshots.month_start

)

select * from final
