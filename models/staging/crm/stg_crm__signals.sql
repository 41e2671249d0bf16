with

source as (

    select * from {{ source('crm', 'signals') }}

),

renamed as (

    select
        signal_id,
        journey_id,
        signal_type,
        severity,
        detected_at,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
