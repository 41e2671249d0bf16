-- Activities the clocks may see: nothing after as_of. is_human_touch marks the ones that
-- can stop a clock at all: not inbound, and not automated (milestones are recorded by
-- systems, so they count even when automated). scheduled_for_at is the time an activity
-- books (a planned meeting or call): next_step clocks read it, and it may lie after as_of.
with

activities as (

    select * from {{ ref('int_crm__activities') }}

),

as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

activities_until_as_of as (

    select
        activities.*,
        activities.direction != 'inbound'
        and (not activities.is_automated or activities.activity_type = 'milestone')
            as is_human_touch

    from activities
    cross join as_of
    where activities.occurred_at <= as_of.as_of

),

final as (

    select
        activity_id,
        journey_id,
        owner_id,
        activity_type,
        direction,
        outcome,
        is_human_touch,
        -- One key for what a policy can match on (see int_policy_activity_kinds).
        {{ dbt.concat([
            "activity_type", "'|'", "coalesce(outcome, '')", "'|'",
            "case when is_human_touch then 'human' else 'other' end",
        ]) }} as activity_kind,
        occurred_at,
        scheduled_for_at

    from activities_until_as_of

)

select * from final
