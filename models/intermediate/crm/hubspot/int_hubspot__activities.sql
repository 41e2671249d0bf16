{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot engagements in the contract's shape (docs/crm_sources.md): an engagement attaches
-- to the journey of its associated deal (engagement_deal), else of its associated contact
-- (engagement_contact; several: the first journey by id); otherwise it is left out.
-- Classified by crm_activity_map: activity_type from the engagement type row (a type whose
-- row sets none, such as TASK, is no activity); direction from the call's direction row,
-- else the type row, else outbound; outcome from the call disposition, meeting outcome or
-- note body row, else the type row; is_automated from the e-mail's sent_via row, else the
-- type row. A meeting still scheduled happened when it was booked (created_at) and is
-- scheduled for its start time; every other engagement happened at its timestamp.

with

engagements as (

    select * from {{ ref('stg_hubspot__engagement') }}

),

calls as (

    select * from {{ ref('stg_hubspot__engagement_call') }}

),

emails as (

    select * from {{ ref('stg_hubspot__engagement_email') }}

),

meetings as (

    select * from {{ ref('stg_hubspot__engagement_meeting') }}

),

notes as (

    select * from {{ ref('stg_hubspot__engagement_note') }}

),

engagement_contacts as (

    select * from {{ ref('stg_hubspot__engagement_contact') }}

),

engagement_deals as (

    select * from {{ ref('stg_hubspot__engagement_deal') }}

),

owners as (

    select * from {{ ref('stg_hubspot__owner') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

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
    where crm = 'hubspot'

),

attachments as (

    select
        engagement_deals.engagement_id,
        journey_records.journey_id,
        1 as preference
    from engagement_deals
    inner join journey_records
        on engagement_deals.deal_id = journey_records.record_id
        and journey_records.record_type = 'deal'
    union all
    select
        engagement_contacts.engagement_id,
        journey_records.journey_id,
        2 as preference
    from engagement_contacts
    inner join journey_records
        on engagement_contacts.contact_id = journey_records.record_id
        and journey_records.record_type = 'contact'

),

first_attachments as (

    select
        engagement_id,
        journey_id
    from attachments
    qualify row_number() over (
            partition by engagement_id order by preference, journey_id
        ) = 1

),

classified as (

    select
        engagements.*,
        meetings.starts_at,
        by_type.activity_type,
        coalesce(by_direction.direction, by_type.direction) as direction,
        coalesce(
            by_disposition.outcome, by_meeting.outcome, by_note.outcome, by_type.outcome
        ) as outcome,
        coalesce(by_sender.is_automated, by_type.is_automated, false) as is_automated
    from engagements
    left join calls
        on engagements.engagement_id = calls.engagement_id
    left join emails
        on engagements.engagement_id = emails.engagement_id
    left join meetings
        on engagements.engagement_id = meetings.engagement_id
    left join notes
        on engagements.engagement_id = notes.engagement_id
    left join activity_map as by_type
        on by_type.crm_object = 'engagement'
        and by_type.field_key = 'type'
        and lower(trim(engagements.engagement_type)) = by_type.value_key
    left join activity_map as by_direction
        on by_direction.crm_object = 'engagement_call'
        and by_direction.field_key = 'direction'
        and lower(trim(calls.call_direction)) = by_direction.value_key
    left join activity_map as by_disposition
        on by_disposition.crm_object = 'engagement_call'
        and by_disposition.field_key = 'disposition'
        and lower(trim(calls.call_disposition)) = by_disposition.value_key
    left join activity_map as by_meeting
        on by_meeting.crm_object = 'engagement_meeting'
        and by_meeting.field_key = 'meetingoutcome'
        and lower(trim(meetings.meeting_outcome)) = by_meeting.value_key
    left join activity_map as by_note
        on by_note.crm_object = 'engagement_note'
        and by_note.field_key = 'body'
        and lower(trim(notes.note_body)) = by_note.value_key
    left join activity_map as by_sender
        on by_sender.crm_object = 'engagement_email'
        and by_sender.field_key = 'sentvia'
        and lower(trim(emails.sent_via)) = by_sender.value_key

),

final as (

    select
        classified.engagement_id as activity_id,
        first_attachments.journey_id,
        owners.owner_id,
        classified.activity_type,
        coalesce(classified.direction, 'outbound') as direction,
        lower(classified.outcome) as outcome,
        classified.is_automated,
        case
            when classified.activity_type = 'meeting' and lower(classified.outcome) = 'scheduled'
                then coalesce(classified.created_at, classified.occurred_at)
            else coalesce(classified.occurred_at, classified.created_at)
        end as occurred_at,
        case
            when classified.activity_type = 'meeting' and lower(classified.outcome) = 'scheduled'
                then coalesce(classified.starts_at, classified.occurred_at)
        end as scheduled_for_at,
        classified.source_file_name,
        classified.load_id,
        classified.loaded_at

    from classified
    inner join first_attachments
        on classified.engagement_id = first_attachments.engagement_id
    left join owners
        on classified.owner_id = owners.owner_id
    where classified.activity_type is not null

)

select * from final
