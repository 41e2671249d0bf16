"""Raw extract contract v1: the tables, columns and types a CRM extract must have.

This module is the single source of truth for the contract. The loader validates
against it, the generator writes it, and docs/raw_extracts.md describes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = 1


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of: id, text, enum, timestamp, date, number, boolean
    required: bool = True
    enum: tuple[str, ...] = ()
    references: str | None = None  # parent table whose primary key this column holds
    # A planned time (scheduled_for) may lie ahead up to the planned horizon; an event time
    # (occurred_at, created_at, ...) may not lie after the load. Dates are planned.
    planned: bool = False
    # CRM objects: the file may lack the column (it is then NULL). Contract v1 has none.
    optional: bool = False
    # CRM objects: other header names of the column (HubSpot's export and API spellings),
    # matched after the contract's key(); a key made of other columns (history and
    # association objects have none of their own) is the listed columns' values joined.
    aliases: tuple[str, ...] = ()
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    primary_key: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    # History-mode tables (Fivetran's _fivetran_start): one row per key and version.
    version_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_columns(self) -> list[str]:
        """Columns the file must contain (every contract column, nullable or not, except
        the optional columns of CRM objects)."""
        return [column.name for column in self.columns if not column.optional]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


ROLES = ("marketing", "sdr", "ae", "cs", "am", "manager", "system")
SEGMENTS = ("smb", "mid_market", "enterprise")
SOURCES = (
    "inbound_form",
    "demo_request",
    "chat",
    "event",
    "content",
    "outbound",
    "partner",
    "referral",
    "other",
)
INTENT_LEVELS = ("high", "medium", "low")
FUNNEL_STAGES = (
    "inquiry",
    "mql",
    "sal",
    "sql",
    "opportunity",
    "closed_won",
    "onboarding",
    "adoption",
    "renewal",
)
CLOSING_STAGES = ("recycled", "closed_lost", "disqualified", "churned")
STAGES = FUNNEL_STAGES + CLOSING_STAGES
ASSIGNMENT_METHODS = ("rule", "round_robin", "manual", "escalation")
ACTIVITY_TYPES = ("call", "email", "meeting", "sms", "social", "chat", "milestone")
DIRECTIONS = ("outbound", "inbound", "internal")
RENEWAL_STATUSES = ("renewed", "churned", "open")
SIGNAL_TYPES = (
    "usage_drop",
    "support_escalation",
    "champion_left",
    "payment_risk",
    "low_nps",
    "other",
)
SEVERITIES = ("low", "medium", "high")

TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def _id(name: str, references: str | None = None, required: bool = True) -> Column:
    return Column(name, "id", required=required, references=references)


TABLES: tuple[Table, ...] = (
    Table(
        "users",
        "user_id",
        (
            _id("user_id"),
            Column("full_name", "text", required=False),
            Column("email", "text", required=False),
            Column("role", "enum", enum=ROLES),
            Column("team", "text", required=False),
            _id("manager_id", references="users", required=False),
            Column("territory", "text", required=False),
            Column("is_active", "boolean"),
        ),
    ),
    Table(
        "accounts",
        "account_id",
        (
            _id("account_id"),
            Column("account_name", "text", required=False),
            Column("segment", "enum", enum=SEGMENTS),
            Column("territory", "text"),
            Column("industry", "text", required=False),
            Column("created_at", "timestamp"),
        ),
    ),
    Table(
        "journeys",
        "journey_id",
        (
            _id("journey_id"),
            _id("account_id", references="accounts"),
            Column("created_at", "timestamp"),
            Column("source", "enum", enum=SOURCES),
            Column("intent_level", "enum", enum=INTENT_LEVELS),
            Column("segment", "enum", required=False, enum=SEGMENTS),
            Column("territory", "text", required=False),
            Column("product_line", "text", required=False),
        ),
    ),
    Table(
        "stage_events",
        "event_id",
        (
            _id("event_id"),
            _id("journey_id", references="journeys"),
            Column("stage", "enum", enum=STAGES),
            Column("occurred_at", "timestamp"),
            _id("owner_id", references="users", required=False),
            Column("reason_code", "text", required=False),
        ),
    ),
    Table(
        "assignments",
        "assignment_id",
        (
            _id("assignment_id"),
            _id("journey_id", references="journeys"),
            _id("owner_id", references="users"),
            Column("assigned_at", "timestamp"),
            Column("method", "enum", enum=ASSIGNMENT_METHODS),
            Column("reason", "text", required=False),
        ),
    ),
    Table(
        "activities",
        "activity_id",
        (
            _id("activity_id"),
            _id("journey_id", references="journeys"),
            _id("owner_id", references="users", required=False),
            Column("activity_type", "enum", enum=ACTIVITY_TYPES),
            Column("direction", "enum", enum=DIRECTIONS),
            Column("is_automated", "boolean"),
            Column("occurred_at", "timestamp"),
            Column("outcome", "text", required=False),
            Column("scheduled_for", "timestamp", required=False, planned=True),
        ),
    ),
    Table(
        "contracts",
        "contract_id",
        (
            _id("contract_id"),
            _id("journey_id", references="journeys"),
            _id("account_id", references="accounts"),
            Column("start_date", "date"),
            Column("end_date", "date"),
            Column("arr", "number"),
            Column("renewal_status", "enum", enum=RENEWAL_STATUSES),
            Column("renewal_arr", "number", required=False),
        ),
    ),
    Table(
        "signals",
        "signal_id",
        (
            _id("signal_id"),
            _id("journey_id", references="journeys"),
            Column("detected_at", "timestamp"),
            Column("signal_type", "enum", enum=SIGNAL_TYPES),
            Column("severity", "enum", enum=SEVERITIES),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}
TABLE_NAMES: tuple[str, ...] = tuple(table.name for table in TABLES)


@dataclass(frozen=True)
class Contract:
    """What one kind of input looks like: the extract (contract v1) or a CRM's objects
    (journey_sla/crm_objects.py). The loader is the same for all of them."""

    name: str  # extract, salesforce, hubspot: the --crm value and the dbt var `crm`
    schema: str  # schema of the raw file the tables load into
    tables: tuple[Table, ...]
    # Tables a first load must bring; the others may be missing (loaded empty, with a notice).
    required_tables: tuple[str, ...] = ()
    # CRM object files and columns are matched after crm_key() (OwnerId = owner_id);
    # contract v1 matches names trimmed and lower-cased only.
    loose_names: bool = False
    # Boolean columns marking a row deleted in the CRM: such rows are left out and counted.
    deleted_columns: tuple[str, ...] = ()
    # What the build lacks when an optional table is missing (table -> one line).
    missing_notes: tuple[tuple[str, str], ...] = ()
    # Prefixes key() drops after crm_key(): HubSpot's Fivetran columns are property_<name>,
    # its exports and API write <name>.
    strip_prefixes: tuple[str, ...] = ()
    # Timestamps may also be epoch milliseconds (HubSpot's API and exports).
    epoch_millis: bool = False
    # A file named for table A whose header has column C loads as table B: (A, C, B).
    # Fivetran history-mode tables (lead_history with _fivetran_start) share a name with
    # Salesforce's own history objects (LeadHistory) and are told apart by their columns.
    routes: tuple[tuple[str, str, str], ...] = ()

    @property
    def tables_by_name(self) -> dict[str, Table]:
        return {table.name: table for table in self.tables}

    def table_name(self, table: Table) -> str:
        """How raw.load_log and raw.rejects name the table: schema-qualified for a CRM."""
        return table.name if self.schema == "raw" else f"{self.schema}.{table.name}"

    def key(self, name: str) -> str:
        if not self.loose_names:
            return name.strip().lower()
        key = crm_key(name)
        for prefix in self.strip_prefixes:
            if key.startswith(prefix) and len(key) > len(prefix):
                return key[len(prefix) :]
        return key


def crm_key(name: str) -> str:
    """The one normalisation CRM names go through: case and everything but letters and
    digits dropped, so the API spelling (ConvertedOpportunityId, Stage__c) and the Fivetran
    spelling (converted_opportunity_id, stage_c) meet."""
    return "".join(character for character in name.lower() if character.isalnum())


EXTRACT = Contract("extract", "raw", TABLES, required_tables=TABLE_NAMES)
