-- One row per activity up to as_of, with is_human_touch (whether it can stop a clock at all).
with

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

final as (

    select * from activities

)

select * from final
