-- depends_on: {{ ref('int_calendar_open_intervals') }}
-- depends_on: {{ ref('int_calendar_days') }}
-- The checkpoint instants D(x) = entered_at plus x in the policy's unit, for every checkpoint
-- policy visit × offset (docs/sla_semantics.md, "Checkpoint clocks"), computed by the same
-- unit rules as every due_at (macro deadlines_from_requests): D(x) is where a due_at of
-- target x measured from the entry would fall. The version in force at the entry chooses the
-- offsets: its `checkpoints` list, else the cadence target_value, 2 × target_value, …
with

policy_visits as (

    select * from {{ ref('int_clock_policy_visits') }}
    where sla_type = 'checkpoint'

),

versions as (

    select * from {{ ref('int_sla_policy_versions') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

visit_versions as (

    -- started_at depends on the offsets, so the entry (not a clock's start) picks the version.
    select
        policy_visits.policy_visit_key,
        policy_visits.policy_id,
        policy_visits.stage_visit_id,
        policy_visits.calendar_id,
        versions.policy_version,
        versions.target_unit,
        versions.target_value,
        versions.target_seconds,
        versions.checkpoints,
        policy_visits.entered_at,
        {{ seconds_between(
            'policy_visits.entered_at', 'coalesce(policy_visits.exited_at, as_of.as_of)'
        ) }} as seconds_to_horizon

    from policy_visits
    cross join as_of
    inner join versions
        on {{ policy_version_at(
            'versions', 'policy_visits.policy_id', 'policy_visits.entered_at'
        ) }}

),

visit_bounds as (

    -- A cadence's clock k starts at D((k - 1) × target), and only by the exit or as_of.
    -- D(x) >= entry + x for second-based units (open time never outruns the clock) and
    -- > entry + (x - 1) days - 1 h for business_days, so k <= this bound; the slack of two
    -- days keeps business_days safe across a DST change. Rows past the bound could only
    -- start later: int_checkpoint_clocks_started applies the exact rule.
    select
        *,
        cast(
            case
                when checkpoints is not null then null
                when target_unit = 'business_days'
                    then floor((seconds_to_horizon + 2 * 86400) / (target_value * 86400))
                else floor(seconds_to_horizon / target_seconds)
            end as {{ dbt.type_bigint() }}
        ) + 1 as cadence_clock_bound

    from visit_versions

),

checkpoint_numbers as (

    {{ dbt.generate_series(var('checkpoint_max_per_visit')) }}  -- noqa: LT15

),

cadence_offsets as (

    -- Cut at the cap; assert_checkpoint_cadence_within_cap fails the build if that bites.
    select
        visit_bounds.policy_visit_key,
        cast(checkpoint_numbers.generated_number as integer) as checkpoint_number,
        checkpoint_numbers.generated_number * visit_bounds.target_value as offset_value

    from visit_bounds
    inner join checkpoint_numbers
        on visit_bounds.cadence_clock_bound >= checkpoint_numbers.generated_number
    where visit_bounds.checkpoints is null

),

version_lists as (

    select
        policy_id,
        policy_version,
        checkpoints

    from versions
    where sla_type = 'checkpoint' and checkpoints is not null

),

version_list_entries as (

    {{ list_entries('version_lists', 'checkpoints', ['policy_id', 'policy_version']) }}

),

listed_offsets as (

    -- The seed check has made sure every entry is a positive number, in ascending order.
    select
        visit_bounds.policy_visit_key,
        cast(version_list_entries.entry_number as integer) as checkpoint_number,
        cast(version_list_entries.entry_text as {{ stats_double() }}) as offset_value

    from visit_bounds
    inner join version_list_entries
        on visit_bounds.policy_id = version_list_entries.policy_id
        and visit_bounds.policy_version = version_list_entries.policy_version

),

offsets as (

    select * from cadence_offsets
    union all
    select * from listed_offsets

),

requests as (

    -- One deadline request per offset: a target of x in the version's unit from the entry.
    select
        offsets.policy_visit_key,
        offsets.checkpoint_number,
        offsets.offset_value,
        visit_bounds.policy_id,
        visit_bounds.stage_visit_id,
        visit_bounds.policy_version,
        visit_bounds.cadence_clock_bound,
        visit_bounds.calendar_id,
        visit_bounds.target_unit,
        offsets.offset_value as target_value,
        -- The version's seconds per unit (target_seconds / target_value) times the offset;
        -- null for business_days, which count days on the calendar instead.
        offsets.offset_value * visit_bounds.target_seconds / visit_bounds.target_value
            as target_seconds,
        cast(null as {{ stats_double() }}) as warning_pct,
        visit_bounds.entered_at as measured_from_at,
        cast(null as {{ dbt.type_timestamp() }}) as due_at_override

    from offsets
    inner join visit_bounds
        on offsets.policy_visit_key = visit_bounds.policy_visit_key

),

{{ deadlines_from_requests(
    'requests',
    cte_prefix='checkpoint',
    carried_columns=[
        'policy_visit_key', 'policy_id', 'stage_visit_id', 'policy_version',
        'checkpoint_number', 'offset_value', 'cadence_clock_bound'
    ]
) }},

final as (

    select
        policy_visit_key,
        policy_id,
        stage_visit_id,
        policy_version,
        checkpoint_number,
        offset_value,
        cadence_clock_bound,
        due_at as checkpoint_at

    from checkpoint_final

)

select * from final
