{{ config(severity='error') }}
-- Policies have several versions in the seed; everything downstream that joins a policy by
-- policy_id must still give one row per clock (docs/sla_semantics.md, "Policy versions").
-- Every returned row names a relation and a key that fanned out or went missing.
with

clocks as (

    select * from {{ ref('fct_sla_clocks') }}

),

clock_outcomes as (

    select * from {{ ref('fct_clock_outcomes') }}

),

breaches as (

    select * from {{ ref('fct_sla_breaches') }}

),

action_queue as (

    select * from {{ ref('mart_action_queue') }}

),

policies as (

    select * from {{ ref('dim_policies') }}

),

policy_versions as (

    select * from {{ ref('dim_policy_versions') }}

),

problems as (

    select
        'fct_sla_clocks' as relation,
        clock_id as row_key,
        count(*) as row_count
    from clocks
    group by clock_id
    having count(*) > 1

    union all
    select
        'fct_clock_outcomes' as relation,
        clock_id as row_key,
        count(*) as row_count
    from clock_outcomes
    group by clock_id
    having count(*) > 1

    union all
    select
        'fct_sla_breaches' as relation,
        clock_id as row_key,
        count(*) as row_count
    from breaches
    group by clock_id
    having count(*) > 1

    union all
    select
        'mart_action_queue' as relation,
        clock_id as row_key,
        count(*) as row_count
    from action_queue
    group by clock_id
    having count(*) > 1

    union all
    select
        'dim_policies' as relation,
        policy_id as row_key,
        count(*) as row_count
    from policies
    group by policy_id
    having count(*) > 1

    union all
    -- Every clock's version exists, exactly once.
    select
        'fct_sla_clocks without its policy version' as relation,
        clocks.clock_id as row_key,
        count(policy_versions.policy_id) as row_count
    from clocks
    left join policy_versions
        on clocks.policy_id = policy_versions.policy_id
        and clocks.policy_version = policy_versions.policy_version
    group by clocks.clock_id
    having count(policy_versions.policy_id) != 1

    union all
    -- fct_clock_outcomes holds every clock, no more.
    select
        'fct_clock_outcomes vs fct_sla_clocks' as relation,
        'row count' as row_key,
        (select count(*) from clock_outcomes) - (select count(*) from clocks) as row_count
    from (select 1 as one) as single_row
    where (select count(*) from clock_outcomes) != (select count(*) from clocks)

),

final as (

    select * from problems

)

select * from final
