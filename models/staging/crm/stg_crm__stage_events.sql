with

source as (

    select * from {{ source('crm', 'stage_events') }}

),

renamed as (

    select
        event_id,
        journey_id,
        owner_id,
        stage,
        lower(reason_code) as reason_code,
        occurred_at,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
