-- Next step coverage per month × next_step policy × owner × segment × territory (owner team
-- carried): the share of clocked visit time with a next step booked, calendar and business,
-- beside the gaps clocked. A visit counts whole in the month (UTC) it was entered, as clocks
-- count in the month they started (DECISIONLOG, "next_step"): every cell adds up, so the app
-- sums the cells of a month and of the sidebar filters and divides the sums.
with

coverage as (

    select * from {{ ref('fct_next_step_coverage') }}

),

journeys as (

    select * from {{ ref('int_journeys_enriched') }}

),

users as (

    select * from {{ ref('int_users_enriched') }}

),

visits as (

    select
        coverage.*,
        cast({{ dbt.date_trunc('month', 'coverage.entered_at') }} as date) as month_start_date,
        coalesce(journeys.segment, 'unknown') as segment,
        coalesce(journeys.territory, 'unknown') as territory,
        {{ owner_team('users') }} as team

    from coverage
    left join journeys
        on coverage.journey_id = journeys.journey_id
    left join users
        on coverage.owner_id = users.user_id

),

cells as (

    select
        month_start_date,
        policy_id,
        owner_id,
        segment,
        territory,
        max(team) as team,
        count(*) as visits,
        {{ stats_count_if('is_current') }} as current_visits,
        sum(visit_seconds) as visit_seconds,
        sum(covered_seconds) as covered_seconds,
        sum(visit_business_seconds) as visit_business_seconds,
        sum(covered_business_seconds) as covered_business_seconds,
        cast(sum(gaps) as {{ dbt.type_bigint() }}) as gaps,
        cast(sum(breached_gaps) as {{ dbt.type_bigint() }}) as breached_gaps,
        cast(sum(open_gaps) as {{ dbt.type_bigint() }}) as open_gaps

    from visits
    group by month_start_date, policy_id, owner_id, segment, territory

),

final as (

    select
        month_start_date,
        policy_id,
        owner_id,
        team,
        segment,
        territory,
        visits,
        current_visits,
        visit_seconds,
        covered_seconds,
        visit_business_seconds,
        covered_business_seconds,
        {{ stats_ratio('covered_seconds', 'visit_seconds') }} as covered_share,
        {{ stats_ratio(
            'covered_business_seconds', 'visit_business_seconds'
        ) }} as covered_business_share,
        gaps,
        breached_gaps,
        open_gaps

    from cells

)

select * from final
