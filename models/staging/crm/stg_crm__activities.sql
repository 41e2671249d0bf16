with

source as (

    select * from {{ source('crm', 'activities') }}

),

renamed as (

    select
        activity_id,
        journey_id,
        owner_id,
        activity_type,
        direction,
        lower(outcome) as outcome,
        is_automated,
        occurred_at,
        scheduled_for as scheduled_for_at,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
