-- depends_on: {{ ref('int_calendar_days') }}
-- Size: 282 lines on purpose — one CTE per matrix KPI (eight of them) in one long table the
-- app lists; each KPI is a few lines and shares the row shape through kpi_measures.
-- The matrix's KPIs month by month, one row per month and KPI (docs/metrics.md, "Stage
-- KPIs"). Visit-based rates use mature visits only, like every conversion rate.
with

clocks as (

    select * from {{ ref('fct_clock_outcomes') }}

),

visits as (

    select * from {{ ref('fct_visit_outcomes') }}

),

activities as (

    select * from {{ ref('int_activities_until_as_of') }}

),

ended_contracts as (

    select * from {{ ref('int_contracts_ended') }}

),

speed_to_lead as (

    -- Business minutes from an inquiry to its first human touch, over resolved first_touch
    -- clocks (a breached clock never touched counts with its time so far, a lower bound).
    select
        started_month_date as month_start_date,
        {{ kpi_measures(
            'speed_to_lead', 'business_minutes',
            value=stats_percentile('elapsed_business_minutes', 0.5),
            observations='count(*)',
        ) }}

    from clocks
    where stage = 'inquiry'
        and sla_type = 'first_touch'
        and is_resolved
    group by started_month_date

),

next_stage_conversions as (

    -- mql_to_sal and sql_to_opportunity: mature visits entering the next funnel stage
    -- within the conversion window.
    select
        entered_month_date as month_start_date,
        case stage when 'mql' then 'mql_to_sal' when 'sql' then 'sql_to_opportunity' end as kpi,
        'rate' as value_unit,
        {{ stats_ratio(
            stats_count_if('is_converted_to_next'), 'count(is_converted_to_next)'
        ) }} as value,
        cast({{ stats_count_if('is_converted_to_next') }} as {{ stats_double() }}) as numerator,
        cast(count(is_converted_to_next) as {{ stats_double() }}) as denominator,
        count(is_converted_to_next) as observations,
        {{ stats_count_if('not is_mature') }} as immature_visits

    from visits
    where stage in ('mql', 'sql')
    group by entered_month_date, stage

),

sal_contacts as (

    -- Two-way contact during an SAL visit: a connected call, a held meeting, an outbound
    -- touch marked replied, or an inbound email, call, chat or sms from the prospect.
    select
        visits.stage_visit_id,
        max(
            case
                when activities.activity_type = 'call' and activities.outcome = 'connected' then 1
                when activities.activity_type = 'meeting' and activities.outcome = 'held' then 1
                when activities.outcome = 'replied' then 1
                when activities.direction = 'inbound'
                    and activities.activity_type in ('email', 'call', 'chat', 'sms') then 1
                else 0
            end
        ) as has_contact

    from visits
    inner join activities
        on visits.journey_id = activities.journey_id
        and visits.entered_at <= activities.occurred_at
        and (visits.exited_at is null or visits.exited_at > activities.occurred_at)
    where visits.stage = 'sal'
    group by visits.stage_visit_id

),

contact_rate as (

    select
        visits.entered_month_date as month_start_date,
        {%- set contacted = (
            'count(case when visits.is_mature and sal_contacts.has_contact = 1 then 1 end)'
        ) %}
        {{ kpi_measures(
            'contact_rate', 'rate',
            value=stats_ratio(contacted, stats_count_if('visits.is_mature')),
            numerator=contacted,
            denominator=stats_count_if('visits.is_mature'),
            observations=stats_count_if('visits.is_mature'),
            immature_visits=stats_count_if('not visits.is_mature'),
        ) }}

    from visits
    left join sal_contacts
        on visits.stage_visit_id = sal_contacts.stage_visit_id
    where visits.stage = 'sal'
    group by visits.entered_month_date

),

stage_velocity as (

    -- The opportunity stage's velocity: days from entry to a progressed exit (closed-won).
    select
        entered_month_date as month_start_date,
        {{ kpi_measures(
            'stage_velocity', 'days',
            value=stats_percentile('days_to_progress', 0.5),
            observations='count(days_to_progress)',
        ) }}

    from visits
    where stage = 'opportunity'
    group by entered_month_date

),

first_kickoffs as (

    -- The first kickoff meeting booked (or held) at or after the onboarding entry.
    select
        visits.stage_visit_id,
        min(activities.occurred_at) as kickoff_at

    from visits
    inner join activities
        on visits.journey_id = activities.journey_id
        and visits.entered_at <= activities.occurred_at
        and activities.is_human_touch
        and activities.activity_type = 'meeting'
        and activities.outcome in ('scheduled', 'held')
    where visits.stage = 'onboarding'
    group by visits.stage_visit_id

),

kickoff_visits as (

    select
        visits.stage_visit_id,
        visits.calendar_id,
        visits.entered_month_date,
        visits.entered_at,
        first_kickoffs.kickoff_at

    from visits
    inner join first_kickoffs
        on visits.stage_visit_id = first_kickoffs.stage_visit_id

),

kickoff_business_days as (

    {{ journey_sla.business_days_elapsed(
        'kickoff_visits', 'calendar_id', 'entered_at', 'kickoff_at', 'business_days_to_kickoff'
    ) }}

),

time_to_kickoff as (

    select
        entered_month_date as month_start_date,
        {{ kpi_measures(
            'time_to_kickoff', 'business_days',
            value=stats_percentile('business_days_to_kickoff', 0.5),
            observations='count(business_days_to_kickoff)',
        ) }}

    from kickoff_business_days
    group by entered_month_date

),

first_values as (

    -- The first first_value milestone at or after the adoption entry.
    select
        visits.stage_visit_id,
        visits.entered_month_date,
        {{ seconds_between(
            'visits.entered_at', 'min(activities.occurred_at)'
        ) }} / 86400.0 as days_to_value

    from visits
    inner join activities
        on visits.journey_id = activities.journey_id
        and visits.entered_at <= activities.occurred_at
        and activities.activity_type = 'milestone'
        and activities.outcome = 'first_value'
    where visits.stage = 'adoption'
    group by visits.stage_visit_id, visits.entered_month_date, visits.entered_at

),

time_to_value as (

    select
        entered_month_date as month_start_date,
        {{ kpi_measures(
            'time_to_value', 'days',
            value=stats_percentile('days_to_value', 0.5),
            observations='count(*)',
        ) }}

    from first_values
    group by entered_month_date

),

renewal_rate as (

    select
        end_month_date as month_start_date,
        {{ kpi_measures(
            'renewal_rate', 'rate',
            value=stats_ratio(stats_count_if("renewal_status = 'renewed'"), 'count(*)'),
            numerator=stats_count_if("renewal_status = 'renewed'"),
            denominator='count(*)',
            observations='count(*)',
        ) }}

    from ended_contracts
    group by end_month_date

),

net_revenue_retention as (

    select
        end_month_date as month_start_date,
        {%- set renewed_arr = (
            "sum(case when renewal_status = 'renewed' then coalesce(renewal_arr, 0) else 0 end)"
        ) %}
        {{ kpi_measures(
            'nrr', 'ratio',
            value=stats_ratio(renewed_arr, 'sum(arr)'),
            numerator=renewed_arr,
            denominator='sum(arr)',
            observations='count(*)',
        ) }}

    from ended_contracts
    group by end_month_date

),

final as (

    select * from speed_to_lead
    union all
    select * from next_stage_conversions
    union all
    select * from contact_rate
    union all
    select * from stage_velocity
    union all
    select * from time_to_kickoff
    union all
    select * from time_to_value
    union all
    select * from renewal_rate
    union all
    select * from net_revenue_retention

)

select * from final
