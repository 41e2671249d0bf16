"""The CRM objects `journey-sla load --crm salesforce|hubspot` accepts (docs/crm_sources.md).

Each object loads into its own table of the CRM's schema in the raw file, under the Fivetran
(snake_case) column names, so the dbt sources `salesforce` / `hubspot` read the loader's
tables and a Fivetran schema in a warehouse alike. A file's columns are matched after
:func:`journey_sla.contract.crm_key`, so the API spelling (``OwnerId``) and the Fivetran
spelling (``owner_id``) both load. Only the columns the mapping reads are listed; every other
column is ignored with a notice. Columns marked optional may be missing from the file.
"""

from __future__ import annotations

from journey_sla.contract import Column, Contract, Table


def _id(name: str, references: str | None = None, required: bool = False) -> Column:
    return Column(name, "id", required=required, references=references, optional=not required)


def _text(name: str, required: bool = False) -> Column:
    return Column(name, "text", required=required, optional=not required)


def _at(name: str, required: bool = False) -> Column:
    return Column(name, "timestamp", required=required, optional=not required)


def _date(name: str) -> Column:
    return Column(name, "date", required=False, optional=True, planned=True)


def _number(name: str) -> Column:
    return Column(name, "number", required=False, optional=True)


def _flag(name: str) -> Column:
    return Column(name, "boolean", required=False, optional=True)


_DELETED = (_flag("is_deleted"), _flag("_fivetran_deleted"))


def _object(name: str, *columns: Column, deletable: bool = True) -> Table:
    return Table(name, "id", (Column("id", "id"), *columns, *(_DELETED if deletable else ())))


def _history_mode(name: str, *columns: Column) -> Table:
    """A Fivetran history-mode table: one row per record and version (_fivetran_start);
    _fivetran_end is kept as text (9999-12-31 marks the active version)."""
    return Table(
        name,
        "id",
        (
            Column("id", "id"),
            _at("_fivetran_start", required=True),
            _text("_fivetran_end"),
            _flag("_fivetran_active"),
            *columns,
            *_DELETED,
        ),
        version_column="_fivetran_start",
    )


SALESFORCE_OBJECTS: tuple[Table, ...] = (
    _object("user_role", _text("name"), _text("developer_name")),
    _object(
        "user",
        _text("name"),
        _text("first_name"),
        _text("last_name"),
        _text("email"),
        _id("user_role_id"),
        _id("manager_id"),
        _text("department"),
        _text("country"),
        Column("is_active", "boolean"),
    ),
    _object(
        "account",
        _text("name"),
        _text("industry"),
        _text("type"),
        _number("number_of_employees"),
        _text("billing_country"),
        _text("billing_state"),
        _id("owner_id"),
        _at("created_date"),
    ),
    _object(
        "opportunity",
        _id("account_id", references="account"),
        _text("name"),
        _text("stage_name", required=True),
        _text("type"),
        _text("lead_source"),
        _id("owner_id"),
        _number("amount"),
        _date("close_date"),
        _flag("is_won"),
        _flag("is_closed"),
        _id("contract_id"),
        _number("contract_term"),
        _at("created_date", required=True),
    ),
    _object(
        "contact",
        _id("account_id", references="account"),
        _id("owner_id"),
        _at("created_date"),
    ),
    _object(
        "lead",
        _text("status", required=True),
        _id("owner_id"),
        _text("company"),
        _text("lead_source"),
        _text("rating"),
        _text("industry"),
        _text("country"),
        _number("number_of_employees"),
        _flag("is_converted"),
        _date("converted_date"),
        _id("converted_account_id", references="account"),
        _id("converted_contact_id", references="contact"),
        _id("converted_opportunity_id", references="opportunity"),
        _at("created_date", required=True),
    ),
    _object(
        "lead_history",
        _id("lead_id", references="lead", required=True),
        _text("field", required=True),
        _text("old_value"),
        _text("new_value"),
        _at("created_date", required=True),
    ),
    _object(
        "opportunity_field_history",
        _id("opportunity_id", references="opportunity", required=True),
        _text("field", required=True),
        _text("old_value"),
        _text("new_value"),
        _at("created_date", required=True),
    ),
    _object(
        "opportunity_history",
        _id("opportunity_id", references="opportunity", required=True),
        _text("stage_name", required=True),
        _at("created_date", required=True),
    ),
    # Fivetran history mode: every version of a lead / opportunity, from _fivetran_start
    # (files lead_history / opportunity_history told apart from LeadHistory and
    # OpportunityHistory by the _fivetran_start column; SALESFORCE.routes).
    _history_mode(
        "lead_history_mode",
        _text("status"),
        _id("owner_id"),
        _at("created_date"),
    ),
    _history_mode(
        "opportunity_history_mode",
        _text("stage_name"),
        _id("owner_id"),
        _at("created_date"),
    ),
    _object(
        "task",
        _id("who_id"),
        _id("what_id"),
        _id("owner_id"),
        _text("subject"),
        _text("task_subtype"),
        _text("type"),
        _text("call_type"),
        _text("call_disposition"),
        _text("status"),
        _date("activity_date"),
        _at("completed_date_time"),
        _at("created_date", required=True),
    ),
    _object(
        "event",
        _id("who_id"),
        _id("what_id"),
        _id("owner_id"),
        _text("subject"),
        _text("event_subtype"),
        _text("type"),
        Column("start_date_time", "timestamp", required=False, optional=True, planned=True),
        _at("created_date", required=True),
    ),
    _object(
        "contract",
        _id("account_id", references="account", required=True),
        _text("status"),
        _date("start_date"),
        _date("end_date"),
        _number("contract_term"),
        _at("created_date"),
    ),
)

SALESFORCE = Contract(
    "salesforce",
    "salesforce",
    SALESFORCE_OBJECTS,
    required_tables=("user", "account", "lead", "opportunity"),
    loose_names=True,
    deleted_columns=("is_deleted", "_fivetran_deleted"),
    routes=(
        ("lead_history", "_fivetran_start", "lead_history_mode"),
        ("opportunity_history", "_fivetran_start", "opportunity_history_mode"),
    ),
    missing_notes=(
        ("user_role", "no UserRole: every user's role comes from crm_role_map's '*' row"),
        ("contact", "no Contact: converted leads keep their lead as the only person record"),
        (
            "lead_history",
            "no LeadHistory: lead stages come from the current Status only, owner changes "
            "are not seen",
        ),
        (
            "opportunity_field_history",
            "no OpportunityFieldHistory: opportunity owner changes are not seen",
        ),
        (
            "opportunity_history",
            "no OpportunityHistory: opportunity stages come from OpportunityFieldHistory "
            "or the current StageName only",
        ),
        (
            "lead_history_mode",
            "no lead_history with _fivetran_start (Fivetran history mode): lead history comes "
            "from LeadHistory only",
        ),
        (
            "opportunity_history_mode",
            "no opportunity_history with _fivetran_start (Fivetran history mode): "
            "opportunity history comes from OpportunityFieldHistory / OpportunityHistory only",
        ),
        ("task", "no Task: no calls or e-mails, so touch clocks never stop"),
        ("event", "no Event: no meetings"),
        ("contract", "no Contract: no before_term (renewal) clocks"),
    ),
)

CONTRACTS_BY_CRM = {"salesforce": SALESFORCE}
