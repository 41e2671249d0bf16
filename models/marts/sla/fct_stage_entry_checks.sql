-- The public stage entry checks fact (grain: one row per stage visit × entry criterion of its
-- stage), published from int_stage_entry_checks_evaluated, where the rules live, as a view: no
-- second copy of the table.
{{ config(materialized='view') }}

with

entry_checks as (

    select * from {{ ref('int_stage_entry_checks_evaluated') }}

),

final as (

    select * from entry_checks

)

select * from final
