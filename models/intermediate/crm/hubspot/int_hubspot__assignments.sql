{{ config(enabled=var('crm') == 'hubspot') }}
-- HubSpot ownership in the contract's shape (docs/crm_sources.md): every recorded change of
-- a contact's hubspot_owner_id to a loaded owner is an assignment at the change's timestamp
-- (the first one method rule, later ones manual); a contact without owner history is
-- assigned to its current owner at its createdate (rule). A deal's owner takes over the
-- journey at the deal's createdate (rule) when it is not already the journey's owner then.
-- An emptied owner (value blank) makes no assignment.

with

contacts as (

    select * from {{ ref('stg_hubspot__contact') }}

),

deals as (

    select * from {{ ref('stg_hubspot__deal') }}

),

owners as (

    select * from {{ ref('stg_hubspot__owner') }}

),

journey_records as (

    select * from {{ ref('int_hubspot__journey_records') }}

),

field_changes as (

    select * from {{ ref('int_hubspot__field_changes') }}

),

owner_changes as (

    select
        change_id as assignment_id,
        journey_id,
        value as owner_id,
        case
            when row_number() over (
                    partition by record_id order by changed_at, change_id
                ) = 1
                then 'rule'
            else 'manual'
        end as method,  -- noqa: RF04
        'contact owner changed in HubSpot' as reason,
        changed_at as assigned_at,
        source_file_name,
        load_id,
        loaded_at
    from field_changes
    where crm_object = 'contact' and field_key = 'hubspotownerid'

),

contact_owners as (

    select
        'contact-created:' || contacts.contact_id as assignment_id,
        contacts.contact_id as journey_id,
        contacts.owner_id,
        'rule' as method,  -- noqa: RF04
        'contact owner at creation' as reason,
        contacts.created_at as assigned_at,
        contacts.source_file_name,
        contacts.load_id,
        contacts.loaded_at
    from contacts
    where not exists (
        select 1
        from owner_changes
        where owner_changes.journey_id = contacts.contact_id
    )

),

contact_assignments as (

    select * from owner_changes
    union all
    select * from contact_owners

),

deal_records as (

    select
        deals.*,
        journey_records.journey_id
    from deals
    inner join journey_records
        on deals.deal_id = journey_records.record_id
        and journey_records.record_type = 'deal'
    where not journey_records.is_renewal_term and deals.owner_id is not null

),

owners_before_deals as (

    -- The journey's owner when the deal was created: its latest contact assignment at or
    -- before then (of several at that instant, the highest assignment_id, as
    -- int_owner_history decides).
    select
        deal_records.deal_id,
        max(contact_assignments.assigned_at) as assigned_at
    from deal_records
    inner join contact_assignments
        on deal_records.journey_id = contact_assignments.journey_id
        and contact_assignments.assigned_at <= deal_records.created_at
    group by deal_records.deal_id

),

owner_ids_before_deals as (

    select
        owners_before_deals.deal_id,
        max(contact_assignments.assignment_id) as assignment_id
    from owners_before_deals
    inner join deal_records
        on owners_before_deals.deal_id = deal_records.deal_id
    inner join contact_assignments
        on deal_records.journey_id = contact_assignments.journey_id
        and owners_before_deals.assigned_at = contact_assignments.assigned_at
    group by owners_before_deals.deal_id

),

deal_owners as (

    select
        'deal-created:' || deal_records.deal_id as assignment_id,
        deal_records.journey_id,
        deal_records.owner_id,
        'rule' as method,  -- noqa: RF04
        'deal owner at creation' as reason,
        deal_records.created_at as assigned_at,
        deal_records.source_file_name,
        deal_records.load_id,
        deal_records.loaded_at
    from deal_records
    left join owner_ids_before_deals
        on deal_records.deal_id = owner_ids_before_deals.deal_id
    left join contact_assignments
        on owner_ids_before_deals.assignment_id = contact_assignments.assignment_id
    where coalesce(contact_assignments.owner_id, '') != deal_records.owner_id

),

final as (

    select assignments.*
    from (
        select * from contact_assignments
        union all
        select * from deal_owners
    ) as assignments
    inner join owners
        on assignments.owner_id = owners.owner_id

)

select * from final
