"""The generator's contract-v1 tables as a Salesforce export (docs/crm_sources.md).

``to_salesforce`` turns the eight extract tables into the Salesforce objects
``journey-sla load --crm salesforce`` reads, with API field names and Salesforce's own
values, so the same simulated journeys can be loaded in either shape (the round trip in
tests/test_crm_round_trip.py). Every object is one DuckDB query over the Arrow tables: no
per-row Python, so 1M journeys convert in the time DuckDB needs to scan them.

How the extract becomes Salesforce (the reverse of the shipped mapping seeds):

- a journey is a Lead (Id = journey_id, created at the journey's creation); its first
  opportunity-stage event creates an Opportunity (Id = ``006`` + journey_id) the lead is
  converted into; lead stages are Status values in LeadHistory, opportunity stages StageName
  values in OpportunityFieldHistory, post-sale stages the tracked picklist
  ``Customer_Stage__c`` in OpportunityFieldHistory; each history row's Id is the event_id;
- every assignment is an Owner change (old value the previous owner, the first one from the
  lead queue) on the lead until the opportunity exists, on the opportunity after;
- activities are Tasks (calls, e-mails, SMS, chat, social, logged meetings, milestones) and
  Events (meetings booked, StartDateTime = scheduled_for), WhoId the lead, WhatId the
  opportunity once it exists;
- contracts are Contract rows; the won opportunity carries the contract's ARR as Amount and
  its ContractId;
- signals, reason codes and assignment methods have no standard Salesforce field and are
  left out (docs/crm_sources.md, "What Salesforce cannot express").
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

__all__ = ["LEAD_QUEUE_ID", "SALESFORCE_FILES", "to_salesforce"]

LEAD_QUEUE_ID = "00G000000000001AAA"  # the lead queue new leads wait in before routing

LEAD_STATUS = {
    "inquiry": "Open - Not Contacted",
    "mql": "Marketing Qualified",
    "sal": "Working - Contacted",
    "sql": "Sales Qualified",
    "recycled": "Nurture",
    "disqualified": "Closed - Not Converted",
}
OPPORTUNITY_STAGE = {
    "opportunity": "Prospecting",
    "closed_won": "Closed Won",
    "closed_lost": "Closed Lost",
}
CUSTOMER_STAGE = {
    "onboarding": "Onboarding",
    "adoption": "Adoption",
    "renewal": "Renewal",
    "churned": "Churned",
}
ROLE_NAMES = {
    "marketing": "Marketing",
    "sdr": "SDR",
    "ae": "Account Executive",
    "cs": "Customer Success",
    "am": "Account Manager",
    "manager": "Sales Manager",
    "system": "Automation",
}
LEAD_SOURCES = {
    "inbound_form": "Web",
    "demo_request": "Demo Request",
    "chat": "Chat",
    "event": "Trade Show",
    "content": "Content",
    "outbound": "Outbound",
    "partner": "Partner Referral",
    "referral": "Employee Referral",
    "other": "Other",
}
RATINGS = {"high": "Hot", "medium": "Warm", "low": "Cold"}
EMPLOYEES = {"enterprise": 5000, "mid_market": 500, "smb": 50}
CALL_DISPOSITIONS = {
    "connected": "Connected",
    "no_answer": "No Answer",
    "voicemail": "Left Voicemail",
}

SALESFORCE_FILES = (
    "UserRole",
    "User",
    "Account",
    "Lead",
    "LeadHistory",
    "Contact",
    "Opportunity",
    "OpportunityFieldHistory",
    "Task",
    "Event",
    "Contract",
)


def _values(name: str, mapping: dict, key: str = "key", value: str = "value") -> str:
    rows = ", ".join(
        "('{}', '{}')".format(k.replace("'", "''"), str(v).replace("'", "''"))
        for k, v in mapping.items()
    )
    return f"{name}({key}, {value}) as (select * from (values {rows}))"


def _ts(column: str) -> str:
    """A timestamp as Salesforce's Data Export writes it: ISO-8601, milliseconds, Z."""
    return f"strftime(cast({column} as timestamp), '%Y-%m-%dT%H:%M:%S.000Z')"


