with

source as (

    select * from {{ source('crm', 'contracts') }}

),

renamed as (

    select
        contract_id,
        journey_id,
        account_id,
        renewal_status,
        arr,
        renewal_arr,
        start_date,
        end_date,
        _source_file as source_file_name,
        _load_id as load_id,
        _loaded_at as loaded_at

    from source

),

final as (

    select * from renamed

)

select * from final
