{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce tasks and events in the contract's shape (docs/crm_sources.md). A task or event
-- attaches to the journey of its WhatId (an opportunity), else of its WhoId (a lead or the
-- contact a lead became). crm_activity_map classifies it: activity_type and is_automated
-- from the subtype row, else the type row; direction from the call type row, else subtype,
-- else type; outcome from the call disposition row, else subtype, else type. A task no row
-- gives a type (a to-do) is no activity. A task happened when completed, else when created;
-- an event is a meeting booked when created and scheduled for its start.

with

tasks as (

    select * from {{ ref('stg_salesforce__task') }}

),

events as (

    select * from {{ ref('stg_salesforce__event') }}

),

users as (

    select * from {{ ref('stg_salesforce__user') }}

),

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

activity_map as (

    select
        crm_object,
        {{ crm_key('field') }} as field_key,
        lower(trim(value)) as value_key,
        activity_type,
        direction,
        outcome,
        is_automated
    from {{ ref('crm_activity_map') }}
    where crm = 'salesforce'

),

touches as (

    select
        task_id as activity_id,
        'task' as crm_object,
        who_id,
        what_id,
        owner_id,
        task_subtype as subtype,
        type,
        call_type,
        call_disposition,
        coalesce(completed_at, created_at) as occurred_at,
        cast(null as timestamp) as scheduled_for_at,
        source_file_name,
        load_id,
        loaded_at
    from tasks
    union all
    select
        event_id as activity_id,
        'event' as crm_object,
        who_id,
        what_id,
        owner_id,
        event_subtype as subtype,
        type,
        null as call_type,
        null as call_disposition,
        created_at as occurred_at,
        starts_at as scheduled_for_at,
        source_file_name,
        load_id,
        loaded_at
    from events

),

classified as (

    select
        touches.*,
        coalesce(by_subtype.activity_type, by_type.activity_type) as activity_type,
        coalesce(by_call_type.direction, by_subtype.direction, by_type.direction) as direction,
        coalesce(by_disposition.outcome, by_subtype.outcome, by_type.outcome) as outcome,
        coalesce(by_subtype.is_automated, by_type.is_automated, false) as is_automated
    from touches
    left join activity_map as by_subtype
        on touches.crm_object = by_subtype.crm_object
        and by_subtype.field_key in ('tasksubtype', 'eventsubtype')
        and lower(trim(touches.subtype)) = by_subtype.value_key
    left join activity_map as by_type
        on touches.crm_object = by_type.crm_object
        and by_type.field_key = 'type'
        and lower(trim(touches.type)) = by_type.value_key
    left join activity_map as by_call_type
        on touches.crm_object = by_call_type.crm_object
        and by_call_type.field_key = 'calltype'
        and lower(trim(touches.call_type)) = by_call_type.value_key
    left join activity_map as by_disposition
        on touches.crm_object = by_disposition.crm_object
        and by_disposition.field_key = 'calldisposition'
        and lower(trim(touches.call_disposition)) = by_disposition.value_key

),

attached as (

    select
        classified.*,
        coalesce(by_what.journey_id, by_who.journey_id) as journey_id
    from classified
    left join journey_records as by_what
        on classified.what_id = by_what.record_id
        and by_what.record_type = 'opportunity'
    left join journey_records as by_who
        on classified.who_id = by_who.record_id
        and by_who.record_type in ('lead', 'contact')

),

final as (

    select
        attached.activity_id,
        attached.journey_id,
        users.user_id as owner_id,
        attached.activity_type,
        coalesce(attached.direction, 'outbound') as direction,
        lower(attached.outcome) as outcome,
        attached.is_automated,
        attached.occurred_at,
        attached.scheduled_for_at,
        attached.source_file_name,
        attached.load_id,
        attached.loaded_at

    from attached
    left join users
        on attached.owner_id = users.user_id
    where attached.journey_id is not null and attached.activity_type is not null

)

select * from final
