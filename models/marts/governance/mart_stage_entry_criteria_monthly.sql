-- How many entries broke which entry criterion (docs/metrics.md, "Entry criteria"): per month
-- of entry, stage, criterion and the sidebar's dimensions (segment, territory, the visit
-- owner's team), the visits entered and how many of them failed the criterion. Additive over
-- cells, so any filter sums them; the share is failed_entries / entries of the same cells.
with

entry_checks as (

    select * from {{ ref('int_stage_entry_checks_evaluated') }}

),

visit_outcomes as (

    select * from {{ ref('int_visit_outcomes') }}

),

criteria as (

    select * from {{ ref('dim_stage_entry_criteria') }}

),

checks_in_cells as (

    select
        visit_outcomes.entered_month_date as month_start_date,
        entry_checks.stage,
        entry_checks.criterion_id,
        visit_outcomes.segment,
        visit_outcomes.territory,
        visit_outcomes.owner_team,
        entry_checks.is_passed

    from entry_checks
    inner join visit_outcomes
        on entry_checks.stage_visit_id = visit_outcomes.stage_visit_id

),

counted as (

    -- Every visit of a stage has a row per active criterion of it, so entries is the stage's
    -- entries in the cell; a criterion not known to pass failed, as in the checks model.
    select
        month_start_date,
        stage,
        criterion_id,
        segment,
        territory,
        owner_team,
        count(*) as entries,
        count(*) - {{ stats_count_if('is_passed') }} as failed_entries

    from checks_in_cells
    group by month_start_date, stage, criterion_id, segment, territory, owner_team

),

final as (

    select
        counted.month_start_date,
        counted.stage,
        counted.criterion_id,
        counted.segment,
        counted.territory,
        counted.owner_team,
        criteria.description as criterion_description,
        criteria.kind,
        counted.entries,
        counted.failed_entries,
        {{ stats_ratio('counted.failed_entries', 'counted.entries') }} as failure_rate

    from counted
    left join criteria
        on counted.criterion_id = criteria.criterion_id

)

select * from final
