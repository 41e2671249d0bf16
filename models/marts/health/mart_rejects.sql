-- Every row the loader quarantined (raw.rejects) with its reason, column and original
-- values: nothing read is lost. Health marts read the staging layer directly: their subject
-- is the raw data itself.
with

rejects as (

    select * from {{ ref('stg_loader__rejects') }}

),

final as (

    select * from rejects

)

select * from final
