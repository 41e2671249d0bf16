-- The public stage-visit fact (grain: one row per stage visit), published from
-- int_stage_visits, where its rules live, as a view: no second copy of the table.
{{ config(materialized='view') }}

with

visits as (

    select * from {{ ref('int_stage_visits') }}

),

final as (

    select * from visits

)

select * from final