_LOOKUPS = ",\n".join(
    [
        _values("lead_status", LEAD_STATUS, "stage", "picklist"),
        _values("opportunity_stage", OPPORTUNITY_STAGE, "stage", "picklist"),
        _values("customer_stage", CUSTOMER_STAGE, "stage", "picklist"),
        _values("role_names", ROLE_NAMES, "role", "role_name"),
        _values("lead_sources", LEAD_SOURCES, "source", "lead_source"),
        _values("ratings", RATINGS, "intent_level", "rating"),
        _values("employees", EMPLOYEES, "segment", "number_of_employees"),
        _values("dispositions", CALL_DISPOSITIONS, "outcome", "call_disposition"),
    ]
)

# Shared views: stage events classified by the Salesforce field that records them, the
# opportunity of each journey (its first opportunity-stage event) and owners in order.
_VIEWS = {
    "sf_events": f"""
        with {_LOOKUPS}
        select
            events.event_id,
            events.journey_id,
            cast(events.occurred_at as timestamp) as occurred_at,
            case
                when lead_status.picklist is not null then 'lead'
                when opportunity_stage.picklist is not null then 'stage'
                else 'customer'
            end as kind,
            coalesce(lead_status.picklist, opportunity_stage.picklist, customer_stage.picklist)
                as picklist
        from stage_events as events
        left join lead_status on events.stage = lead_status.stage
        left join opportunity_stage on events.stage = opportunity_stage.stage
        left join customer_stage on events.stage = customer_stage.stage
        where coalesce(lead_status.picklist, opportunity_stage.picklist, customer_stage.picklist)
            is not null
    """,
    "sf_opportunities": """
        select
            journey_id,
            '006' || journey_id as opportunity_id,
            min(occurred_at) as created_at
        from sf_events
        where kind = 'stage'
        group by journey_id
    """,
    "sf_owners": f"""
        select
            assignments.assignment_id,
            assignments.journey_id,
            assignments.owner_id,
            cast(assignments.assigned_at as timestamp) as assigned_at,
            coalesce(
                lag(assignments.owner_id) over (
                    partition by assignments.journey_id
                    order by cast(assignments.assigned_at as timestamp), assignments.assignment_id
                ),
                '{LEAD_QUEUE_ID}'
            ) as old_owner_id,
            row_number() over (
                partition by assignments.journey_id
                order by cast(assignments.assigned_at as timestamp) desc,
                    assignments.assignment_id desc
            ) as recency,
            -- an owner change from the opportunity's creation on is recorded on it
            sf_opportunities.created_at is not null
                and cast(assignments.assigned_at as timestamp) > sf_opportunities.created_at
                as is_on_opportunity
        from assignments
        left join sf_opportunities on assignments.journey_id = sf_opportunities.journey_id
    """,
}

