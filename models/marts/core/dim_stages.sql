-- The journey stages (seeds/stages.csv) in funnel order, closing stages last. A core
-- dimension may read a seed directly: it is the analyst's reference table, unchanged.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

stages as (

    select * from {{ ref('stages') }}

),

final as (

    select * from stages

)

select * from final
