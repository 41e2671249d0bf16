-- The stage entry criteria (seeds/stage_entry_criteria.csv) as the analyst wrote them, inactive
-- ones included: the words the review shows for a criterion_id. A core dimension may read a
-- seed directly. A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

criteria as (

    select * from {{ ref('stage_entry_criteria') }}

),

final as (

    select * from criteria

)

select * from final
