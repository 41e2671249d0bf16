-- Size: over 250 lines on purpose — one long table of every check the Data health page
-- lists (load reconciliation, rejects, reason codes, CRM hygiene), each a short CTE.
-- Data quality findings in one long table the app can list: what the loader rejected,
-- whether the load reconciles, CRM values the mapping seeds do not name, and CRM hygiene the
-- SLA numbers depend on.
{%- set timed_tables = [
    {'table_name': 'stage_events', 'model': 'int_crm__stage_events', 'at': 'occurred_at'},
    {'table_name': 'activities', 'model': 'int_crm__activities', 'at': 'occurred_at'},
    {'table_name': 'assignments', 'model': 'int_crm__assignments', 'at': 'assigned_at'},
    {'table_name': 'signals', 'model': 'int_crm__signals', 'at': 'detected_at'},
] -%}
{%- set recycle_reason_problems = [
    'missing_code', 'unknown_code', 'retired_code', 'code_not_for_recycles',
] %}
with

rejects as (

    select * from {{ ref('stg_loader__rejects') }}

),

load_log as (

    select * from {{ ref('stg_loader__load_log') }}

),

recycles as (

    select * from {{ ref('fct_recycles') }}

),

journeys as (

    select * from {{ ref('int_crm__journeys') }}

),

{% for timed in timed_tables %}
    {{ timed.table_name }} as (

        select * from {{ ref(timed.model) }}

    ),

{% endfor %}
as_of as (

    select * from {{ ref('int_as_of_resolved') }}

),

unmapped_values as (

    select * from {{ ref('int_crm__unmapped_values') }}

),

check_catalog as (

    select
        1 as check_order,
        'load_reconciliation' as check_name,
        'error' as severity,
        'The latest load of the table does not reconcile: '
        || 'rows read minus rows loaded and rejected.' as description
    union all
    select
        2 as check_order,
        'loader_rejects' as check_name,
        'warning' as severity,
        'Rows the loader quarantined (raw.rejects), by reason; '
        || 'they are not in the warehouse.' as description
    union all
    select
        3 as check_order,
        'recycles_without_valid_reason' as check_name,
        'warning' as severity,
        'Recycled visits whose reason code is missing, unknown, retired '
        || 'or not meant for recycles.' as description
    union all
    select
        4 as check_order,
        'journeys_without_owner' as check_name,
        'warning' as severity,
        'Journeys with no owner on any stage event and no assignment (up to as_of).' as description
    union all
    select
        5 as check_order,
        'events_before_journey_created' as check_name,
        'warning' as severity,
        'Rows timestamped before their journey was created.' as description
    union all
    select
        6 as check_order,
        'events_after_as_of' as check_name,
        'info' as severity,
        'Rows timestamped after as_of; this build ignores them.' as description
    union all
    select
        7 as check_order,
        'unmapped_crm_values' as check_name,
        'warning' as severity,
        'CRM values no mapping seed names (seeds/crm/): the records carrying them lack a stage, '
        || 'role or activity type; detail names the field, the value and up to five record ids.'
            as description

),

latest_loads as (

    -- The most recent loader run that read a file for each table.
    select
        table_name,
        rows_read,
        rows_loaded,
        rows_rejected,
        row_number() over (
            partition by table_name order by loaded_at desc, load_id desc
        ) as recency_rank

    from load_log
    where file_name is not null

),

reconciliation_findings as (

    select
        'load_reconciliation' as check_name,
        table_name,
        'latest_load' as detail,
        abs(rows_read - rows_loaded - rows_rejected) as finding_count,
        rows_read as checked_count

    from latest_loads
    where recency_rank = 1

),

reject_findings as (

    -- raw.rejects keeps the rejects of the latest load of each file.
    select
        'loader_rejects' as check_name,
        rejects.table_name,
        coalesce(rejects.reject_reason, 'unknown') as detail,
        count(*) as finding_count,
        max(latest_loads.rows_read) as checked_count

    from rejects
    left join latest_loads
        on rejects.table_name = latest_loads.table_name
        and latest_loads.recency_rank = 1
    group by 1, 2, 3

),

recycles_classified as (

    select recycles.reason_problem
    from recycles

),

recycle_findings as (

    {% for problem in recycle_reason_problems %}
        select
            'recycles_without_valid_reason' as check_name,
            'stage_events' as table_name,
            '{{ problem }}' as detail,
            coalesce(
                sum(case when reason_problem = '{{ problem }}' then 1 else 0 end), 0
            ) as finding_count,
            count(*) as checked_count

        from recycles_classified
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

owned_journeys as (

    select stage_events.journey_id
    from stage_events
    cross join as_of
    where stage_events.owner_id is not null
        and stage_events.occurred_at <= as_of.as_of
    union
    select assignments.journey_id
    from assignments
    cross join as_of
    where assignments.owner_id is not null
        and assignments.assigned_at <= as_of.as_of

),

ownerless_findings as (

    select
        'journeys_without_owner' as check_name,
        'journeys' as table_name,
        'all' as detail,
        coalesce(
            sum(case when owned_journeys.journey_id is null then 1 else 0 end), 0
        ) as finding_count,
        count(*) as checked_count

    from journeys
    cross join as_of
    left join owned_journeys
        on journeys.journey_id = owned_journeys.journey_id
    where journeys.created_at <= as_of.as_of

),

timing_findings as (

    {% for timed in timed_tables %}
        select
            'events_before_journey_created' as check_name,
            '{{ timed.table_name }}' as table_name,
            'all' as detail,
            coalesce(
                sum(
                    case
                        when {{ timed.table_name }}.{{ timed.at }} < journeys.created_at then 1
                        else 0
                    end
                ),
                0
            ) as finding_count,
            count(*) as checked_count

        from {{ timed.table_name }}
        inner join journeys
            on {{ timed.table_name }}.journey_id = journeys.journey_id

        union all

        select
            'events_after_as_of' as check_name,
            '{{ timed.table_name }}' as table_name,
            'all' as detail,
            coalesce(
                sum(
                    case
                        when {{ timed.table_name }}.{{ timed.at }} > as_of.as_of then 1
                        else 0
                    end
                ),
                0
            ) as finding_count,
            count(*) as checked_count

        from {{ timed.table_name }}
        cross join as_of
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unmapped_findings as (

    select
        'unmapped_crm_values' as check_name,
        unmapped_values.crm || '.' || unmapped_values.crm_object as table_name,
        unmapped_values.field || ' = ' || unmapped_values.value
        || ' (' || unmapped_values.example_record_ids || ')' as detail,
        unmapped_values.record_count as finding_count,
        unmapped_values.record_count as checked_count

    from unmapped_values

),

findings as (

    select * from reconciliation_findings
    union all
    select * from reject_findings
    union all
    select * from recycle_findings
    union all
    select * from ownerless_findings
    union all
    select * from timing_findings
    union all
    select * from unmapped_findings

),

final as (

    select
        {{ dbt.concat([
            "findings.check_name", "':'", "findings.table_name", "':'", "findings.detail",
        ]) }} as finding_id,
        findings.check_name,
        findings.table_name,
        findings.detail,
        check_catalog.severity,
        check_catalog.description,
        cast(check_catalog.check_order as integer) as check_order,
        cast(findings.finding_count as bigint) as finding_count,
        cast(findings.checked_count as bigint) as checked_count,
        cast(findings.finding_count as {{ stats_double() }})
        / nullif(findings.checked_count, 0) as finding_share,
        findings.finding_count = 0 as is_passing,
        as_of.as_of

    from findings
    inner join check_catalog
        on findings.check_name = check_catalog.check_name
    cross join as_of

)

select * from final
