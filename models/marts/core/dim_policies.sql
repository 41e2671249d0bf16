-- One row per SLA policy (seeds/sla_policies.csv in canonical form): what is clocked, the
-- target and its unit, the commitment in words, the accountable role and failure handling.
with

policies as (

    select * from {{ ref('int_sla_policies_normalized') }}

),

final as (

    select * from policies

)

select * from final
