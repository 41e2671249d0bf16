-- Activities the clocks may see: nothing after as_of. is_human_touch marks the ones that
-- can stop a clock at all: not inbound, and not automated (milestones are recorded by
-- systems, so they count even when automated).
with

activities as (

    select * from {{ ref('int_crm__activities') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

final as (

    select
        activities.activity_id,
        activities.journey_id,
        activities.owner_id,
        activities.activity_type,
        activities.direction,
        activities.outcome,
        activities.direction != 'inbound'
        and (not activities.is_automated or activities.activity_type = 'milestone')
            as is_human_touch,
        -- One key for what a policy can match on (see int_policy_activity_kinds).
        {{ dbt.concat([
            "activities.activity_type", "'|'", "coalesce(activities.outcome, '')", "'|'",
            "case when activities.direction != 'inbound' and (not activities.is_automated or activities.activity_type = 'milestone') then 'human' else 'other' end"
        ]) }} as activity_kind,
        activities.occurred_at

    from activities
    cross join as_of
    where activities.occurred_at <= as_of.as_of

)

select * from final
