-- The public SLA clock fact (grain: one row per clock instance), published from
-- int_clocks_resolved, where its rules live, as a view: no second copy of the table.
{{ config(materialized='view') }}

with

clocks as (

    select * from {{ ref('int_clocks_resolved') }}

),

final as (

    select * from clocks

)

select * from final
