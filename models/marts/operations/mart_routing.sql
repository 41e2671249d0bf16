-- Every assignment judged against the routing rules: which team the rules say the owner
-- should come from, and whether the owner came from it. The owner role an assignment is
-- judged for is decided by the stage the journey was in when it was assigned.
with

assignments_until_as_of as (

    select * from {{ ref('int_assignments_until_as_of') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

visits as (

    select * from {{ ref('fct_stage_visits') }}

),

rules_with_specificity as (

    select * from {{ ref('int_routing_rules_normalized') }}

),

visit_at_assignment as (

    -- The visit current at assigned_at (the latest entered at or before it); an assignment
    -- made before the journey's first stage event falls back to the first visit.
    select
        assignments_until_as_of.assignment_id,
        assignments_until_as_of.journey_id,
        coalesce(
            max(
                case
                    when visits.entered_at <= assignments_until_as_of.assigned_at
                        then visits.journey_visit_sequence
                end
            ),
            min(visits.journey_visit_sequence)
        ) as journey_visit_sequence

    from assignments_until_as_of
    inner join visits
        on assignments_until_as_of.journey_id = visits.journey_id
    group by
        assignments_until_as_of.assignment_id,
        assignments_until_as_of.journey_id

),

stage_at_assignment as (

    select
        visit_at_assignment.assignment_id,
        visit_at_assignment.journey_visit_sequence,
        visits.stage,
        visits.entered_at as visit_entered_at

    from visit_at_assignment
    inner join visits
        on visit_at_assignment.journey_id = visits.journey_id
        and visit_at_assignment.journey_visit_sequence = visits.journey_visit_sequence

),

assignments_in_context as (

    select
        assignments_until_as_of.assignment_id,
        assignments_until_as_of.journey_id,
        assignments_until_as_of.owner_id,
        assignments_until_as_of.method,
        owners.role as owner_role,
        {{ owner_team('owners') }} as owner_team,
        owners.user_id is not null as is_known_owner,
        journeys.segment,
        journeys.territory,
        journeys.intent_level,
        journeys.product_line,
        stage_at_assignment.stage as stage_at_assignment,
        -- Time to assign: from entering the stage to its first assignment (a handoff's
        -- routing delay); later assignments in the same visit are reassignments, and an
        -- assignment made before the visit began has no delay to measure.
        case
            when row_number() over (
                    partition by
                        assignments_until_as_of.journey_id,
                        stage_at_assignment.journey_visit_sequence
                    order by
                        assignments_until_as_of.assigned_at,
                        assignments_until_as_of.assignment_id
                ) = 1
                and assignments_until_as_of.assigned_at >= stage_at_assignment.visit_entered_at
                then {{ seconds_between(
                    'stage_at_assignment.visit_entered_at', 'assignments_until_as_of.assigned_at'
                ) }} / 60.0
        end as minutes_to_assign,
        assignments_until_as_of.assigned_at

    from assignments_until_as_of
    left join users as owners
        on assignments_until_as_of.owner_id = owners.user_id
    left join journeys
        on assignments_until_as_of.journey_id = journeys.journey_id
    left join stage_at_assignment
        on assignments_until_as_of.assignment_id = stage_at_assignment.assignment_id

),

expected_roles as (

    -- The role that should own a journey in each stage. During adoption the renewal owner
    -- (am) takes over from cs, so an am assignment then is judged as an am assignment.
    -- Closing stages are not judged: nobody should be working a closed journey.
    select
        *,
        case
            when stage_at_assignment in ('inquiry', 'mql', 'sal') then 'sdr'
            when stage_at_assignment in ('sql', 'opportunity') then 'ae'
            when stage_at_assignment in ('closed_won', 'onboarding') then 'cs'
            when stage_at_assignment = 'adoption'
                then case when owner_role = 'am' then 'am' else 'cs' end
            when stage_at_assignment = 'renewal' then 'am'
        end as expected_owner_role

    from assignments_in_context

),

matching_rules as (

    -- Most specific rule first; equally specific rules are ordered by rule_id.
    select
        expected_roles.assignment_id,
        rules_with_specificity.rule_id,
        rules_with_specificity.team,
        rules_with_specificity.specificity,
        row_number() over (
            partition by expected_roles.assignment_id
            order by rules_with_specificity.specificity desc, rules_with_specificity.rule_id asc
        ) as rule_rank

    from expected_roles
    inner join rules_with_specificity
        on expected_roles.expected_owner_role = rules_with_specificity.owner_role
        and {{ wildcard_matches('rules_with_specificity.segment', 'expected_roles.segment') }}
        and {{ wildcard_matches('rules_with_specificity.territory', 'expected_roles.territory') }}
        and {{ wildcard_matches(
            'rules_with_specificity.intent_level', 'expected_roles.intent_level'
        ) }}
        and {{ wildcard_matches(
            'rules_with_specificity.product_line', 'expected_roles.product_line'
        ) }}

),

outcomes as (

    select
        expected_roles.*,
        matching_rules.rule_id,
        matching_rules.team as expected_team,
        matching_rules.specificity as rule_specificity,
        case
            when expected_roles.expected_owner_role is null then 'not_judged'
            when matching_rules.rule_id is null then 'no_rule'
            when not expected_roles.is_known_owner then 'no_owner'
            when expected_roles.owner_team = matching_rules.team then 'matched'
            else 'mismatched'
        end as routing_outcome

    from expected_roles
    left join matching_rules
        on expected_roles.assignment_id = matching_rules.assignment_id
        and matching_rules.rule_rank = 1

),

final as (

    select
        assignment_id,
        journey_id,
        owner_id,
        rule_id,
        method,
        stage_at_assignment,
        expected_owner_role,
        owner_role,
        expected_team,
        owner_team,
        segment,
        territory,
        intent_level,
        product_line,
        routing_outcome,
        cast(rule_specificity as integer) as rule_specificity,
        minutes_to_assign,
        routing_outcome = 'matched' as is_team_match,
        coalesce(method = 'round_robin', false) as is_round_robin,
        coalesce(method = 'round_robin' and routing_outcome = 'mismatched', false)
            as is_round_robin_without_context,
        cast({{ dbt.date_trunc('month', 'assigned_at') }} as date) as assigned_month,
        assigned_at

    from outcomes

)

select * from final
