-- One row per recycled visit: was it recycled with a valid reason, did the journey come
-- back into the funnel, and did the comeback reach SQL or later?
with

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

reason_codes as (

    select * from {{ ref('int_reason_codes_normalized') }}

),

visits_with_previous as (

    select
        *,
        lag(stage) over (partition by journey_id order by journey_visit_sequence) as previous_stage

    from visits

),

recycles as (

    select *
    from visits_with_previous
    where stage = 'recycled'

),

re_entries as (

    -- The next funnel visit after the recycle.
    select
        recycles.stage_visit_id,
        later_visits.stage as re_entry_stage,
        later_visits.entered_at as re_entered_at,
        later_visits.journey_visit_sequence as re_entry_sequence,
        row_number() over (
            partition by recycles.stage_visit_id
            order by later_visits.journey_visit_sequence
        ) as re_entry_rank

    from recycles
    inner join visits as later_visits
        on recycles.journey_id = later_visits.journey_id
        and recycles.journey_visit_sequence < later_visits.journey_visit_sequence
        and not later_visits.is_closing

),

first_re_entries as (

    select * from re_entries
    where re_entry_rank = 1

),

reached_sql as (

    -- The re-entry visit itself counts, and so does any later one.
    select
        first_re_entries.stage_visit_id,
        max(
            case
                when later_visits.funnel_order >= 4 and not later_visits.is_closing then 1
                else 0
            end
        ) as has_reached_sql

    from first_re_entries
    inner join recycles
        on first_re_entries.stage_visit_id = recycles.stage_visit_id
    inner join visits as later_visits
        on recycles.journey_id = later_visits.journey_id
        and first_re_entries.re_entry_sequence <= later_visits.journey_visit_sequence
    group by first_re_entries.stage_visit_id

),

reason_checks as (

    -- A recycle needs a code that is in the seed, active, and meant for recycles
    -- (applies_to recycled or any); otherwise the first problem found names why not.
    select
        recycles.stage_visit_id,
        reason_codes.nurture_track,
        case
            when recycles.reason_code is null then 'missing_code'
            when reason_codes.reason_code is null then 'unknown_code'
            when not reason_codes.is_active then 'retired_code'
            when reason_codes.applies_to not in ('recycled', 'any') then 'code_not_for_recycles'
        end as reason_problem

    from recycles
    left join reason_codes
        on recycles.reason_code = reason_codes.reason_code

),

final as (

    select
        recycles.stage_visit_id,
        recycles.journey_id,
        recycles.owner_id,
        recycles.previous_stage as from_stage,
        recycles.reason_code,
        case
            when reason_checks.reason_problem is null then reason_checks.nurture_track
        end as nurture_track,
        reason_checks.reason_problem,
        first_re_entries.re_entry_stage,
        {{ seconds_between('recycles.entered_at', 'first_re_entries.re_entered_at') }} / 86400.0
            as days_to_re_entry,
        reason_checks.reason_problem is null as has_valid_reason,
        first_re_entries.re_entered_at is not null as is_re_entered,
        coalesce(reached_sql.has_reached_sql = 1, false) as re_entry_reached_sql,
        recycles.entered_at as recycled_at,
        first_re_entries.re_entered_at

    from recycles
    left join reason_checks
        on recycles.stage_visit_id = reason_checks.stage_visit_id
    left join first_re_entries
        on recycles.stage_visit_id = first_re_entries.stage_visit_id
    left join reached_sql
        on recycles.stage_visit_id = reached_sql.stage_visit_id

)

select * from final
