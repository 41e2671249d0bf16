"""Contract tables as Arrow string columns, built from the simulated arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journey_sla.contract import (
    ACTIVITY_TYPES,
    ASSIGNMENT_METHODS,
    DIRECTIONS,
    INTENT_LEVELS,
    RENEWAL_STATUSES,
    ROLES,
    SEGMENTS,
    SEVERITIES,
    SIGNAL_TYPES,
    SOURCES,
    STAGES,
    TABLES_BY_NAME,
)
from journey_sla.generate.constants import (
    ASSIGNMENT_REASONS,
    ID_FORMAT,
    INDUSTRIES,
    OUTCOMES,
    PRODUCT_LINES,
    TEAMS,
    TERRITORIES,
)
from journey_sla.generate.people import COMPANY_KINDS, COMPANY_WORDS

# Every column is written as text, as a CRM export would be; -1 in a code or reference
# array means an empty cell.


def id_column(table: str, numbers: np.ndarray) -> pa.Array:
    """Ids like ``j0000042``: the table's prefix and the number, zero-padded."""
    prefix, digits = ID_FORMAT[table]
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), digits, "0"
    )
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def _refs(ids: pa.Array, index: np.ndarray) -> pa.Array:
    index = np.asarray(index, dtype=np.int64)
    return ids.take(pa.array(index, mask=index < 0))


def _enum(values, codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def _timestamps(t: np.ndarray) -> pa.Array:
    t = np.asarray(t, dtype=np.int64)
    return pc.cast(pa.array(t, type=pa.timestamp("s"), mask=t < 0), pa.string())


def _dates(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int32)
    return pc.cast(pa.array(days, type=pa.date32()), pa.string())


def _numbers(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pc.cast(pa.array(values, mask=values < 0), pa.string())


def _booleans(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=bool)), pa.string())


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """The columns in the contract's order."""
    names = TABLES_BY_NAME[name].column_names
    return pa.table([columns[c].cast(pa.string()) for c in names], names=names)


