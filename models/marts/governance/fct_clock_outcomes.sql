-- The public clock outcomes fact (grain: one row per clock instance), published from
-- int_clock_outcomes, the governance building block where its rules live, as a view: no second
-- copy of the table.
{{ config(materialized='view') }}

with

clock_outcomes as (

    select * from {{ ref('int_clock_outcomes') }}

),

final as (

    select * from clock_outcomes

)

select * from final
