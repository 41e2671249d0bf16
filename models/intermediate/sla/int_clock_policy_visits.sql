-- Which policies clock which visits: a policy applies to visits of its stage ('*': every
-- funnel stage) in journeys of its segment and intent level. Contract and signal policies
-- are matched per contract / signal in int_instant_clocks_started, not here.
with

visits as (

    select * from {{ ref('int_stage_visits') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

final as (

    select
        -- A compact join key for the clock models: grouping millions of joined rows on it is
        -- about twice as fast as on the two string ids it stands for. It is only a key inside
        -- one build (numbering without an order avoids a global sort), never an id to keep.
        {{ journey_sla.surrogate_row_key() }} as policy_visit_key,
        policies.policy_id,
        policies.sla_type,
        visits.stage_visit_id,
        visits.journey_id,
        visits.owner_id,
        visits.stage,
        visits.exit_kind,
        visits.calendar_id,
        journeys.segment,
        journeys.intent_level,
        visits.entered_at,
        visits.exited_at

    from visits
    inner join journeys
        on visits.journey_id = journeys.journey_id
    inner join policies
        on policies.is_active
        and (policies.stage = visits.stage or (policies.stage = '*' and not visits.is_closing))
        and {{ wildcard_matches('policies.segment', 'journeys.segment') }}
        and {{ wildcard_matches('policies.intent_level', 'journeys.intent_level') }}
    where policies.sla_type in (
            'first_touch', 'stage_exit', 'activity', 'attempts', 'handoff', 'follow_up', 'stall',
            'checkpoint'
        )

)

select * from final