class TableBuilder:
    """Builds the contract tables one at a time from the simulated rows in ``state``.

    Call ``build`` in TABLE_NAMES order: parents come first and their ids are kept for the
    tables that refer to them. The simulated rows of the other tables are popped from
    ``state`` as they are built, so their memory goes once the table is written.
    """

    def __init__(self, rng, state: dict):
        self.rng, self.state = rng, state
        self.ids: dict[str, pa.Array] = {}
        self._builders = {
            "users": self._users,
            "accounts": self._accounts,
            "journeys": self._journeys,
            "stage_events": self._stage_events,
            "assignments": self._assignments,
            "activities": self._activities,
            "contracts": self._contracts,
            "signals": self._signals,
        }

    def build(self, name: str) -> pa.Table:
        return _table(name, self._builders[name](name))

    def _users(self, name: str) -> dict[str, pa.Array]:
        users, ids = self.state["users"], self.ids
        ids["users"] = id_column(name, np.arange(1, users.n + 1))
        return {
            "user_id": ids["users"],
            "full_name": pa.array(users.full_name, pa.string()),
            "email": pa.array(users.email, pa.string()),
            "role": _enum(ROLES, users.role),
            "team": _enum(TEAMS, users.team),
            "manager_id": _refs(ids["users"], users.manager),
            "territory": _enum(TERRITORIES, users.territory),
            "is_active": _booleans(users.active),
        }

    def _accounts(self, name: str) -> dict[str, pa.Array]:
        accounts, rng = self.state["accounts"], self.rng
        n = accounts["n"]
        self.ids["accounts"] = id_column(name, np.arange(1, n + 1))
        # Names are drawn here, when the table is built, not with the other account fields.
        words = np.array(COMPANY_WORDS, dtype=object)
        kinds = np.array(COMPANY_KINDS, dtype=object)
        account_name = pc.binary_join_element_wise(
            pa.array(words[rng.integers(0, len(words), n)], pa.string()),
            pa.array(kinds[rng.integers(0, len(kinds), n)], pa.string()),
            pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
            " ",
        )
        return {
            "account_id": self.ids["accounts"],
            "account_name": account_name,
            "segment": _enum(SEGMENTS, accounts["segment"]),
            "territory": _enum(TERRITORIES, accounts["territory"]),
            "industry": _enum(INDUSTRIES, accounts["industry"]),
            "created_at": _timestamps(accounts["created"]),
        }

    def _journeys(self, name: str) -> dict[str, pa.Array]:
        jr = self.state["jr"]
        self.ids["journeys"] = id_column(name, np.arange(1, len(jr["created"]) + 1))
        return {
            "journey_id": self.ids["journeys"],
            "account_id": _refs(self.ids["accounts"], jr["account"]),
            "created_at": _timestamps(jr["created"]),
            "source": _enum(SOURCES, jr["source"]),
            "intent_level": _enum(INTENT_LEVELS, jr["intent"]),
            "segment": _enum(SEGMENTS, jr["segment"]),
            "territory": _enum(TERRITORIES, jr["territory"]),
            "product_line": _enum(PRODUCT_LINES, jr["product"]),
        }

    def _stage_events(self, name: str) -> dict[str, pa.Array]:
        ev = self.state.pop("events")
        return {
            "event_id": id_column(name, np.arange(1, len(ev["t"]) + 1)),
            "journey_id": _refs(self.ids["journeys"], ev["j"]),
            "stage": _enum(STAGES, ev["stage"]),
            "occurred_at": _timestamps(ev["t"]),
            "owner_id": _refs(self.ids["users"], ev["owner"]),
            "reason_code": _enum(self.state["codes"].names, ev["reason"]),
        }

    def _assignments(self, name: str) -> dict[str, pa.Array]:
        asg = self.state.pop("assignments")
        return {
            "assignment_id": id_column(name, np.arange(1, len(asg["t"]) + 1)),
            "journey_id": _refs(self.ids["journeys"], asg["j"]),
            "owner_id": _refs(self.ids["users"], asg["owner"]),
            "assigned_at": _timestamps(asg["t"]),
            "method": _enum(ASSIGNMENT_METHODS, asg["method"]),
            "reason": _enum(ASSIGNMENT_REASONS, asg["reason"]),
        }

    def _activities(self, name: str) -> dict[str, pa.Array]:
        act = self.state.pop("activities")
        return {
            "activity_id": id_column(name, np.arange(1, len(act["t"]) + 1)),
            "journey_id": _refs(self.ids["journeys"], act["j"]),
            "owner_id": _refs(self.ids["users"], act["owner"]),
            "activity_type": _enum(ACTIVITY_TYPES, act["type"]),
            "direction": _enum(DIRECTIONS, act["direction"]),
            "is_automated": _booleans(act["auto"]),
            "occurred_at": _timestamps(act["t"]),
            "outcome": _enum(OUTCOMES, act["outcome"]),
            "scheduled_for": _timestamps(act["scheduled"]),
        }

    def _contracts(self, name: str) -> dict[str, pa.Array]:
        con, jr = self.state.pop("contracts"), self.state["jr"]
        return {
            "contract_id": id_column(name, np.arange(1, len(con["j"]) + 1)),
            "journey_id": _refs(self.ids["journeys"], con["j"]),
            "account_id": _refs(self.ids["accounts"], jr["account"][con["j"]]),
            "start_date": _dates(con["start"]),
            "end_date": _dates(con["end"]),
            "arr": _numbers(con["arr"]),
            "renewal_status": _enum(RENEWAL_STATUSES, con["status"]),
            "renewal_arr": _numbers(con["renewal_arr"]),
        }

    def _signals(self, name: str) -> dict[str, pa.Array]:
        sig = self.state.pop("signals")
        return {
            "signal_id": id_column(name, np.arange(1, len(sig["t"]) + 1)),
            "journey_id": _refs(self.ids["journeys"], sig["j"]),
            "detected_at": _timestamps(sig["t"]),
            "signal_type": _enum(SIGNAL_TYPES, sig["type"]),
            "severity": _enum(SEVERITIES, sig["severity"]),
        }