_QUERIES = {
    "UserRole": f"""
        with {_LOOKUPS}
        select distinct
            '00E' || users.role as "Id",
            role_names.role_name as "Name",
            replace(role_names.role_name, ' ', '_') as "DeveloperName"
        from users
        inner join role_names on users.role = role_names.role
        order by 1
    """,
    "User": """
        select
            user_id as "Id",
            full_name as "Name",
            nullif(split_part(full_name, ' ', 1), '') as "FirstName",
            coalesce(nullif(split_part(full_name, ' ', 2), ''), full_name) as "LastName",
            email as "Email",
            '00E' || role as "UserRoleId",
            manager_id as "ManagerId",
            team as "Department",
            territory as "Country",
            is_active as "IsActive"
        from users
        order by user_id
    """,
    "Account": f"""
        with {_LOOKUPS}
        select
            accounts.account_id as "Id",
            accounts.account_name as "Name",
            accounts.industry as "Industry",
            'Customer' as "Type",
            employees.number_of_employees as "NumberOfEmployees",
            accounts.territory as "BillingCountry",
            {_ts("accounts.created_at")} as "CreatedDate"
        from accounts
        left join employees on accounts.segment = employees.segment
        order by accounts.account_id
    """,
    # The lead: current Status = its last lead-stage value; owner = its last owner before
    # the opportunity; Country / NumberOfEmployees carry the journey's own territory and
    # segment (an unconverted lead is its own account).
    "Lead": f"""
        with {_LOOKUPS},
        last_status as (
            select journey_id, arg_max(picklist, (occurred_at, event_id)) as status,
                min(occurred_at) as first_at
            from sf_events where kind = 'lead' group by journey_id
        ),
        lead_owners as (
            select journey_id, arg_max(owner_id, (assigned_at, assignment_id)) as owner_id
            from sf_owners where not is_on_opportunity group by journey_id
        )
        select
            journeys.journey_id as "Id",
            coalesce(last_status.status, '{LEAD_STATUS["inquiry"]}') as "Status",
            coalesce(lead_owners.owner_id, '{LEAD_QUEUE_ID}') as "OwnerId",
            accounts.account_name as "Company",
            lead_sources.lead_source as "LeadSource",
            ratings.rating as "Rating",
            accounts.industry as "Industry",
            coalesce(journeys.territory, accounts.territory) as "Country",
            employees.number_of_employees as "NumberOfEmployees",
            sf_opportunities.opportunity_id is not null as "IsConverted",
            cast(cast(sf_opportunities.created_at as date) as varchar) as "ConvertedDate",
            case when sf_opportunities.opportunity_id is not null
                then journeys.account_id end as "ConvertedAccountId",
            case when sf_opportunities.opportunity_id is not null
                then '003' || journeys.journey_id end as "ConvertedContactId",
            sf_opportunities.opportunity_id as "ConvertedOpportunityId",
            -- A record exists from its first stage: an extract may date a journey's
            -- creation after its first event (CRM noise); Salesforce cannot.
            {_ts("least(cast(journeys.created_at as timestamp), last_status.first_at)")}
                as "CreatedDate"
        from journeys
        left join accounts on journeys.account_id = accounts.account_id
        left join last_status on journeys.journey_id = last_status.journey_id
        left join lead_owners on journeys.journey_id = lead_owners.journey_id
        left join sf_opportunities on journeys.journey_id = sf_opportunities.journey_id
        left join lead_sources on journeys.source = lead_sources.source
        left join ratings on journeys.intent_level = ratings.intent_level
        left join employees
            on coalesce(journeys.segment, accounts.segment) = employees.segment
        order by journeys.journey_id
    """,
    "Contact": f"""
        select
            '003' || journeys.journey_id as "Id",
            journeys.account_id as "AccountId",
            {_ts("sf_opportunities.created_at")} as "CreatedDate"
        from journeys
        inner join sf_opportunities on journeys.journey_id = sf_opportunities.journey_id
        order by 1
    """,
    # History rows: the first value of a field is the record's value at creation (the old
    # value of its first change), every later event a change with the event's id.
    "LeadHistory": f"""
        with status_changes as (
            select
                event_id as id,
                journey_id,
                'Status' as field,
                lag(picklist) over (
                    partition by journey_id order by occurred_at, event_id
                ) as old_value,
                picklist as new_value,
                occurred_at,
                row_number() over (
                    partition by journey_id order by occurred_at, event_id
                ) as position
            from sf_events
            where kind = 'lead'
        )
        select
            id as "Id", journey_id as "LeadId", field as "Field",
            old_value as "OldValue", new_value as "NewValue",
            {_ts("occurred_at")} as "CreatedDate"
        from status_changes
        where position > 1
        union all
        select
            assignment_id, journey_id, 'Owner', old_owner_id, owner_id, {_ts("assigned_at")}
        from sf_owners
        where not is_on_opportunity
        order by 2, 6, 1
    """,
    "Opportunity": f"""
        with {_LOOKUPS},
        last_stage as (
            select journey_id, arg_max(picklist, (occurred_at, event_id)) as stage_name,
                max(occurred_at) filter (where picklist = 'Closed Won') as won_at,
                bool_or(picklist = 'Closed Won') as is_won,
                bool_or(picklist in ('Closed Won', 'Closed Lost')) as is_closed
            from sf_events where kind = 'stage' group by journey_id
        ),
        first_contract as (
            select journey_id, arg_min(contract_id, (start_date, contract_id)) as contract_id,
                arg_min(arr, (start_date, contract_id)) as arr
            from contracts group by journey_id
        ),
        opportunity_owners as (
            select journey_id, arg_max(owner_id, (assigned_at, assignment_id)) as owner_id
            from sf_owners group by journey_id
        )
        select
            sf_opportunities.opportunity_id as "Id",
            journeys.account_id as "AccountId",
            accounts.account_name || ' - new business' as "Name",
            last_stage.stage_name as "StageName",
            'New Business' as "Type",
            lead_sources.lead_source as "LeadSource",
            coalesce(opportunity_owners.owner_id, '{LEAD_QUEUE_ID}') as "OwnerId",
            cast(first_contract.arr as double) as "Amount",
            cast(cast(coalesce(last_stage.won_at, sf_opportunities.created_at) as date)
                as varchar) as "CloseDate",
            coalesce(last_stage.is_won, false) as "IsWon",
            coalesce(last_stage.is_closed, false) as "IsClosed",
            first_contract.contract_id as "ContractId",
            {_ts("sf_opportunities.created_at")} as "CreatedDate"
        from sf_opportunities
        inner join journeys on sf_opportunities.journey_id = journeys.journey_id
        left join accounts on journeys.account_id = accounts.account_id
        left join last_stage on sf_opportunities.journey_id = last_stage.journey_id
        left join first_contract on sf_opportunities.journey_id = first_contract.journey_id
        left join opportunity_owners
            on sf_opportunities.journey_id = opportunity_owners.journey_id
        left join lead_sources on journeys.source = lead_sources.source
        order by 1
    """,
    "OpportunityFieldHistory": f"""
        with changes as (
            select
                event_id as id,
                journey_id,
                case kind when 'stage' then 'StageName' else 'Customer_Stage__c' end as field,
                lag(picklist) over (
                    partition by journey_id, kind order by occurred_at, event_id
                ) as old_value,
                picklist as new_value,
                occurred_at,
                row_number() over (
                    partition by journey_id, kind order by occurred_at, event_id
                ) as position,
                kind
            from sf_events
            where kind in ('stage', 'customer')
        )
        select
            changes.id as "Id", sf_opportunities.opportunity_id as "OpportunityId",
            changes.field as "Field", changes.old_value as "OldValue",
            changes.new_value as "NewValue", {_ts("changes.occurred_at")} as "CreatedDate"
        from changes
        inner join sf_opportunities on changes.journey_id = sf_opportunities.journey_id
        where changes.position > 1 or changes.kind = 'customer'
        union all
        select
            sf_owners.assignment_id, sf_opportunities.opportunity_id, 'Owner',
            sf_owners.old_owner_id, sf_owners.owner_id, {_ts("sf_owners.assigned_at")}
        from sf_owners
        inner join sf_opportunities on sf_owners.journey_id = sf_opportunities.journey_id
        where sf_owners.is_on_opportunity
        order by 2, 6, 1
    """,
    # Tasks: everything but a booked meeting. The Type / TaskSubtype / CallType /
    # CallDisposition values are the ones crm_activity_map classifies.
    "Task": f"""
        with {_LOOKUPS},
        tasks as (
            select activities.*, cast(activities.occurred_at as timestamp) as occurred_ts
            from activities
            where not (activities.activity_type = 'meeting'
                and coalesce(activities.outcome, 'scheduled') = 'scheduled')
        )
        select
            tasks.activity_id as "Id",
            tasks.journey_id as "WhoId",
            case when tasks.occurred_ts >= sf_opportunities.created_at
                then sf_opportunities.opportunity_id end as "WhatId",
            tasks.owner_id as "OwnerId",
            tasks.activity_type || ' ' || coalesce(tasks.outcome, '') as "Subject",
            case
                when tasks.activity_type = 'call' then 'Call'
                when tasks.activity_type = 'email' and tasks.direction = 'inbound' then 'Task'
                when tasks.activity_type = 'email' and tasks.is_automated then 'ListEmail'
                when tasks.activity_type = 'email' then 'Email'
                when tasks.activity_type = 'social' then 'LinkedIn'
                else 'Task'
            end as "TaskSubtype",
            case
                when tasks.activity_type = 'call' then 'Call'
                when tasks.activity_type = 'email' and tasks.direction = 'inbound'
                    then 'Inbound Email'
                when tasks.activity_type = 'email' then 'Email'
                when tasks.activity_type = 'sms' then 'SMS'
                when tasks.activity_type = 'chat' then 'Chat'
                when tasks.activity_type = 'social' then 'Other'
                when tasks.activity_type = 'meeting' and tasks.outcome = 'no_show'
                    then 'Meeting No-Show'
                when tasks.activity_type = 'meeting' then 'Meeting'
                when tasks.outcome = 'success_plan' then 'Success Plan'
                when tasks.outcome = 'first_value' then 'First Value'
                else 'Milestone'
            end as "Type",
            case when tasks.activity_type = 'call' then
                case tasks.direction when 'inbound' then 'Inbound'
                    when 'internal' then 'Internal' else 'Outbound' end
            end as "CallType",
            dispositions.call_disposition as "CallDisposition",
            'Completed' as "Status",
            cast(cast(tasks.occurred_ts as date) as varchar) as "ActivityDate",
            {_ts("tasks.occurred_ts")} as "CompletedDateTime",
            {_ts("tasks.occurred_ts")} as "CreatedDate"
        from tasks
        left join sf_opportunities on tasks.journey_id = sf_opportunities.journey_id
        left join dispositions
            on tasks.activity_type = 'call' and tasks.outcome = dispositions.outcome
        order by 1
    """,
    "Event": f"""
        with meetings as (
            select activities.*, cast(activities.occurred_at as timestamp) as occurred_ts
            from activities
            where activities.activity_type = 'meeting'
                and coalesce(activities.outcome, 'scheduled') = 'scheduled'
        )
        select
            meetings.activity_id as "Id",
            meetings.journey_id as "WhoId",
            case when meetings.occurred_ts >= sf_opportunities.created_at
                then sf_opportunities.opportunity_id end as "WhatId",
            meetings.owner_id as "OwnerId",
            'Meeting' as "Subject",
            'Event' as "EventSubtype",
            'Meeting' as "Type",
            {_ts("meetings.scheduled_for")} as "StartDateTime",
            {_ts("meetings.occurred_ts")} as "CreatedDate"
        from meetings
        left join sf_opportunities on meetings.journey_id = sf_opportunities.journey_id
        order by 1
    """,
    "Contract": """
        select
            contract_id as "Id",
            account_id as "AccountId",
            case renewal_status when 'churned' then 'Expired' else 'Activated' end as "Status",
            start_date as "StartDate",
            end_date as "EndDate",
            cast(round(date_diff('day', cast(start_date as date), cast(end_date as date))
                / 30.4375) as integer) as "ContractTerm"
        from contracts
        order by 1
    """,
}


def to_salesforce(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The contract-v1 tables (the generator's string-typed Arrow tables) as Salesforce
    objects keyed by their API file name (``Lead``, ``LeadHistory``, ...)."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET TimeZone = 'UTC'")
        for name, table in tables.items():
            con.register(name, table)
        for name, sql in _VIEWS.items():
            con.execute(f"create temp table {name} as {sql}")
        return {name: con.sql(_QUERIES[name]).to_arrow_table() for name in SALESFORCE_FILES}
    finally:
        con.close()
