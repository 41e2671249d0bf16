-- A journey inherits segment and territory from its account unless the journey says
-- otherwise; the territory picks the business calendar (unmapped: calendar 'default').
with

journeys as (

    select * from {{ ref('int_crm__journeys') }}

),

accounts as (

    select * from {{ ref('int_crm__accounts') }}

),

territories as (

    select * from {{ ref('territories') }}

),

final as (

    select
        journeys.journey_id,
        journeys.account_id,
        journeys.source,
        journeys.intent_level,
        coalesce(journeys.segment, accounts.segment) as segment,
        coalesce(journeys.territory, accounts.territory) as territory,
        coalesce(territories.calendar_id, 'default') as calendar_id,
        journeys.product_line,
        journeys.created_at

    from journeys
    left join accounts
        on journeys.account_id = accounts.account_id
    left join territories
        on coalesce(journeys.territory, accounts.territory) = territories.territory

)

select * from final
