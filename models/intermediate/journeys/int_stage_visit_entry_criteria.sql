-- Each checked visit's entry criteria rolled up (docs/sla_semantics.md, "Stage entry
-- criteria"): met when every active criterion of its stage passed, and which failed. The one
-- place clocks (int_clocks_resolved) read entry_criteria_met from. Grain: one row per
-- stage_visit_id that has at least one active criterion; a visit without a row has none and
-- counts as met where it is joined.
with

entry_checks as (

    select * from {{ ref('int_stage_entry_checks_evaluated') }}

),

visit_criteria as (

    select
        stage_visit_id,
        max(journey_id) as journey_id,
        max(stage) as stage,
        -- The failed ids in their own order, so the text is the same on every engine and run.
        -- A criterion not known to pass (is_passed null) failed, as in the checks model.
        {{ journey_sla.sorted_string_agg(
            'case when is_passed then null else criterion_id end', "'|'"
        ) }} as failed_criteria,
        count(*) as criteria,
        count(*) - {{ stats_count_if('is_passed') }} as failed_criteria_count,
        max(entered_at) as entered_at

    from entry_checks
    group by stage_visit_id

),

final as (

    select
        stage_visit_id,
        journey_id,
        stage,
        nullif(failed_criteria, '') as failed_criteria,
        criteria,
        failed_criteria_count,
        -- Every active criterion passed: not one failed.
        failed_criteria_count = 0 as is_entry_criteria_met,
        entered_at

    from visit_criteria

)

select * from final
