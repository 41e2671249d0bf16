{{ config(enabled=var('crm') == 'hubspot') }}
-- Every HubSpot value the mapping seeds do not name, with how many records carry it and up
-- to five of their ids (docs/crm_sources.md): values of a stage-mapped property (a contact's
-- lifecyclestage or hs_lead_status, a deal stage by id or label, a mapped company property;
-- current or in the history), team names (or an owner without a team), analytics sources
-- and ratings, and engagement types no activity map row names. A row with an empty stage or
-- activity type names a value on purpose (it makes nothing) and is not unmapped. An
-- optional object that loaded empty is listed too (field '(object)'), saying what the build
-- lacks. mart_data_quality lists each one.

with

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

pipeline_stages as (

    select * from {{ ref('stg_hubspot__deal_pipeline_stage') }}

),

owners as (

    select * from {{ ref('stg_hubspot__owner') }}

),

engagements as (

    select * from {{ ref('stg_hubspot__engagement') }}

),

users as (

    select * from {{ ref('int_hubspot__users') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

field_changes as (

    select * from {{ ref('int_hubspot__field_changes') }}

),

stage_map as (

    select
        crm_object,
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key
    from {{ ref('crm_stage_map') }}
    where crm = 'hubspot'

),

role_map as (

    select lower(trim(value)) as value_key
    from {{ ref('crm_role_map') }}
    where crm = 'hubspot'

),

field_map as (

    select
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key
    from {{ ref('crm_field_map') }}
    where crm = 'hubspot'

),

activity_map as (

    select lower(trim(value)) as value_key
    from {{ ref('crm_activity_map') }}
    where crm = 'hubspot' and crm_object = 'engagement' and {{ crm_key('field') }} = 'type'

),

stage_values as (

    select
        'contact' as crm_object,
        'lifecyclestage' as field_key,
        lifecycle_stage as value,
        contact_id as record_id
    from contacts
    union all
    select
        'contact' as crm_object,
        'hsleadstatus' as field_key,
        lead_status as value,
        contact_id as record_id
    from contacts
    union all
    select
        'deal' as crm_object,
        'dealstage' as field_key,
        deals.stage_id as value,
        deals.deal_id as record_id
    from deals
    inner join journey_records
        on deals.deal_id = journey_records.record_id
        and journey_records.record_type = 'deal'
    where not journey_records.is_renewal_term
    union all
    select
        crm_object,
        field_key,
        value,
        record_id
    from field_changes

),

labelled as (

    select
        stage_values.*,
        pipeline_stages.stage_label
    from stage_values
    left join pipeline_stages
        on stage_values.crm_object = 'deal'
        and stage_values.value = pipeline_stages.stage_id

),

unmapped_stages as (

    select
        labelled.crm_object,
        labelled.field_key as field,
        labelled.value,
        labelled.record_id
    from labelled
    where
        labelled.value is not null
        and (
            labelled.field_key in ('lifecyclestage', 'hsleadstatus', 'dealstage')
            or exists (
                select 1 from stage_map
                where
                    stage_map.crm_object = labelled.crm_object
                    and stage_map.field_key = labelled.field_key
            )
        )
        and not exists (
            select 1 from stage_map
            where
                stage_map.crm_object = labelled.crm_object
                and stage_map.field_key = labelled.field_key
                and stage_map.value_key in (
                    lower(trim(labelled.value)), lower(trim(labelled.stage_label))
                )
        )

),

unmapped_roles as (

    select
        'owner' as crm_object,
        'team' as field,
        coalesce(users.team, '(no team)') as value,
        users.user_id as record_id
    from users
    where not exists (
            select 1 from role_map
            where role_map.value_key = lower(trim(users.team))
        )

),

unmapped_journey_fields as (

    select
        'contact' as crm_object,
        field_values.field,
        field_values.value,
        field_values.record_id
    from (
        select
            'hsanalyticssource' as field,
            analytics_source as value,
            contact_id as record_id
        from contacts
        union all
        select
            'rating' as field,
            rating as value,
            contact_id as record_id
        from contacts
    ) as field_values
    where
        field_values.value is not null
        and not exists (
            select 1 from field_map
            where
                field_map.field_key = field_values.field
                and field_map.value_key = lower(trim(field_values.value))
        )

),

unmapped_engagements as (

    select
        'engagement' as crm_object,
        'type' as field,
        engagements.engagement_type as value,
        engagements.engagement_id as record_id
    from engagements
    where not exists (
            select 1 from activity_map
            where activity_map.value_key = lower(trim(engagements.engagement_type))
        )

),

{%- set optional_objects = [
    ['contact_property_history', 'contact stages from the current lifecycle stage only, no owner changes'],
    ['deal', 'no opportunity, won or lost stages, no contracts'],
    ['deal_stage', 'deal stages from the current stage only'],
    ['engagement', 'no calls, e-mails or meetings: touch clocks never stop'],
] %}

empty_objects as (

    {% for object_name, lacks in optional_objects %}
        select
            '{{ object_name }}' as crm_object,
            '(object)' as field,
            'no rows: {{ lacks }}' as value,
            '-' as record_id
        where not exists (select 1 from {{ ref('stg_hubspot__' ~ object_name) }})
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unmapped as (

    select * from unmapped_stages
    union all
    select * from unmapped_roles
    union all
    select * from unmapped_journey_fields
    union all
    select * from unmapped_engagements
    union all
    select * from empty_objects

),

final as (

    select
        'hubspot' as crm,
        crm_object,
        field,
        coalesce(value, '(empty)') as value,
        count(distinct record_id) as record_count,
        array_to_string(
            list_slice(list_sort(list_distinct(list(record_id))), 1, 5), ', '
        ) as example_record_ids

    from unmapped
    group by 1, 2, 3, 4

)

select * from final
