-- One row per journey: its account, source, intent, product line, and the segment,
-- territory and business calendar its clocks use (inherited from the account when blank).
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

final as (

    select * from journeys

)

select * from final
