-- One row per journey: its account, source, intent, product line, and the segment,
-- territory and business calendar its clocks use (inherited from the account when blank).
with

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

final as (

    select * from journeys

)

select * from final
