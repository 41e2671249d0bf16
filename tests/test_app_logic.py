"""Rules of the app's code that need no warehouse: relation names in one place, the sidebar's
date range, predicates that bind every value."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from journey_sla.app_logic import sidebar, ui, warehouse, wording
from journey_sla.app_logic.warehouse import RELATIONS, Filters

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = sorted((ROOT / "journey_sla" / "app_logic").glob("*.py")) + sorted(
    (ROOT / "app").rglob("*.py")
)


def test_relation_names_are_spelled_only_in_relations() -> None:
    """Renaming a relation the app reads is one edit: warehouse.Relations. No statement of
    the app names a relation itself (`from x` / `join x` with a literal name)."""
    names = "|".join(re.escape(name) for name in RELATIONS.names())
    literal = re.compile(rf"\b(?:from|join)\s+(?:{names})\b(?!\s*[,:(])", re.IGNORECASE)
    offenders = []
    for path in APP_CODE:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            code = line.split("#", 1)[0]
            if literal.search(code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
    assert len(set(RELATIONS.names())) == len(RELATIONS.names())


def test_every_relation_read_is_required_before_a_page_draws() -> None:
    assert RELATIONS.names() == ui.REQUIRED_TABLES
    assert "dim_journeys" in ui.REQUIRED_TABLES  # the territory filter's source


def test_predicates_bind_values_and_name_only_columns_and_relations() -> None:
    filters = Filters(
        segments=("smb",), territories=("emea",), teams=("t1",),
        start_date=date(2026, 1, 1), end_date=date(2026, 3, 31),
    )  # fmt: skip
    sql, params = warehouse.predicates(
        filters, segment="segment", team="team", journey="journey_id", moment="entered_at"
    )
    assert "smb" not in sql and "emea" not in sql and "2026" not in sql
    assert f"from {RELATIONS.journeys}" in sql
    # One bound value per chosen item; the end day is kept whole: moments before the next
    # day, 2026-03-31 + 1 day = 2026-04-01.
    assert params == ["smb", "t1", "emea", date(2026, 1, 1), date(2026, 4, 1)]
    assert warehouse.predicates(Filters()) == ("true", [])


def test_date_filters_keep_both_ends_whole_and_nothing_beyond() -> None:
    """The sidebar's dates run on the rows: a moment on the first day at 00:00 and one on the
    last day at 23:59:59.999999 are in; the instant before the first day and 00:00 after the
    last are out. Months: the first day's month and the last day's month are in, the months
    either side out. (Pins `>=` and `<` next day, and the month bounds, on a real engine.)"""
    import duckdb

    filters = Filters(start_date=date(2026, 1, 15), end_date=date(2026, 3, 31))
    moments = {
        "day before, last instant": "2026-01-14 23:59:59.999999",
        "first day, 00:00": "2026-01-15 00:00:00",
        "last day, last instant": "2026-03-31 23:59:59.999999",
        "day after, 00:00": "2026-04-01 00:00:00",
    }
    months = {"Dec": "2025-12-01", "Jan": "2026-01-01", "Mar": "2026-03-01", "Apr": "2026-04-01"}
    with duckdb.connect() as connection:
        connection.execute("create table moments (label text, moment_at timestamp)")
        connection.executemany("insert into moments values (?, ?)", list(moments.items()))
        connection.execute("create table months (label text, month_start_date date)")
        connection.executemany("insert into months values (?, ?)", list(months.items()))
        sql, params = warehouse.predicates(filters, moment="moment_at")
        kept = connection.execute(f"select label from moments where {sql}", params).fetchall()
        assert sorted(label for (label,) in kept) == ["first day, 00:00", "last day, last instant"]
        sql, params = warehouse.predicates(filters, month="month_start_date")
        kept = connection.execute(f"select label from months where {sql}", params).fetchall()
        assert sorted(label for (label,) in kept) == ["Jan", "Mar"]
        # A range ending on the 1st still holds that month.
        ends_on_the_first = Filters(start_date=date(2026, 1, 15), end_date=date(2026, 3, 1))
        sql, params = warehouse.predicates(ends_on_the_first, month="month_start_date")
        kept = connection.execute(f"select label from months where {sql}", params).fetchall()
        assert sorted(label for (label,) in kept) == ["Jan", "Mar"]


def test_sidebar_range_while_picking() -> None:
    first, last = date(2025, 1, 1), date(2026, 6, 30)
    assert sidebar._range((), first, last) == (first, last)
    assert sidebar._range((date(2025, 5, 1),), first, last) == (date(2025, 5, 1), last)
    assert sidebar._range((date(2024, 1, 1), date(2027, 1, 1)), first, last) == (first, last)
    assert sidebar._range(date(2025, 5, 1), first, last) == (date(2025, 5, 1), last)


def test_durations_in_human_units() -> None:
    """Issue 12: "overdue 3,112 business h" becomes days and hours. A business day is 8 open
    hours, a calendar day 24 hours; minutes are dropped from a day on."""
    assert wording.duration_words(-(2 * 480 + 3 * 60 + 20)) == "overdue 2 d 3 h business"
    assert wording.duration_words(-3112 * 60) == "overdue 389 d business"
    assert wording.duration_words(480) == "1 d business left"
    assert wording.duration_words(479) == "7 h 59 min business left"
    assert wording.duration_words(120) == "2 h business left"
    assert wording.duration_words(59.6) == "1 h business left"
    assert wording.duration_words(59.4) == "59 min business left"
    assert wording.duration_words(-(24 * 60 + 90), business=False) == "overdue 1 d 1 h"
    assert wording.duration_words(23 * 60, business=False) == "23 h left"
    assert wording.duration_words(None) == ""


def test_backlog_in_words() -> None:
    assert wording.backlog_words({}, 14) == ""
    assert wording.backlog_words(
        {"journey_closed": 500, "older_than_window": 1, "visit_left": 40}, 14
    ) == (
        "Not in the queue (nothing to do about them now): 1 breach breached more than 14 "
        "days ago; 40 breaches whose journey has moved on from the breached stage; 500 "
        "breaches on journeys that are closed or recycled."
    )


def test_unhonoured_link_in_words() -> None:
    assert wording.unhonoured_words("month", [], "May 2026") == ""
    assert wording.unhonoured_words("month", ["Foo 1999"], "May 2026") == (
        "The link asked for month “Foo 1999”, which this warehouse does not have; showing "
        "May 2026 instead."
    )
    assert wording.unhonoured_words("owner", ["u1", "u2"], "all owners") == (
        "The link asked for owner “u1”, “u2”, which it does not have; showing all owners instead."
    )
