"""Dirty rows: broken copies of good rows that the loader must reject, counted per reason."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journey_sla.contract import TABLES_BY_NAME
from journey_sla.generate.constants import ID_FORMAT
from journey_sla.generate.tables import id_column

# Why the loader rejects a row; manifest.json counts the dirty rows per table and reason.
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
# Values that look like data but do not parse as the column's kind.
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


def add_dirty_rows(rng, name: str, good: pa.Table, dirty: float) -> tuple[pa.Table, dict[str, int]]:
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
    ids = pc.if_else(pa.array(is_dup), columns[pk], id_column(name, fresh))
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
