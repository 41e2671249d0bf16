with

source as (

    select * from {{ source('crm', 'journeys') }}

),

renamed as (

    select
        journey_id,
        account_id,
        source,
        intent_level,
        segment,
        territory,
        product_line,
        created_at,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
