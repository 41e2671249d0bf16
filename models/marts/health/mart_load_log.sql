-- The loader's audit trail (raw.load_log), one row per load × table: what each load read,
-- loaded, rejected, inserted and updated. Health marts read the staging layer directly:
-- their subject is the raw data itself.
-- A pass-through: published as a view, so the table is stored once.
{{ config(materialized='view') }}

with

load_log as (

    select * from {{ ref('stg_loader__load_log') }}

),

final as (

    select * from load_log

)

select * from final
