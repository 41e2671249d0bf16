-- One row per stage visit with what came of it (docs/metrics.md, "Conversion", "Velocity"):
-- did the journey reach a later funnel stage within the conversion window, how fast did the
-- visit progress, did it end in a recycle or begin as a comeback after one.
{%- set conversion_window_days = var('conversion_window_days', 90) %}
with

visits as (

    select * from {{ ref('int_stage_visits') }}

),

stages as (

    select * from {{ ref('stages') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

next_funnel_orders as (

    -- The funnel stage right after each funnel stage; none after the last (renewal).
    select
        stages.stage,
        min(later_stages.funnel_order) as next_funnel_order

    from stages
    left join stages as later_stages
        on stages.funnel_order < later_stages.funnel_order
        and not later_stages.is_closing
    where not stages.is_closing
    group by stages.stage

),

next_funnel_stages as (

    select
        next_funnel_orders.stage,
        next_stages.stage as next_funnel_stage

    from next_funnel_orders
    left join stages as next_stages
        on next_funnel_orders.next_funnel_order = next_stages.funnel_order

),

visits_windowed as (

    select
        visits.*,
        next_funnel_stages.next_funnel_stage,
        {{ dbt.dateadd(
            'day', conversion_window_days, 'visits.entered_at'
        ) }} as conversion_window_ends_at,
        lag(visits.exit_kind) over (
            partition by visits.journey_id
            order by visits.journey_visit_sequence
        ) as previous_exit_kind

    from visits
    left join next_funnel_stages
        on visits.stage = next_funnel_stages.stage

),

later_stage_entries as (

    -- A visit converts when the journey enters any later funnel stage (higher funnel order,
    -- not a closing stage) within the window; first entries after the visit's own entry.
    select
        visits_windowed.stage_visit_id,
        min(later_visits.entered_at) as first_later_stage_entered_at,
        min(
            case
                when later_visits.stage = visits_windowed.next_funnel_stage
                    then later_visits.entered_at
            end
        ) as next_stage_entered_at

    from visits_windowed
    inner join visits as later_visits
        on visits_windowed.journey_id = later_visits.journey_id
        and visits_windowed.journey_visit_sequence < later_visits.journey_visit_sequence
        and visits_windowed.funnel_order < later_visits.funnel_order
        and not later_visits.is_closing
    where not visits_windowed.is_closing
    group by visits_windowed.stage_visit_id

),

outcomes as (

    select
        visits_windowed.*,
        later_stage_entries.first_later_stage_entered_at,
        later_stage_entries.next_stage_entered_at,
        -- Immature: the window has not closed by as_of, so the outcome is not known yet.
        visits_windowed.conversion_window_ends_at <= as_of.as_of as is_mature

    from visits_windowed
    cross join as_of
    left join later_stage_entries
        on visits_windowed.stage_visit_id = later_stage_entries.stage_visit_id

),

final as (

    select
        outcomes.stage_visit_id,
        outcomes.journey_id,
        outcomes.owner_id,
        coalesce(journeys.segment, 'unknown') as segment,
        {{ owner_team('users') }} as owner_team,
        coalesce(journeys.territory, 'unknown') as territory,
        outcomes.calendar_id,
        outcomes.stage,
        outcomes.next_funnel_stage,
        outcomes.exit_kind,
        outcomes.next_stage,
        outcomes.funnel_order,
        outcomes.journey_visit_sequence,
        {{ conversion_window_days }} as conversion_window_days,
        case
            when outcomes.exit_kind = 'progressed' then outcomes.minutes_in_stage / 1440.0
        end as days_to_progress,
        case
            when outcomes.first_later_stage_entered_at <= outcomes.conversion_window_ends_at
                then {{ seconds_between(
                    'outcomes.entered_at', 'outcomes.first_later_stage_entered_at'
                ) }} / 86400.0
        end as days_to_conversion,
        outcomes.is_closing,
        outcomes.next_funnel_stage is not null as has_later_stage,
        outcomes.is_mature,
        case
            when not outcomes.is_mature or outcomes.next_funnel_stage is null then null
            else
                coalesce(
                    outcomes.first_later_stage_entered_at <= outcomes.conversion_window_ends_at,
                    false
                )
        end as is_converted,
        case
            when not outcomes.is_mature or outcomes.next_funnel_stage is null then null
            else
                coalesce(
                    outcomes.next_stage_entered_at <= outcomes.conversion_window_ends_at, false
                )
        end as is_converted_to_next,
        outcomes.exit_kind = 'progressed' as is_progressed,
        outcomes.exit_kind = 'closed' and outcomes.next_stage = 'recycled' as is_recycled,
        coalesce(outcomes.previous_exit_kind = 're_entered', false) as is_re_entry,
        cast({{ dbt.date_trunc('month', 'outcomes.entered_at') }} as date) as entered_month_date,
        outcomes.entered_at,
        outcomes.exited_at,
        outcomes.conversion_window_ends_at,
        outcomes.first_later_stage_entered_at,
        outcomes.next_stage_entered_at

    from outcomes
    left join journeys
        on outcomes.journey_id = journeys.journey_id
    left join users
        on outcomes.owner_id = users.user_id

)

select * from final
