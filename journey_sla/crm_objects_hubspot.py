"""The HubSpot objects `journey-sla load --crm hubspot` accepts (docs/crm_sources.md, HubSpot).

Each object loads into its own table of schema ``hubspot`` of the raw file under the Fivetran
column names (``property_lifecyclestage``, ``deal_pipeline_stage_id``), so the dbt source
``hubspot`` reads the loader's tables and a Fivetran HubSpot schema in a warehouse alike. A
file's columns are matched after :meth:`journey_sla.contract.Contract.key`: the one
normalisation of :func:`journey_sla.contract.crm_key`, then a leading ``property`` dropped,
so ``property_lifecyclestage`` (Fivetran), ``lifecyclestage`` (API) and ``Lifecycle Stage``
(the UI export's label) are one column. Labels that differ from the internal name are listed
as aliases (``Record ID``, ``Contact owner``). History and association objects have no id of
their own: their key joins the columns that identify a row.
"""

from __future__ import annotations

from journey_sla.contract import Column, Contract, Table


def _id(
    name: str, references: str | None = None, required: bool = False, aliases: tuple = ()
) -> Column:
    return Column(
        name, "id", required=required, references=references, optional=not required,
        aliases=aliases,
    )  # fmt: skip


def _text(name: str, required: bool = False, aliases: tuple = ()) -> Column:
    return Column(name, "text", required=required, optional=not required, aliases=aliases)


def _at(name: str, required: bool = False, aliases: tuple = (), planned: bool = False) -> Column:
    return Column(
        name, "timestamp", required=required, optional=not required, aliases=aliases,
        planned=planned,
    )  # fmt: skip


def _date(name: str, aliases: tuple = ()) -> Column:
    return Column(name, "date", required=False, optional=True, planned=True, aliases=aliases)


def _number(name: str, aliases: tuple = ()) -> Column:
    return Column(name, "number", required=False, optional=True, aliases=aliases)


def _flag(name: str, aliases: tuple = ()) -> Column:
    return Column(name, "boolean", required=False, optional=True, aliases=aliases)


# Fivetran marks deletions with _fivetran_deleted (is_deleted on deals); HubSpot's API and
# exports with archived.
_DELETED = (_flag("is_deleted"), _flag("_fivetran_deleted"), _flag("archived"))
_KEY = "_row_key"


def _object(name: str, key: Column, *columns: Column, deletable: bool = True) -> Table:
    return Table(name, key.name, (key, *columns, *(_DELETED if deletable else ())))


def _record_id(*aliases: str) -> Column:
    """A record's id: Fivetran's id, the API's hs_object_id, the export's Record ID."""
    return Column("id", "id", aliases=("hs_object_id", "record_id", *aliases))


def _derived(*columns: str) -> Column:
    return Column(_KEY, "id", required=False, optional=True, derived_from=columns)


