"""Demo-data generator: a synthetic CRM extract that follows the raw extract contract.

The extract is simulated journey by journey, but every step works on whole NumPy
arrays (one array element per journey, activity or event), so 1M journeys take
minutes, not hours. Delays are drawn in *business* seconds of the acting user's
calendar and mapped back to wall-clock time, so a lead that arrives on Friday
night waits for Monday morning, as it would in a real sales team.

Behaviour the analytics rely on (see ``generate`` for the knobs):

- response time to an inquiry depends on the SDR (some are slow), on the arrival
  hour (nights and weekends wait) and on the SDR's load that day, and the chance
  that the inquiry progresses falls with it;
- SDRs who give up after few attempts or use one channel convert fewer SALs;
- slow AE handoffs, late follow-ups and opportunity stalls lower win rates;
- about a quarter of recycled journeys re-enter at mql or sal weeks later;
- ``dirty > 0`` appends rows the loader must reject, counted in ``manifest.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
    TABLE_NAMES,
    TABLES_BY_NAME,
)
from journey_sla.generate.calendars import (
    Calendars,
    add_months,
    epoch_seconds,
    read_territory_calendars,
)
from journey_sla.generate.constants import (
    ASSIGNMENT_REASONS,
    DAY,
    ID_FORMAT,
    INDUSTRIES,
    OUTCOMES,
    PRODUCT_LINES,
    TEAMS,
    TERRITORIES,
)
from journey_sla.generate.noise import finish_rows
from journey_sla.generate.people import (
    COMPANY_KINDS,
    COMPANY_WORDS,
    make_accounts_and_journeys,
    make_users,
)
from journey_sla.generate.reason_codes import read_reason_codes
from journey_sla.generate.simulation import simulate_funnel

FORMATS = ("csv", "parquet")
DIRTY_REASONS = (
    "bad_timestamp",
    "bad_date",
    "bad_number",
    "bad_boolean",
    "bad_enum",
    "missing_required",
    "duplicate_key",
    "missing_parent",
)
# ----------------------------------------------------------------------------- string tables


def _ids(table: str, numbers: np.ndarray) -> pa.Array:
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
    names = TABLES_BY_NAME[name].column_names
    return pa.table([columns[c].cast(pa.string()) for c in names], names=names)


# ----------------------------------------------------------------------------- dirty rows

BAD_VALUES = {
    "bad_timestamp": ("2025-13-45 99:00", "not-a-timestamp", "2025-02-30 25:61:00"),
    "bad_date": ("not-a-date", "2025-02-30", "2025-13-01"),
    "bad_number": ("12,x", "abc", "1.2.3"),
    "bad_boolean": ("maybe", "tru", "2"),
    "bad_enum": ("unknown_value", "legacy_value"),
}


def _breakable(name: str) -> dict[str, list[str]]:
    """Reject kind -> columns of ``name`` that can carry it (PK excluded)."""
    table = TABLES_BY_NAME[name]
    kinds: dict[str, list[str]] = {reason: [] for reason in DIRTY_REASONS}
    kind_reason = {
        "timestamp": "bad_timestamp",
        "date": "bad_date",
        "number": "bad_number",
        "boolean": "bad_boolean",
        "enum": "bad_enum",
    }
    for col in table.columns:
        if col.name == table.primary_key:
            continue
        if col.required and col.kind in kind_reason:
            kinds[kind_reason[col.kind]].append(col.name)
        if col.required and col.kind != "id":
            kinds["missing_required"].append(col.name)
        if col.references:
            kinds["missing_parent"].append(col.name)
    kinds["duplicate_key"] = [table.primary_key]
    # One reference per table is enough and keeps each reject unambiguous: prefer the
    # required one (journey_id, account_id); users only has manager_id.
    required_refs = [c for c in kinds["missing_parent"] if table.column(c).required]
    if required_refs:
        kinds["missing_parent"] = required_refs
    return {reason: cols for reason, cols in kinds.items() if cols}


def _add_dirty(rng, name: str, good: pa.Table, dirty: float) -> tuple[pa.Table, dict[str, int]]:
    """Append ~dirty x rows broken copies of good rows, interleaved deterministically."""
    counts = dict.fromkeys(DIRTY_REASONS, 0)
    n = good.num_rows
    n_dirty = int(round(dirty * n))
    if n_dirty == 0 or n == 0:
        return good, counts
    kinds = _breakable(name)
    reasons = list(kinds)
    reason = rng.permutation(np.arange(n_dirty) % len(reasons))
    source = rng.integers(0, n, n_dirty)
    rows = good.take(pa.array(source))
    columns = {c: rows.column(c).combine_chunks() for c in rows.column_names}
    pk = TABLES_BY_NAME[name].primary_key
    fresh = n + 1 + np.arange(n_dirty)
    is_dup = reason == reasons.index("duplicate_key")
    ids = pc.if_else(pa.array(is_dup), columns[pk], _ids(name, fresh))
    columns[pk] = ids
    for r_index, r_name in enumerate(reasons):
        if r_name == "duplicate_key":
            continue
        hit = reason == r_index
        targets = kinds[r_name]
        which = rng.integers(0, len(targets), n_dirty)
        for k, col in enumerate(targets):
            mask = hit & (which == k)
            if not mask.any():
                continue
            if r_name == "missing_required":
                value = pa.nulls(n_dirty, pa.string())
            elif r_name == "missing_parent":
                prefix = ID_FORMAT[TABLES_BY_NAME[name].column(col).references][0]
                value = pa.array(
                    np.full(n_dirty, f"missing_{prefix}999", dtype=object), pa.string()
                )
            else:
                options = BAD_VALUES[r_name]
                value = pa.array(
                    np.array(options, dtype=object)[rng.integers(0, len(options), n_dirty)],
                    pa.string(),
                )
            columns[col] = pc.if_else(pa.array(mask), value, columns[col])
        counts[r_name] = int(hit.sum())
    counts["duplicate_key"] = int(is_dup.sum())

    # Interleave: a dirty row goes before good row `slot`; a duplicate after its original.
    slot = rng.integers(0, n + 1, n_dirty)
    slot = np.where(
        is_dup, source + 1 + (rng.random(n_dirty) * (n - source)).astype(np.int64), slot
    )
    key = np.concatenate([2 * np.arange(n) + 1, 2 * slot])
    tie = np.concatenate([np.zeros(n, dtype=np.int64), np.arange(n_dirty)])
    order = np.lexsort((tie, key))
    dirty_table = pa.table([columns[c] for c in good.column_names], names=good.column_names)
    combined = pa.concat_tables([good, dirty_table])
    return combined.take(pa.array(order)), counts


# ----------------------------------------------------------------------------- writing


def _write(con: duckdb.DuckDBPyConnection, table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    con.register("_out", table)
    try:
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM _out) TO '{target}' (FORMAT csv, HEADER, DELIMITER ',')")
    finally:
        con.unregister("_out")


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, *args, **kwargs):
        return 0

    def update(self, *args, **kwargs):
        pass

    def advance(self, *args, **kwargs):
        pass


def _progress(show: bool):
    if not show:
        return _NoProgress()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )


# ----------------------------------------------------------------------------- public API


def _validate(journeys, seed, start, months, dirty, fmt) -> None:
    def is_int(value):
        return isinstance(value, int | np.integer) and not isinstance(value, bool)

    if not is_int(journeys) or journeys < 1:
        raise ValueError(f"journeys must be an integer >= 1, got {journeys!r}")
    if not is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(start, date):
        raise ValueError(f"start must be a date, got {start!r}")
    if not is_int(months) or months < 1:
        raise ValueError(f"months must be an integer >= 1, got {months!r}")
    if not isinstance(dirty, int | float | np.floating) or not 0.0 <= float(dirty) < 0.5:
        raise ValueError(f"dirty must be a number in [0, 0.5), got {dirty!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")


def generate(
    out_dir: Path,
    journeys: int,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    months: int = 18,
    dirty: float = 0.0,
    fmt: str = "csv",
    show_progress: bool = False,
) -> dict[str, int]:
    """Write the demo extract to out_dir (created if missing); return rows written per table
    (including dirty rows)."""
    _validate(journeys, seed, start, months, dirty, fmt)
    if isinstance(start, datetime):
        start = start.date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journeys = int(journeys)
    end = add_months(start, months)
    t0, t1 = epoch_seconds(start), epoch_seconds(end)
    rng = np.random.default_rng(seed)

    steps: list[tuple[str, Callable[[], None]]] = []
    state: dict = {}

    def people():
        state["cal"] = Calendars(t0, t1 + 800 * DAY, read_territory_calendars())
        state["codes"] = read_reason_codes()
        state["users"] = make_users(rng, journeys)
        state["accounts"], state["jr"] = make_accounts_and_journeys(
            rng, state["cal"], journeys, t0, t1
        )

    def funnel():
        state["sim"] = simulate_funnel(
            rng, state["cal"], state["users"], state["jr"], state["codes"], t0, t1
        )

    def tidy():
        state.update(finish_rows(rng, state.pop("sim"), state["jr"], state["users"], t0, t1))

    steps = [
        ("Simulating people and accounts", people),
        ("Simulating the funnel", funnel),
        ("Adding CRM noise", tidy),
    ]

    rows: dict[str, int] = {}
    dirty_rows: dict[str, dict[str, int]] = {}
    ids: dict[str, pa.Array] = {}

    def build(name: str) -> pa.Table:
        users, accounts, jr = state["users"], state["accounts"], state["jr"]
        if name == "users":
            ids["users"] = _ids("users", np.arange(1, users.n + 1))
            return _table(
                name,
                {
                    "user_id": ids["users"],
                    "full_name": pa.array(users.full_name, pa.string()),
                    "email": pa.array(users.email, pa.string()),
                    "role": _enum(ROLES, users.role),
                    "team": _enum(TEAMS, users.team),
                    "manager_id": _refs(ids["users"], users.manager),
                    "territory": _enum(TERRITORIES, users.territory),
                    "is_active": _booleans(users.active),
                },
            )
        if name == "accounts":
            n = accounts["n"]
            ids["accounts"] = _ids("accounts", np.arange(1, n + 1))
            words = np.array(COMPANY_WORDS, dtype=object)
            kinds = np.array(COMPANY_KINDS, dtype=object)
            name_col = pc.binary_join_element_wise(
                pa.array(words[rng.integers(0, len(words), n)], pa.string()),
                pa.array(kinds[rng.integers(0, len(kinds), n)], pa.string()),
                pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
                " ",
            )
            return _table(
                name,
                {
                    "account_id": ids["accounts"],
                    "account_name": name_col,
                    "segment": _enum(SEGMENTS, accounts["segment"]),
                    "territory": _enum(TERRITORIES, accounts["territory"]),
                    "industry": _enum(INDUSTRIES, accounts["industry"]),
                    "created_at": _timestamps(accounts["created"]),
                },
            )
        if name == "journeys":
            ids["journeys"] = _ids("journeys", np.arange(1, journeys + 1))
            return _table(
                name,
                {
                    "journey_id": ids["journeys"],
                    "account_id": _refs(ids["accounts"], jr["account"]),
                    "created_at": _timestamps(jr["created"]),
                    "source": _enum(SOURCES, jr["source"]),
                    "intent_level": _enum(INTENT_LEVELS, jr["intent"]),
                    "segment": _enum(SEGMENTS, jr["segment"]),
                    "territory": _enum(TERRITORIES, jr["territory"]),
                    "product_line": _enum(PRODUCT_LINES, jr["product"]),
                },
            )
        if name == "stage_events":
            ev = state.pop("events")
            return _table(
                name,
                {
                    "event_id": _ids(name, np.arange(1, len(ev["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], ev["j"]),
                    "stage": _enum(STAGES, ev["stage"]),
                    "occurred_at": _timestamps(ev["t"]),
                    "owner_id": _refs(ids["users"], ev["owner"]),
                    "reason_code": _enum(state["codes"].names, ev["reason"]),
                },
            )
        if name == "assignments":
            asg = state.pop("assignments")
            return _table(
                name,
                {
                    "assignment_id": _ids(name, np.arange(1, len(asg["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], asg["j"]),
                    "owner_id": _refs(ids["users"], asg["owner"]),
                    "assigned_at": _timestamps(asg["t"]),
                    "method": _enum(ASSIGNMENT_METHODS, asg["method"]),
                    "reason": _enum(ASSIGNMENT_REASONS, asg["reason"]),
                },
            )
        if name == "activities":
            act = state.pop("activities")
            return _table(
                name,
                {
                    "activity_id": _ids(name, np.arange(1, len(act["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], act["j"]),
                    "owner_id": _refs(ids["users"], act["owner"]),
                    "activity_type": _enum(ACTIVITY_TYPES, act["type"]),
                    "direction": _enum(DIRECTIONS, act["direction"]),
                    "is_automated": _booleans(act["auto"]),
                    "occurred_at": _timestamps(act["t"]),
                    "outcome": _enum(OUTCOMES, act["outcome"]),
                    "scheduled_for": _timestamps(act["scheduled"]),
                },
            )
        if name == "contracts":
            con = state.pop("contracts")
            return _table(
                name,
                {
                    "contract_id": _ids(name, np.arange(1, len(con["j"]) + 1)),
                    "journey_id": _refs(ids["journeys"], con["j"]),
                    "account_id": _refs(ids["accounts"], jr["account"][con["j"]]),
                    "start_date": _dates(con["start"]),
                    "end_date": _dates(con["end"]),
                    "arr": _numbers(con["arr"]),
                    "renewal_status": _enum(RENEWAL_STATUSES, con["status"]),
                    "renewal_arr": _numbers(con["renewal_arr"]),
                },
            )
        sig = state.pop("signals")
        return _table(
            name,
            {
                "signal_id": _ids(name, np.arange(1, len(sig["t"]) + 1)),
                "journey_id": _refs(ids["journeys"], sig["j"]),
                "detected_at": _timestamps(sig["t"]),
                "signal_type": _enum(SIGNAL_TYPES, sig["type"]),
                "severity": _enum(SEVERITIES, sig["severity"]),
            },
        )

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # our own bar, or none
    try:
        with _progress(show_progress) as progress:
            task = progress.add_task("Generating", total=len(steps) + len(TABLE_NAMES))
            for label, step in steps:
                progress.update(task, description=label)
                step()
                progress.advance(task)
            for name in TABLE_NAMES:
                progress.update(task, description=f"Writing {name}")
                table, counts = _add_dirty(rng, name, build(name), dirty)
                _write(con, table, out_dir / f"{name}.{fmt}", fmt)
                rows[name] = table.num_rows
                dirty_rows[name] = counts
                del table
                progress.advance(task)
    finally:
        con.close()

    manifest = {
        "seed": seed,
        "journeys": journeys,
        "start": start.isoformat(),
        "months": months,
        "dirty": dirty,
        "format": fmt,
        "end": end.isoformat(),
        "contract_version": 1,
        "rows": rows,
        "dirty_rows": dirty_rows,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return rows
