-- Every visit checked against the active entry criteria of its stage (seed
-- stage_entry_criteria; docs/sla_semantics.md, "Stage entry criteria"): passed or failed,
-- with the evidence. Grain: one row per stage_visit_id × criterion_id.
{%- set journey_fields = stage_entry_fields()['journey'] %}
{%- set account_fields = stage_entry_fields()['account'] %}
with

criteria as (

    select * from {{ ref('stage_entry_criteria') }}

),

visits as (

    select * from {{ ref('int_stage_visits') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

accounts as (

    select * from {{ ref('int_crm__accounts') }}

),

active_criteria as (

    -- parameters: up to three `;`-separated parts, their meaning by kind (seed docs).
    select
        trim(stage) as stage,
        criterion_id,
        kind,
        nullif(trim({{ dbt.split_part('parameters', "';'", 1) }}), '') as parameter_1,
        nullif(trim({{ dbt.split_part('parameters', "';'", 2) }}), '') as parameter_2,
        nullif(trim({{ dbt.split_part('parameters', "';'", 3) }}), '') as parameter_3

    from criteria
    where is_active

),

visit_criteria as (

    select
        visits.stage_visit_id,
        visits.journey_id,
        visits.stage,
        visits.owner_id,
        visits.journey_visit_sequence,
        visits.entered_at,
        active_criteria.criterion_id,
        active_criteria.kind,
        active_criteria.parameter_1,
        active_criteria.parameter_2,
        cast(active_criteria.parameter_3 as integer) as window_days

    from visits
    inner join active_criteria
        on visits.stage = active_criteria.stage

),

prior_stage_matches as (

    -- An earlier visit of the journey (by visit sequence) to the named stage; the latest.
    select
        visit_criteria.stage_visit_id,
        visit_criteria.criterion_id,
        prior_visits.stage_visit_id as evidence_id,
        prior_visits.stage as evidence_value,
        prior_visits.entered_at as evidence_at,
        row_number() over (
            partition by visit_criteria.stage_visit_id, visit_criteria.criterion_id
            order by prior_visits.journey_visit_sequence desc
        ) as match_rank

    from visit_criteria
    inner join visits as prior_visits
        on visit_criteria.journey_id = prior_visits.journey_id
        and visit_criteria.parameter_1 = prior_visits.stage
        and visit_criteria.journey_visit_sequence > prior_visits.journey_visit_sequence
    where visit_criteria.kind = 'prior_stage'

),

activity_matches as (

    -- A qualifying activity (human touch; listed type, else any but milestone; listed
    -- outcome, else any) with entered_at − N days ≤ occurred_at ≤ entered_at: both ends
    -- included. The latest is the evidence.
    select
        visit_criteria.stage_visit_id,
        visit_criteria.criterion_id,
        activities.activity_id as evidence_id,
        {{ dbt.concat([
            'activities.activity_type', "':'", "coalesce(activities.outcome, '')",
        ]) }} as evidence_value,
        activities.occurred_at as evidence_at,
        row_number() over (
            partition by visit_criteria.stage_visit_id, visit_criteria.criterion_id
            order by activities.occurred_at desc, activities.activity_id desc
        ) as match_rank

    from visit_criteria
    inner join activities
        on visit_criteria.journey_id = activities.journey_id
        and activities.occurred_at <= visit_criteria.entered_at
        and (
            visit_criteria.window_days is null
            or activities.occurred_at >= {{ dbt.dateadd(
                'day', '-1 * visit_criteria.window_days', 'visit_criteria.entered_at'
            ) }}
        )
    where visit_criteria.kind = 'activity_before_entry'
        and activities.is_human_touch
        and case
            when visit_criteria.parameter_1 is null then activities.activity_type != 'milestone'
            else {{ list_contains('visit_criteria.parameter_1', 'activities.activity_type') }}
        end
        and {{ list_contains('visit_criteria.parameter_2', 'activities.outcome') }}

),

field_values as (

    -- The attributes field_present can name, one row per journey and attribute.
    {%- for field in journey_fields %}
        select
            journey_id,
            '{{ field }}' as field_name,
            cast({{ field }} as {{ dbt.type_string() }}) as field_value
        from journeys
        union all
    {%- endfor %}
    {%- for field in account_fields %}
        select
            journeys.journey_id,
            'account.{{ field }}' as field_name,
            cast(accounts.{{ field }} as {{ dbt.type_string() }}) as field_value
        from journeys
        left join accounts
            on journeys.account_id = accounts.account_id
        {{ 'union all' if not loop.last }}
    {%- endfor %}

),

checked as (

    select
        visit_criteria.stage_visit_id,
        visit_criteria.criterion_id,
        visit_criteria.journey_id,
        visit_criteria.stage,
        visit_criteria.kind,
        case visit_criteria.kind
            when 'prior_stage' then prior_stage_matches.evidence_id is not null
            when 'owner_role_at_entry'
                then visit_criteria.owner_id is not null
                    and users.user_id is not null
                    and {{ list_contains('visit_criteria.parameter_1', 'users.role') }}
            when 'activity_before_entry' then activity_matches.evidence_id is not null
            when 'field_present'
                then coalesce(trim(field_values.field_value), '') != ''
        end as is_passed,
        case visit_criteria.kind
            when 'prior_stage' then prior_stage_matches.evidence_id
            when 'owner_role_at_entry' then visit_criteria.owner_id
            when 'activity_before_entry' then activity_matches.evidence_id
        end as evidence_id,
        case visit_criteria.kind
            when 'prior_stage' then prior_stage_matches.evidence_value
            when 'owner_role_at_entry' then users.role
            when 'activity_before_entry' then activity_matches.evidence_value
            when 'field_present' then field_values.field_value
        end as evidence_value,
        case visit_criteria.kind
            when 'prior_stage' then prior_stage_matches.evidence_at
            when 'activity_before_entry' then activity_matches.evidence_at
        end as evidence_at,
        visit_criteria.entered_at

    from visit_criteria
    left join prior_stage_matches
        on visit_criteria.stage_visit_id = prior_stage_matches.stage_visit_id
        and visit_criteria.criterion_id = prior_stage_matches.criterion_id
        and prior_stage_matches.match_rank = 1
    left join activity_matches
        on visit_criteria.stage_visit_id = activity_matches.stage_visit_id
        and visit_criteria.criterion_id = activity_matches.criterion_id
        and activity_matches.match_rank = 1
    left join users
        on visit_criteria.kind = 'owner_role_at_entry'
        and visit_criteria.owner_id = users.user_id
    left join field_values
        on visit_criteria.kind = 'field_present'
        and visit_criteria.journey_id = field_values.journey_id
        and visit_criteria.parameter_1 = field_values.field_name

),

final as (

    select
        stage_visit_id,
        criterion_id,
        journey_id,
        evidence_id,
        stage,
        kind,
        evidence_value,
        is_passed,
        -- The visit met its stage's entry criteria: every active criterion passed.
        min(case when is_passed then 1 else 0 end) over (partition by stage_visit_id) = 1
            as is_entry_criteria_met,
        evidence_at,
        entered_at

    from checked

)

select * from final
