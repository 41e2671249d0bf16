-- The routing_rules seed as analysts type it turned into one canonical form (trimmed, lower
-- case, '*' for any) with each rule's specificity: the number of fields it pins. The most
-- specific matching rule decides (ties: the lowest rule_id), see mart_routing.
with

routing_rules as (

    select * from {{ ref('routing_rules') }}

),

rules_normalized as (

    select
        trim(rule_id) as rule_id,
        lower(trim(owner_role)) as owner_role,
        trim(team) as team,
        coalesce(nullif(lower(trim(segment)), ''), '*') as segment,
        coalesce(nullif(lower(trim(territory)), ''), '*') as territory,
        coalesce(nullif(lower(trim(intent_level)), ''), '*') as intent_level,
        coalesce(nullif(lower(trim(product_line)), ''), '*') as product_line

    from routing_rules

),

final as (

    select
        *,
        (case when segment != '*' then 1 else 0 end)
        + (case when territory != '*' then 1 else 0 end)
        + (case when intent_level != '*' then 1 else 0 end)
        + (case when product_line != '*' then 1 else 0 end) as specificity

    from rules_normalized

)

select * from final
