-- Every row the loader quarantined (raw.rejects) with its reason, column and original
-- values: nothing read is lost. Health marts read the staging layer directly: their subject
-- is the raw data itself.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

rejects as (

    select * from {{ ref('stg_loader__rejects') }}

),

final as (

    select * from rejects

)

select * from final
