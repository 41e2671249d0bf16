"""Spreadsheet-safe CSV: no cell that a spreadsheet would run as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice and Google Sheets (CSV or formula injection): a user or account name
such as ``=HYPERLINK(...)`` would run when a manager opens an export. Every CSV the project
writes goes through this module, which prefixes such *text* cells with a single quote, as
OWASP recommends: the value stays readable (``'=HYPERLINK(...)``) and is shown as text.
Numbers, dates and booleans are not text and are left alone (``-3`` stays a number).
Parquet keeps the original values: it is typed and no spreadsheet evaluates it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def spreadsheet_safe(value: object) -> object:
    """One cell: text starting like a formula gets the prefix; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return PREFIX + value
    return value


def spreadsheet_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas (vectorised per column)."""
    import pandas as pd

    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        if pd.api.types.is_string_dtype(column) and not pd.api.types.is_object_dtype(column):
            risky = column.str.startswith(FORMULA_STARTS, na=False).astype(bool)
        else:
            # An object column may hold dates or numbers beside text (the review's `month`
            # is a datetime.date): only text cells can be formulas.
            risky = column.map(lambda value: spreadsheet_safe(value) is not value).astype(bool)
        if risky.any():
            safe.loc[risky, name] = PREFIX + column[risky].astype(str)
    return safe


def spreadsheet_safe_sql(expression: str) -> str:
    """SQL (DuckDB) for one text expression, neutralised like spreadsheet_safe."""
    starts = ", ".join(
        "chr(9)" if s == "\t" else "chr(13)" if s == "\r" else f"'{s}'" for s in FORMULA_STARTS
    )
    return (
        f"case when left({expression}, 1) in ({starts}) "
        f"then '{PREFIX * 2}' || {expression} else {expression} end"
    )


def spreadsheet_safe_query(connection: duckdb.DuckDBPyConnection, query: str) -> str:
    """``query`` wrapped so every VARCHAR column is neutralised; other columns pass through."""
    described = connection.execute(f"describe ({query})").fetchall()
    columns = []
    for name, type_name, *_ in described:
        quoted = '"' + str(name).replace('"', '""') + '"'
        if str(type_name).upper() == "VARCHAR":
            columns.append(f"{spreadsheet_safe_sql(quoted)} as {quoted}")
        else:
            columns.append(quoted)
    return f"select {', '.join(columns)} from ({query})"
