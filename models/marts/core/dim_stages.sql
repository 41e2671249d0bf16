-- The journey stages (seeds/stages.csv) in funnel order, closing stages last. A core
-- dimension may read a seed directly: it is the analyst's reference table, unchanged.
with

stages as (

    select * from {{ ref('stages') }}

),

final as (

    select * from stages

)

select * from final
