"""Contract-v1 tables as HubSpot objects (Fivetran spelling) that `load --crm hubspot` reads.

:func:`to_hubspot` writes the generator's journeys the way a HubSpot portal holds them, by
the rules of docs/crm_sources.md (HubSpot) and the shipped mapping seeds read backwards:

- a journey is a contact (id = journey_id) of its account's company; users are owners, their
  role a team (crm_role_map's HubSpot rows);
- pre-deal stages are contact property history: inquiry, mql, sql as lifecyclestage (lead,
  marketingqualifiedlead, salesqualifiedlead), sal, recycled, disqualified as hs_lead_status
  (IN_PROGRESS, BAD_TIMING, UNQUALIFIED);
- from the first deal stage on (opportunity ... churned) one deal per journey carries the
  stage entries: the default pipeline's appointmentscheduled, closedwon, closedlost, then the
  customer_success pipeline's customer_onboarding ... customer_churned;
- assignments are hubspot_owner_id history; the deal's owner is the journey's owner when the
  deal is created, so it adds no assignment; who moved a stage is the change's source_id;
- a journey's own territory is its contact's country;
- activities are engagements with their call / e-mail / meeting / note details, attached to
  the contact; contracts are deals of the `renewals` pipeline (deal id = contract id).

What HubSpot cannot express is listed in docs/crm_sources.md. Set-based (DuckDB over Arrow).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

__all__ = ["HUBSPOT_OBJECT_NAMES", "to_hubspot"]

# Contract stage -> (property or 'dealstage', HubSpot value): the default stage map read
# backwards (seeds/crm/crm_stage_map.csv, crm hubspot).
_STAGE_VALUES = (
    ("inquiry", "lifecyclestage", "lead"),
    ("mql", "lifecyclestage", "marketingqualifiedlead"),
    ("sql", "lifecyclestage", "salesqualifiedlead"),
    ("sal", "hs_lead_status", "IN_PROGRESS"),
    ("recycled", "hs_lead_status", "BAD_TIMING"),
    ("disqualified", "hs_lead_status", "UNQUALIFIED"),
    ("opportunity", "dealstage", "appointmentscheduled"),
    ("closed_won", "dealstage", "closedwon"),
    ("closed_lost", "dealstage", "closedlost"),
    ("onboarding", "dealstage", "customer_onboarding"),
    ("adoption", "dealstage", "customer_adoption"),
    ("renewal", "dealstage", "customer_renewal"),
    ("churned", "dealstage", "customer_churned"),
)
_TEAMS = (
    ("marketing", "Marketing"),
    ("sdr", "Sales Development"),
    ("ae", "Account Executives"),
    ("cs", "Customer Success"),
    ("am", "Account Management"),
    ("manager", "Sales Managers"),
    ("system", "Automation"),
)
_SOURCES = (
    ("inbound_form", "ORGANIC_SEARCH"),
    ("demo_request", "DIRECT_TRAFFIC"),
    ("event", "OFFLINE"),
    ("content", "SOCIAL_MEDIA"),
    ("referral", "REFERRALS"),
)
_RATINGS = (("high", "Hot"), ("medium", "Warm"), ("low", "Cold"))
_EMPLOYEES = (("smb", 50), ("mid_market", 500), ("enterprise", 5000))

HUBSPOT_OBJECT_NAMES = (
    "owner",
    "team",
    "owner_team",
    "company",
    "contact",
    "contact_property_history",
    "deal_pipeline",
    "deal_pipeline_stage",
    "deal",
    "deal_stage",
    "deal_contact",
    "engagement",
    "engagement_call",
    "engagement_email",
    "engagement_meeting",
    "engagement_note",
    "engagement_contact",
)


def _values(rows: tuple[tuple, ...], alias: str, names: str) -> str:
    """A VALUES list as a derived table ``alias(names)``."""
    body = ", ".join(
        "(" + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row) + ")"
        for row in rows
    )
    return f"(values {body}) as {alias}({names})"


_SQL = {
    "owner": """
        select u.user_id as owner_id, u.email, u.full_name as first_name,
            cast(null as varchar) as last_name, u.is_active
        from users as u""",
    "team": f"""
        select 'team_' || role as id, team_name as name
        from {_values(_TEAMS, "t", "role, team_name")}""",
    "owner_team": """
        select user_id as owner_id, 'team_' || role as team_id, true as is_primary
        from users""",
    "company": f"""
        select a.account_id as id, a.account_name as property_name,
            a.industry as property_industry, a.territory as property_country,
            e.employees as property_numberofemployees, a.created_at as property_createdate,
            false as _fivetran_deleted
        from accounts as a
        left join {_values(_EMPLOYEES, "e", "segment, employees")} on e.segment = a.segment""",
    "contact": f"""
        select j.journey_id as id, j.created_at as property_createdate,
            j.account_id as property_associatedcompanyid,
            coalesce(s.hubspot_source, 'OTHER_CAMPAIGNS') as property_hs_analytics_source,
            r.rating as property_rating, last_owner.owner_id as property_hubspot_owner_id,
            j.territory as property_country,
            false as _fivetran_deleted
        from journeys as j
        left join {_values(_SOURCES, "s", "source, hubspot_source")} on s.source = j.source
        left join {_values(_RATINGS, "r", "intent_level, rating")}
            on r.intent_level = j.intent_level
        left join (
            select journey_id, arg_max(owner_id, assigned_at) as owner_id
            from assignments group by journey_id
        ) as last_owner on last_owner.journey_id = j.journey_id""",
    "contact_property_history": """
        select e.journey_id as contact_id, m.field as name, m.value,
            'CRM_UI' as source, min(e.owner_id) as source_id, e.occurred_at as timestamp
        from stage_events as e
        inner join stage_values as m on m.stage = e.stage and m.field != 'dealstage'
        group by all
        union all
        select journey_id, 'hubspot_owner_id', owner_id, 'CRM_UI', null, assigned_at
        from assignments group by all""",
    "deal_pipeline": """
        select * from (values ('default', 'Sales Pipeline'),
            ('customer_success', 'Customer Success'), ('renewals', 'Renewals'))
            as p(pipeline_id, label)""",
    "deal_pipeline_stage": """
        select value as stage_id,
            case when stage in ('opportunity', 'closed_won', 'closed_lost') then 'default'
                else 'customer_success' end as pipeline_id,
            value as label, stage = 'closed_won' as closed_won
        from stage_values where field = 'dealstage'
        union all
        select stage_id, 'renewals', stage_id, false
        from (values ('term_active'), ('term_renewed'), ('term_churned')) as t(stage_id)""",
    "deal": """
        select 'D-' || d.journey_id as deal_id,
            case when d.last_stage in ('opportunity', 'closed_won', 'closed_lost')
                then 'default' else 'customer_success' end as deal_pipeline_id,
            m.value as deal_pipeline_stage_id,
            (select a.owner_id from assignments as a
                where a.journey_id = d.journey_id and a.assigned_at <= d.created_at
                order by a.assigned_at desc, a.assignment_id desc limit 1) as owner_id,
            d.created_at as property_createdate, cast(null as double) as property_amount,
            cast(null as date) as property_contract_start_date,
            cast(null as date) as property_contract_end_date, false as is_deleted
        from deal_journeys as d
        inner join stage_values as m on m.stage = d.last_stage
        union all
        select c.contract_id, 'renewals',
            case c.renewal_status when 'renewed' then 'term_renewed'
                when 'churned' then 'term_churned' else 'term_active' end,
            cast(null as varchar), j.created_at, c.arr, c.start_date, c.end_date, false
        from contracts as c
        inner join journeys as j on j.journey_id = c.journey_id""",
    "deal_stage": """
        select 'D-' || e.journey_id as deal_id, e.occurred_at as date_entered,
            m.value, 'CRM_UI' as source, min(e.owner_id) as source_id
        from stage_events as e
        inner join stage_values as m on m.stage = e.stage and m.field = 'dealstage'
        group by all""",
    "deal_contact": """
        select 'D-' || journey_id as deal_id, journey_id as contact_id from deal_journeys
        union all
        select contract_id, journey_id from contracts""",
    "engagement": """
        select activity_id as id,
            case
                when activity_type = 'call' then 'CALL'
                when activity_type = 'email' and direction = 'inbound' then 'INCOMING_EMAIL'
                when activity_type = 'email' then 'EMAIL'
                when activity_type = 'meeting' then 'MEETING'
                when activity_type = 'sms' then 'SMS'
                when activity_type = 'social' then 'LINKEDIN_MESSAGE'
                when activity_type = 'chat' then 'CONVERSATION_SESSION'
                when activity_type = 'milestone' then 'NOTE'
            end as type,
            owner_id,
            case when activity_type = 'meeting' and outcome = 'scheduled'
                then coalesce(scheduled_for, occurred_at) else occurred_at end as timestamp,
            occurred_at as created_at
        from activities""",
    "engagement_call": """
        select activity_id as engagement_id,
            case outcome when 'connected' then 'Connected' when 'no_answer' then 'No answer'
                when 'voicemail' then 'Left voicemail' end as disposition,
            case direction when 'inbound' then 'INBOUND' else 'OUTBOUND' end as direction
        from activities where activity_type = 'call'""",
    "engagement_email": """
        select activity_id as engagement_id,
            case when is_automated then 'SEQUENCES' else 'CRM' end as sent_via
        from activities where activity_type = 'email'""",
    "engagement_meeting": """
        select activity_id as engagement_id,
            case outcome when 'scheduled' then 'SCHEDULED' when 'held' then 'COMPLETED'
                when 'no_show' then 'NO_SHOW' else upper(outcome) end as meeting_outcome,
            case when outcome = 'scheduled' then coalesce(scheduled_for, occurred_at)
                else occurred_at end as start_time
        from activities where activity_type = 'meeting'""",
    "engagement_note": """
        select activity_id as engagement_id,
            case outcome when 'success_plan' then 'Success plan'
                when 'first_value' then 'First value' else 'Note' end as body
        from activities where activity_type = 'milestone'""",
    "engagement_contact": """
        select journey_id as contact_id, activity_id as engagement_id from activities""",
}


def to_hubspot(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The contract-v1 ``tables`` (users, accounts, journeys, stage_events, assignments,
    activities, contracts; signals are dropped) as HubSpot objects in Fivetran spelling,
    one table per object of :data:`HUBSPOT_OBJECT_NAMES`."""
    with duckdb.connect() as connection:
        connection.execute("SET TimeZone = 'UTC'")
        for name, table in tables.items():
            connection.register(name, table)
        connection.execute(
            f"create temp table stage_values as select * from "
            f"{_values(_STAGE_VALUES, 'v', 'stage, field, value')}"
        )
        # A deal per journey that reaches a deal stage, created at its first one; its
        # current stage is its last.
        connection.execute(
            "create temp table deal_journeys as select e.journey_id, "
            "min(e.occurred_at) as created_at, arg_max(e.stage, e.occurred_at) as last_stage "
            "from stage_events as e inner join stage_values as m on m.stage = e.stage "
            "and m.field = 'dealstage' group by e.journey_id"
        )
        return {name: connection.sql(_SQL[name]).to_arrow_table() for name in HUBSPOT_OBJECT_NAMES}
