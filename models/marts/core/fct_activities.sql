-- One row per activity up to as_of, with is_human_touch (whether it can stop a clock at all).
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

final as (

    select * from activities

)

select * from final
