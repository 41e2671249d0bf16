{{ config(enabled=var('crm') == 'salesforce') }}
-- Salesforce ownership in the contract's shape (docs/crm_sources.md): each lead and
-- opportunity is assigned at creation to its first owner (the old value of its first
-- recorded Owner change, else the current owner; method rule), and every recorded Owner
-- change to a user is an assignment (method manual). Salesforce records an owner change
-- twice, once with names and once with ids: only values naming a loaded user count, so the
-- name rows and changes to a queue make no assignment.

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

journey_records as (

    select * from {{ ref('int_salesforce__journey_records') }}

),

field_changes as (

    select * from {{ ref('int_salesforce__field_changes') }}

),

owner_changes as (

    select *
    from field_changes
    where
        field_key = 'owner'
        and (
            old_value in (select users.user_id from users)
            or new_value in (select users.user_id from users)
        )

),

records as (

    select
        'lead' as crm_object,
        lead_id as record_id,
        owner_id,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from leads
    union all
    select
        'opportunity' as crm_object,
        opportunity_id as record_id,
        owner_id,
        created_at,
        source_file_name,
        load_id,
        loaded_at
    from opportunities

),

first_owners as (

    select
        crm_object,
        record_id,
        old_value as first_owner_id
    from owner_changes
    qualify row_number() over (
            partition by crm_object, record_id order by created_at, change_id
        ) = 1

),

created_assignments as (

    select
        records.crm_object || '-created:' || records.record_id as assignment_id,
        journey_records.journey_id,
        coalesce(first_owners.first_owner_id, records.owner_id) as owner_id,
        'rule' as method,  -- noqa: RF04
        'owner at creation' as reason,
        records.created_at as assigned_at,
        records.source_file_name,
        records.load_id,
        records.loaded_at
    from records
    inner join journey_records
        on records.record_id = journey_records.record_id
        and records.crm_object = journey_records.record_type
    left join first_owners
        on records.crm_object = first_owners.crm_object
        and records.record_id = first_owners.record_id

),

change_assignments as (

    select
        change_id as assignment_id,
        journey_id,
        new_value as owner_id,
        'manual' as method,  -- noqa: RF04
        'owner changed in Salesforce' as reason,
        created_at as assigned_at,
        source_file_name,
        load_id,
        loaded_at
    from owner_changes

),

final as (

    select assignments.*
    from (
        select * from created_assignments
        union all
        select * from change_assignments
    ) as assignments
    inner join users
        on assignments.owner_id = users.user_id

)

select * from final
