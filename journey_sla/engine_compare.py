"""Row-for-row comparison of the published tables (fct_, mart_) built on two engines.

Used by the cross-engine equivalence test (tests/test_engines.py). Each table is read into a
DataFrame, columns in the DuckDB table's order; rows are sorted on every column (floats
rounded to 9 significant digits for the sort only) and compared cell by cell: floats to 1e-9
relative (1e-12 absolute near zero), everything else exactly, timestamps to the microsecond.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

REL_TOL = 1e-9
ABS_TOL = 1e-12


def _normal(value):
    """One Python value per cell whatever the driver returned (numpy, Decimal, NaT, ...)."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):
        return _normal(value.item())
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return value


def _sort_key(row: tuple) -> tuple:
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, bool):
            key.append((1, str(value)))
        elif isinstance(value, int | float):
            key.append((2, f"{float(value):.9g}" if value == value else "nan"))
        else:
            key.append((3, str(value)))
    return tuple(key)


def _equal(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return bool(left) == bool(right) and type(left) is type(right)
    if isinstance(left, int | float) and isinstance(right, int | float):
        if isinstance(left, int) and isinstance(right, int):
            return left == right
        return math.isclose(float(left), float(right), rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return left == right


def table_rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    frame = frame[columns]
    rows = [tuple(_normal(value) for value in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=_sort_key)


def compare_tables(
    tables: list[str],
    read_left: Callable[[str], pd.DataFrame],
    read_right: Callable[[str], pd.DataFrame],
    max_examples: int = 3,
) -> list[str]:
    """Differences, one line each (empty when every table is equal row for row)."""
    problems = []
    for table in tables:
        left = read_left(table)
        right = read_right(table)
        columns = list(left.columns)
        missing = [column for column in columns if column not in right.columns]
        if missing or len(right.columns) != len(columns):
            problems.append(f"{table}: columns differ: {columns} vs {list(right.columns)}")
            continue
        left_rows, right_rows = table_rows(left, columns), table_rows(right, columns)
        if len(left_rows) != len(right_rows):
            problems.append(f"{table}: {len(left_rows)} rows vs {len(right_rows)}")
            continue
        examples = []
        for left_row, right_row in zip(left_rows, right_rows, strict=True):
            differing = [
                f"{column}={a!r} vs {b!r}"
                for column, a, b in zip(columns, left_row, right_row, strict=True)
                if not _equal(a, b)
            ]
            if differing:
                examples.append("; ".join(differing))
                if len(examples) >= max_examples:
                    break
        if examples:
            problems.append(f"{table}: rows differ, e.g. " + " | ".join(examples))
    return problems
