-- The public visit outcomes fact (grain: one row per stage visit), published from
-- int_visit_outcomes, the governance building block where its rules live, as a view: no second
-- copy of the table.
{{ config(materialized='view') }}

with

visit_outcomes as (

    select * from {{ ref('int_visit_outcomes') }}

),

final as (

    select * from visit_outcomes

)

select * from final
