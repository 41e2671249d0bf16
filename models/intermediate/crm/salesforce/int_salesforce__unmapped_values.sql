{{ config(enabled=var('crm') == 'salesforce') }}
-- Every Salesforce value the mapping seeds do not name, with how many records carry it and
-- up to five of their ids (docs/crm_sources.md): stage values of a mapped field (the record's
-- current value or a recorded change), role names, lead sources and ratings, and task /
-- event kinds no activity map row classifies. An unmapped value never vanishes silently:
-- mart_data_quality lists each one.

with

leads as (

    select * from {{ ref('stg_salesforce__lead') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunity') }}

),

users as (

    select * from {{ ref('stg_salesforce__user') }}

),

user_roles as (

    select * from {{ ref('stg_salesforce__user_role') }}

),

tasks as (

    select * from {{ ref('stg_salesforce__task') }}

),

events as (

    select * from {{ ref('stg_salesforce__event') }}

),

field_changes as (

    select * from {{ ref('int_salesforce__field_changes') }}

),

activities as (

    select * from {{ ref('int_salesforce__activities') }}

),

stage_map as (

    select
        crm_object,
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key
    from {{ ref('crm_stage_map') }}
    where crm = 'salesforce'

),

role_map as (

    select lower(trim(value)) as value_key
    from {{ ref('crm_role_map') }}
    where crm = 'salesforce'

),

field_map as (

    select
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key
    from {{ ref('crm_field_map') }}
    where crm = 'salesforce'

),

stage_values as (

    select
        'lead' as crm_object,
        'status' as field_key,
        status as value,
        lead_id as record_id
    from leads
    union all
    select
        'opportunity' as crm_object,
        'stagename' as field_key,
        stage_name as value,
        opportunity_id as record_id
    from opportunities
    union all
    select
        crm_object,
        field_key,
        new_value as value,
        record_id
    from field_changes
    where new_value is not null
    union all
    select
        crm_object,
        field_key,
        old_value as value,
        record_id
    from field_changes
    where old_value is not null

),

unmapped_stages as (

    select
        stage_values.crm_object,
        stage_values.field_key as field,
        stage_values.value,
        stage_values.record_id
    from stage_values
    where
        (
            stage_values.field_key in ('status', 'stagename')
            or exists (
                select 1 from stage_map
                where
                    stage_map.crm_object = stage_values.crm_object
                    and stage_map.field_key = stage_values.field_key
            )
        )
        and not exists (
            select 1 from stage_map
            where
                stage_map.crm_object = stage_values.crm_object
                and stage_map.field_key = stage_values.field_key
                and stage_map.value_key = lower(trim(stage_values.value))
        )

),

unmapped_roles as (

    select
        'user' as crm_object,
        'user_role' as field,
        coalesce(user_roles.user_role_name, '(no role)') as value,
        users.user_id as record_id
    from users
    left join user_roles
        on users.user_role_id = user_roles.user_role_id
    where not exists (
            select 1 from role_map
            where role_map.value_key = lower(trim(user_roles.user_role_name))
        )

),

unmapped_journey_fields as (

    select
        'lead' as crm_object,
        field_values.field,
        field_values.value,
        field_values.record_id
    from (
        select
            'leadsource' as field,
            lead_source as value,
            lead_id as record_id
        from leads
        union all
        select
            'rating' as field,
            rating as value,
            lead_id as record_id
        from leads
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

unclassified_activities as (

    select
        'task' as crm_object,
        'task_subtype/type' as field,
        coalesce(tasks.task_subtype, '') || ' / ' || coalesce(tasks.type, '') as value,
        tasks.task_id as record_id
    from tasks
    left join activities
        on tasks.task_id = activities.activity_id
    where activities.activity_id is null
    union all
    select
        'event' as crm_object,
        'event_subtype/type' as field,
        coalesce(events.event_subtype, '') || ' / ' || coalesce(events.type, '') as value,
        events.event_id as record_id
    from events
    left join activities
        on events.event_id = activities.activity_id
    where activities.activity_id is null

),

unmapped as (

    select * from unmapped_stages
    union all
    select * from unmapped_roles
    union all
    select * from unmapped_journey_fields
    union all
    select * from unclassified_activities

),

final as (

    select
        'salesforce' as crm,
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