HUBSPOT_OBJECTS: tuple[Table, ...] = (
    _object(
        "owner",
        Column("owner_id", "id", aliases=("id",)),
        _text("email"),
        _text("first_name", aliases=("firstname",)),
        _text("last_name", aliases=("lastname",)),
        _text("type"),
        _flag("is_active", aliases=("active",)),
        _at("created_at"),
        deletable=False,
    ),
    _object("team", Column("id", "id", aliases=("team_id",)), _text("name"), deletable=False),
    _object(
        "owner_team",
        _derived("owner_id", "team_id"),
        _id("owner_id", references="owner", required=True),
        _id("team_id", references="team", required=True),
        _flag("is_primary", aliases=("primary",)),
        deletable=False,
    ),
    _object(
        "company",
        _record_id("company_id"),
        _text("property_name"),
        _text("property_industry"),
        _text("property_country"),
        _number("property_numberofemployees"),
        _text("property_customer_stage"),
        _id("property_hubspot_owner_id", aliases=("company_owner",)),
        _at("property_createdate"),
    ),
    _object(
        "company_property_history",
        _derived("company_id", "name", "timestamp", "value"),
        _id("company_id", references="company", required=True),
        _text("name", required=True, aliases=("property",)),
        _text("value"),
        _text("source"),
        _id("source_id"),
        _at("timestamp", required=True),
        deletable=False,
    ),
    _object(
        "contact",
        _record_id("contact_id", "vid"),
        _text("property_email"),
        _text("property_firstname"),
        _text("property_lastname"),
        _text("property_company"),
        _text("property_country", aliases=("country_region",)),
        _id("property_associatedcompanyid", references="company", aliases=("company_id",)),
        _id("property_hubspot_owner_id", aliases=("contact_owner",)),
        _text("property_lifecyclestage"),
        _text("property_hs_lead_status", aliases=("lead_status",)),
        _text("property_hs_analytics_source", aliases=("original_source",)),
        _text("property_rating"),
        _at("property_createdate", required=True),
    ),
    _object(
        "contact_property_history",
        _derived("contact_id", "name", "timestamp", "value"),
        _id("contact_id", references="contact", required=True),
        _text("name", required=True, aliases=("property",)),
        _text("value"),
        _text("source"),
        _id("source_id"),
        _at("timestamp", required=True),
        deletable=False,
    ),
    _object(
        "deal_pipeline",
        Column("pipeline_id", "id", aliases=("id",)),
        _text("label"),
        _flag("active"),
    ),
    _object(
        "deal_pipeline_stage",
        Column("stage_id", "id", aliases=("id",)),
        _id("pipeline_id", references="deal_pipeline"),
        _text("label"),
        _flag("closed_won"),
        _number("probability"),
        _number("display_order"),
    ),
    _object(
        "deal",
        Column("deal_id", "id", aliases=("id", "hs_object_id", "record_id")),
        _id("deal_pipeline_id", aliases=("pipeline",)),
        _id("deal_pipeline_stage_id", aliases=("dealstage", "deal_stage")),
        _id("owner_id", aliases=("hubspot_owner_id", "deal_owner")),
        _text("property_dealname"),
        _text("property_dealtype"),
        _number("property_amount"),
        _at("property_closedate", planned=True),
        _date("property_contract_start_date"),
        _date("property_contract_end_date"),
        _at("property_createdate", required=True),
    ),
    _object(
        "deal_stage",
        _derived("deal_id", "date_entered", "value"),
        _id("deal_id", references="deal", required=True),
        _text("value", required=True, aliases=("stage_id",)),
        _at("date_entered", required=True),
        _text("source"),
        _id("source_id"),
        # Fivetran history mode: _fivetran_end is 9999-12-31 on the open row, kept as text.
        _text("_fivetran_start"),
        _text("_fivetran_end"),
        _flag("_fivetran_active"),
        deletable=False,
    ),
    _object(
        "deal_contact",
        _derived("deal_id", "contact_id"),
        _id("deal_id", references="deal", required=True),
        _id("contact_id", references="contact", required=True),
        deletable=False,
    ),
    _object(
        "deal_company",
        _derived("deal_id", "company_id"),
        _id("deal_id", references="deal", required=True),
        _id("company_id", references="company", required=True),
        deletable=False,
    ),
    _object(
        "engagement",
        Column("id", "id", aliases=("engagement_id", "hs_object_id", "record_id")),
        _text("type", required=True, aliases=("engagement_type",)),
        _id("owner_id", aliases=("hubspot_owner_id", "activity_assigned_to")),
        _at("timestamp", aliases=("hs_timestamp", "activity_date")),
        _at("created_at", aliases=("hs_createdate", "create_date")),
        _flag("active"),
    ),
    _object(
        "engagement_call",
        Column("engagement_id", "id", aliases=("id",)),
        _text("disposition", aliases=("hs_call_disposition", "call_outcome")),
        _text("direction", aliases=("hs_call_direction", "call_direction")),
        _text("status", aliases=("hs_call_status",)),
        deletable=False,
    ),
    _object(
        "engagement_email",
        Column("engagement_id", "id", aliases=("id",)),
        _text("sent_via", aliases=("hs_email_sent_via",)),
        _text("logged_from", aliases=("hs_email_logged_from",)),
        _text("status", aliases=("hs_email_status",)),
        _text("from_email", aliases=("hs_email_from_email",)),
        deletable=False,
    ),
    _object(
        "engagement_meeting",
        Column("engagement_id", "id", aliases=("id",)),
        _text("meeting_outcome", aliases=("hs_meeting_outcome",)),
        _at("start_time", aliases=("hs_meeting_start_time",), planned=True),
        _at("end_time", aliases=("hs_meeting_end_time",), planned=True),
        _text("title", aliases=("hs_meeting_title",)),
        deletable=False,
    ),
    _object(
        "engagement_note",
        Column("engagement_id", "id", aliases=("id",)),
        _text("body", aliases=("hs_note_body",)),
        deletable=False,
    ),
    _object(
        "engagement_contact",
        _derived("engagement_id", "contact_id"),
        _id("engagement_id", references="engagement", required=True),
        _id("contact_id", references="contact", required=True),
        deletable=False,
    ),
    _object(
        "engagement_deal",
        _derived("engagement_id", "deal_id"),
        _id("engagement_id", references="engagement", required=True),
        _id("deal_id", references="deal", required=True),
        deletable=False,
    ),
)

HUBSPOT = Contract(
    "hubspot",
    "hubspot",
    HUBSPOT_OBJECTS,
    required_tables=("owner", "contact"),
    loose_names=True,
    deleted_columns=("is_deleted", "_fivetran_deleted", "archived"),
    strip_prefixes=("property",),
    epoch_millis=True,
    missing_notes=(
        ("team", "no team: every owner's role comes from crm_role_map's '*' row (else ae)"),
        ("owner_team", "no owner_team: every owner's role comes from crm_role_map's '*' row"),
        ("company", "no company: every contact is its own stand-in account"),
        (
            "company_property_history",
            "no company_property_history: no post-sale stages from company properties",
        ),
        (
            "contact_property_history",
            "no contact_property_history: contact stages come from the current lifecycle "
            "stage only, owner changes are not seen",
        ),
        ("deal_pipeline", "no deal_pipeline: renewal pipelines are known by id only"),
        ("deal_pipeline_stage", "no deal_pipeline_stage: deal stages are mapped by stage id only"),
        ("deal", "no deal: no opportunity, won or lost stages, no contracts"),
        ("deal_stage", "no deal_stage: deal stages come from the current deal stage only"),
        ("deal_contact", "no deal_contact: every deal is a journey of its own"),
        ("deal_company", "no deal_company: deals without a contact have no company"),
        ("engagement", "no engagement: no calls, e-mails or meetings, so touch clocks never stop"),
        ("engagement_call", "no engagement_call: calls have no disposition or direction"),
        ("engagement_email", "no engagement_email: automated e-mails are known by type only"),
        ("engagement_meeting", "no engagement_meeting: meetings have no outcome or start time"),
        ("engagement_note", "no engagement_note: notes are left out anyway"),
        ("engagement_contact", "no engagement_contact: engagements attach through deals only"),
        ("engagement_deal", "no engagement_deal: engagements attach through contacts only"),
    ),
)
