"""Issue 10: trustworthy input. One regression test (or more) per case of the issue; each
failed on the code before its fix."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from journey_sla.load import LoadError, load_extracts
from journey_sla.paths import raw_path_for
from tests.conftest import cli_env
from tests.test_load import CLEAN, HEADERS, by_table, query, quiet, rejects, write_extract


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journey_sla", *args],
        capture_output=True, text=True, env=cli_env(), timeout=600,
    )  # fmt: skip


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def activities(n: int, *, broken: dict[int, str] | None = None) -> str:
    """An activities CSV of n rows (x1..xn, all on j1/u2); ``broken`` replaces data rows."""
    rows = [
        f"x{i},j1,u2,email,outbound,false,2025-03-01 15:{i % 60:02d}:00,sent,"
        for i in range(1, n + 1)
    ]
    for number, text in (broken or {}).items():
        rows[number - 1] = text
    return HEADERS["activities"] + "\n" + "\n".join(rows) + "\n"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


# ------------------------------------------------------------------- 1. one stray quote


def test_a_stray_quote_costs_only_its_own_line(tmp_path, warehouse):
    text = activities(40, broken={10: 'x10,j1,u2,"email,outbound,false,2025-03-01 15:10:00,sent,'})
    result = by_table(
        load_extracts(write_extract(tmp_path / "in", activities=text), warehouse, notice=quiet)
    )["activities"]
    assert (result.read, result.loaded, result.rejected) == (40, 39, 1)
    [(row_number, reason, _column, raw_values)] = rejects(warehouse, "activities")
    assert (row_number, reason) == (10, "malformed_row")
    assert json.loads(raw_values)["_raw_line"].startswith('x10,j1,u2,"email,')


def test_two_stray_quotes_reject_two_lines_and_keep_the_lines_between(tmp_path, warehouse):
    text = activities(
        12,
        broken={
            3: 'x3,j1,u2,"email,outbound,false,2025-03-01 15:03:00,sent,',
            7: 'x7,j1,u2,email,outbound,false,2025-03-01 15:07:00,"sent,',
        },
    )
    result = by_table(
        load_extracts(write_extract(tmp_path / "in", activities=text), warehouse, notice=quiet)
    )["activities"]
    assert (result.read, result.loaded, result.rejected) == (12, 10, 2)
    assert [r[:2] for r in rejects(warehouse, "activities")] == [
        (3, "malformed_row"),
        (7, "malformed_row"),
    ]
    loaded = {row[0] for row in query(warehouse, "SELECT activity_id FROM raw.activities")}
    assert {"x4", "x5", "x6", "x8", "x12"} <= loaded


def test_a_real_quoted_newline_still_loads_next_to_a_stray_quote(tmp_path, warehouse):
    text = activities(
        6,
        broken={
            2: 'x2,j1,u2,call,outbound,false,2025-03-01 15:02:00,"left a\nvoicemail",',
            4: 'x4,j1,u2,"email,outbound,false,2025-03-01 15:04:00,sent,',
        },
    )
    result = by_table(
        load_extracts(write_extract(tmp_path / "in", activities=text), warehouse, notice=quiet)
    )["activities"]
    assert (result.read, result.loaded, result.rejected) == (6, 5, 1)
    assert [r[:2] for r in rejects(warehouse, "activities")] == [(4, "malformed_row")]
    assert query(warehouse, "SELECT outcome FROM raw.activities WHERE activity_id = 'x2'") == [
        ("left a\nvoicemail",)
    ]


@pytest.fixture(scope="module")
def generated_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from journey_sla.generate import generate

    out = tmp_path_factory.mktemp("gen300")
    generate(out, journeys=300, seed=7)
    return out


def test_generated_extract_with_a_stray_quote_loses_one_row(generated_300, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in generated_300.glob("*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    lines = (folder / "activities.csv").read_text().splitlines(keepends=True)
    # An e-mail row past the first few (which one depends on the generator's draws).
    row = next(i for i, line in enumerate(lines) if i >= 10 and ",email," in line)
    lines[row] = lines[row].replace(",email,", ',"email,', 1)
    (folder / "activities.csv").write_text("".join(lines))

    result = cli("load", str(folder), "--db", str(tmp_path / "w.duckdb"), "--json")
    assert result.returncode == 0, result.stderr
    table = {t["table"]: t for t in json.loads(result.stdout)["tables"]}["activities"]
    assert table["read"] == len(lines) - 1
    assert table["rejected"] == 1


def test_reject_rate_above_the_limit_fails_the_load_and_leaves_raw_unchanged(tmp_path):
    db = tmp_path / "w.duckdb"
    assert cli("load", str(write_extract(tmp_path / "clean")), "--db", str(db)).returncode == 0
    before = digest(raw_path_for(db))
    bad = activities(50, broken={5: "x5,j1,u2,fax,outbound,false,2025-03-01,sent,"})
    folder = write_extract(tmp_path / "bad", activities=bad)

    result = cli("load", str(folder), "--db", str(db))
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in result.stderr
    assert "activities" in message and "max-reject-rate" in message and "bad_enum" in message
    assert digest(raw_path_for(db)) == before

    # The same file passes with a higher limit.
    assert cli("load", str(folder), "--db", str(db), "--max-reject-rate", "0.05").returncode == 0


def test_max_reject_rate_in_the_python_api(tmp_path, warehouse):
    text = activities(10, broken={5: "x5,j1,u2,fax,outbound,false,2025-03-01,sent,"})
    with pytest.raises(LoadError, match=r"activities\.csv: 1 of 10 rows rejected"):
        load_extracts(
            write_extract(tmp_path / "in", activities=text),
            warehouse,
            notice=quiet,
            max_reject_rate=0.01,
        )
    assert not raw_path_for(warehouse).exists()


def test_build_refuses_a_raw_file_whose_last_load_failed(tmp_path):
    from journey_sla.build import BuildError, build_warehouse

    warehouse = tmp_path / "warehouse.duckdb"
    load_extracts(write_extract(tmp_path / "clean"), warehouse, notice=quiet)
    text = activities(10, broken={5: "x5,j1,u2,fax,outbound,false,2025-03-01,sent,"})
    with pytest.raises(LoadError):
        load_extracts(
            write_extract(tmp_path / "bad", activities=text),
            warehouse,
            notice=quiet,
            max_reject_rate=0.01,
        )
    with pytest.raises(BuildError, match="last load failed"):
        build_warehouse(warehouse)
    # A successful load clears it (the build itself is tested elsewhere).
    load_extracts(write_extract(tmp_path / "clean"), warehouse, notice=quiet)
    from journey_sla.load import last_load_problem

    assert last_load_problem(raw_path_for(warehouse)) is None


# ------------------------------------------------------------- 2. implausible timestamps

NOW = datetime(2026, 1, 15, 12, 0, 0)


def test_implausible_instants_are_rejected_by_name(tmp_path, warehouse):
    text = activities(
        10,
        broken={
            2: "x2,j1,u2,email,outbound,false,2099-12-31 00:00:00,sent,",
            3: "x3,j1,u2,email,outbound,false,9999-12-31,sent,",
            4: "x4,j1,u2,email,outbound,false,0001-01-01,sent,",
            5: "x5,j1,u2,email,outbound,false,2025-03-01 10:00:00+25:00,sent,",
            6: "x6,j1,u2,email,outbound,false,2026-01-16 11:00:00,sent,",  # < now + 1 day
            7: "x7,j1,u2,email,outbound,false,2026-01-16 13:00:00,sent,",  # > now + 1 day
            8: "x8,j1,u2,email,outbound,false,2025-03-01,sent,2040-01-01 09:00:00",
            9: "x9,j1,u2,email,outbound,false,2025-03-01,sent,2047-01-01 09:00:00",
        },
    )
    events = CLEAN["stage_events"] + "e9,j2,mql,1899-12-31 23:00:00,,\n"
    contracts = (
        CLEAN["contracts"] + "k3,j3,a1,2026-01-01,2045-12-31,1000,open,\n"
        "k4,j3,a1,2026-01-01,2046-02-01,1000,open,\n"
    )
    folder = write_extract(
        tmp_path / "in", activities=text, stage_events=events, contracts=contracts
    )
    load_extracts(folder, warehouse, notice=quiet, now=NOW)
    assert [r[:3] for r in rejects(warehouse, "activities")] == [
        (2, "implausible_timestamp", "occurred_at"),
        (3, "implausible_timestamp", "occurred_at"),
        (4, "implausible_timestamp", "occurred_at"),
        (5, "bad_timestamp", "occurred_at"),
        (7, "implausible_timestamp", "occurred_at"),
        (9, "implausible_timestamp", "scheduled_for"),
    ]
    assert [r[:3] for r in rejects(warehouse, "stage_events")] == [
        (4, "implausible_timestamp", "occurred_at")
    ]
    assert [r[:3] for r in rejects(warehouse, "contracts")] == [
        (4, "implausible_timestamp", "end_date")
    ]


def test_the_floor_is_configurable(tmp_path, warehouse):
    events = CLEAN["stage_events"] + "e9,j2,mql,1995-06-01 10:00:00,,\n"
    folder = write_extract(tmp_path / "in", stage_events=events)
    load_extracts(folder, warehouse, notice=quiet, now=NOW, timestamp_floor=date(2000, 1, 1))
    assert [r[:2] for r in rejects(warehouse, "stage_events")] == [(4, "implausible_timestamp")]


def test_load_log_records_the_load_wall_clock(tmp_path, warehouse):
    load_extracts(write_extract(tmp_path / "in"), warehouse, notice=quiet, now=NOW)
    assert query(warehouse, "SELECT DISTINCT loaded_at FROM raw.load_log") == [(NOW,)]


@pytest.mark.slow
def test_the_build_says_where_as_of_came_from(built_warehouse, capsys):
    from journey_sla.build import built_as_of

    as_of, source = built_as_of(built_warehouse)
    assert as_of is not None
    assert source.startswith("latest loaded timestamp not later than the last load at ")


# ------------------------------------------------------------- 4. exports open as formulas

FORMULAS = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_spreadsheet_safe_frame_neutralises_formula_cells():
    import pandas as pd

    from journey_sla.spreadsheet import spreadsheet_safe_frame

    frame = pd.DataFrame({"name": [*FORMULAS, "Ann", None], "minutes": [-5, 1, 2, 3, 4, 5, 6, 7]})
    safe = spreadsheet_safe_frame(frame)
    assert list(safe["name"][:6]) == ["'" + value for value in FORMULAS]
    assert safe["name"][6] == "Ann" and pd.isna(safe["name"][7])
    assert list(safe["minutes"]) == list(frame["minutes"])  # numbers stay numbers
    assert frame["name"][0] == FORMULAS[0]  # the input is not changed


@pytest.mark.slow
def test_every_export_csv_neutralises_formula_cells(built_warehouse, tmp_path):
    import shutil

    from journey_sla.export import export

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy2(built_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update mart_action_queue set owner_name = '=HYPERLINK(\"http://evil\")', "
            "owner_team = '@team', manager_name = '+cmd'"
        )
        connection.execute("update fct_sla_breaches set owner_team = '-team'")
    results = {r.name: r for r in export(warehouse, tmp_path / "out")}
    for name in ("due_next_tasks", "breach_alerts", "reassignments"):
        with results[name].path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, name
        cells = [value for row in rows for value in row.values() if value]
        assert not [
            c for c in cells if c[0] in "=+@\t\r" or (c[0] == "-" and not c[1:2].isdigit())
        ], name
    due = list(csv.DictReader(results["due_next_tasks"].path.open(encoding="utf-8")))
    assert due[0]["owner_name"] == '\'=HYPERLINK("http://evil")'
    assert due[0]["minutes_left"].lstrip("-").replace(".", "").isdigit()


def test_review_zip_tables_are_spreadsheet_safe():
    import io
    import zipfile

    import pandas as pd

    from journey_sla.app_logic import review_download

    payload = review_download.review_zip("t", {"teams": pd.DataFrame({"team": ["=1+1"]})}, {})
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        assert archive.read("teams.csv").decode().splitlines()[1] == "'=1+1"


def test_spreadsheet_safe_frame_with_dates_and_mixed_objects():
    """Issue 12: the review's tables carry `month` as datetime.date (an object column); the
    download raised on `.str` before a single file was written."""
    from datetime import date

    import pandas as pd

    from journey_sla.spreadsheet import spreadsheet_safe_frame

    frame = pd.DataFrame(
        {
            "month": [date(2026, 5, 1), date(2026, 6, 1)],
            "mixed": ["-x", 3],
            "team": pd.Series(["+a", "b"], dtype="string"),
        }
    )
    safe = spreadsheet_safe_frame(frame)
    assert safe["month"].tolist() == [date(2026, 5, 1), date(2026, 6, 1)]
    assert safe["mixed"].tolist() == ["'-x", 3]
    assert safe["team"].tolist() == ["'+a", "b"]


def test_the_queue_download_uses_the_helper():
    page = Path(__file__).resolve().parent.parent / "app" / "app_pages" / "due_next.py"
    assert "spreadsheet_safe_frame(data.queue_all(" in page.read_text()


# ------------------------------------------------------------- 3. rejects keep the original


def raw_bytes(warehouse: Path, table: str) -> list[tuple]:
    return query(
        warehouse,
        "SELECT row_number, raw_bytes, raw_values FROM raw.rejects "
        f"WHERE table_name = '{table}' ORDER BY row_number",
    )


def test_rejected_lines_keep_their_exact_bytes(tmp_path, warehouse):
    latin = "g2,j1,2025-06-01,other,M\u00fcller,extra".encode("latin-1")
    huge = b'g3,j1,2025-06-01,other,low,"' + b"x" * 5_000_000 + b'"'
    folder = write_extract(tmp_path / "in", signals=None)
    (folder / "signals.csv").write_bytes(
        HEADERS["signals"].encode()
        + b"\ng1,j1,2025-06-01,usage_drop,high\n"
        + latin
        + b"\n"
        + huge
        + b"\ng4,j1,2025-06-01,other,low\n"
    )
    result = by_table(load_extracts(folder, warehouse, notice=quiet))["signals"]
    assert (result.read, result.loaded, result.rejected) == (4, 2, 2)
    got = raw_bytes(warehouse, "signals")
    assert [(number, bytes(data)) for number, data, _ in got] == [(2, latin), (3, huge)]
    assert "--encoding cp1252" in json.loads(got[0][2])["_hint"]


def test_stray_quote_rejects_keep_their_exact_bytes(tmp_path, warehouse):
    bad = 'x3,j1,u2,"email,outbound,false,2025-03-01 15:03:00,sent,'
    folder = write_extract(tmp_path / "in", activities=activities(5, broken={3: bad}))
    load_extracts(folder, warehouse, notice=quiet)
    assert [(n, bytes(b)) for n, b, _ in raw_bytes(warehouse, "activities")] == [(3, bad.encode())]


def test_encoding_option_reads_windows_1252(tmp_path, warehouse):
    users = CLEAN["users"].replace("Ann Lee", "Ann M\u00fcller \u2013 \u20ac").encode("cp1252")
    folder = write_extract(tmp_path / "in", users=None)
    (folder / "users.csv").write_bytes(users)
    messages: list[str] = []
    result = by_table(load_extracts(folder, warehouse, notice=messages.append))["users"]
    assert result.rejected == 3  # u1 is not UTF-8; u2 and u3 name it as their manager
    assert any("--encoding cp1252 would read it" in message for message in messages)

    result = by_table(load_extracts(folder, warehouse, notice=quiet, encoding="cp1252"))["users"]
    assert (result.loaded, result.rejected) == (3, 0)
    assert query(warehouse, "SELECT full_name FROM raw.users WHERE user_id = 'u1'") == [
        ("Ann M\u00fcller \u2013 \u20ac",)
    ]


def test_tabs_are_trimmed_like_spaces_in_ids_and_enums(tmp_path, warehouse):
    signals = HEADERS["signals"] + "\n\tg1\t,j1\t,2025-06-01,\tusage_drop\t,high\t\n"
    load_extracts(write_extract(tmp_path / "in", signals=signals), warehouse, notice=quiet)
    assert rejects(warehouse, "signals") == []
    assert query(warehouse, "SELECT signal_id, journey_id, signal_type FROM raw.signals") == [
        ("g1", "j1", "usage_drop")
    ]


# ------------------------------------------------------------------------ 6. smaller points


def test_export_out_naming_a_file_is_one_line_exit_2(tmp_path):
    out = tmp_path / "exports.csv"
    out.write_text("not a folder")
    result = cli("export", "--db", str(tmp_path / "w.duckdb"), "--out", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "exports.csv" in result.stderr and "not a folder" in result.stderr


def test_a_folder_named_like_a_table_is_an_error(tmp_path, warehouse):
    load_extracts(write_extract(tmp_path / "clean"), warehouse, notice=quiet)
    folder = tmp_path / "later"
    (folder / "users.csv").mkdir(parents=True)
    with pytest.raises(LoadError, match=r"users\.csv: is a folder, not a file"):
        load_extracts(folder, warehouse, notice=quiet)


def test_an_empty_folder_on_a_later_load_loads_nothing_and_says_so(tmp_path):
    db = tmp_path / "w.duckdb"
    assert cli("load", str(write_extract(tmp_path / "clean")), "--db", str(db)).returncode == 0
    before = digest(raw_path_for(db))
    (tmp_path / "empty").mkdir()
    result = cli("load", str(tmp_path / "empty"), "--db", str(db))
    assert result.returncode == 2
    assert "nothing was loaded" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert digest(raw_path_for(db)) == before


@pytest.mark.slow
def test_data_health_shows_file_names_not_server_paths(warehouse_env):
    from journey_sla.app_logic import data

    files = list(data.table_counts()["last_file_name"]) + list(data.load_log()["file_name"])
    assert files and all("/" not in name and "\\" not in name for name in files), files[:3]
    assert "users.csv" in files


def test_dbt_usage_statistics_are_off_by_default():
    import yaml

    root = Path(__file__).resolve().parent.parent
    project = yaml.safe_load((root / "dbt_project.yml").read_text())
    assert project["flags"]["send_anonymous_usage_stats"] is False
    assert "send_anonymous_usage_stats" in (root / "profiles.yml").read_text()


# ------------------------------------------------------------- 5. storage paths and crashes


def test_build_refuses_a_db_that_is_or_holds_the_raw_schema(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    load_extracts(write_extract(tmp_path / "in"), warehouse, notice=quiet)
    raw = raw_path_for(warehouse)
    before = digest(raw)
    result = cli("build", "--db", str(raw))
    assert result.returncode != 0
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "raw schema" in message, message
    assert digest(raw) == before

    copy = tmp_path / "copy.duckdb"  # not named .raw.duckdb, but holds schema raw
    copy.write_bytes(raw.read_bytes())
    from journey_sla.build import BuildError, build_warehouse

    with pytest.raises(BuildError, match="raw schema"):
        build_warehouse(copy)


def test_a_dead_builds_staging_folder_is_removed(tmp_path):
    from journey_sla.build import remove_stale_staging

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".build-{int(dead.stdout)}-abcdef12"
    stale.mkdir()
    (stale / "warehouse.duckdb").write_bytes(b"partial")
    live = tmp_path / f".build-{os.getpid()}-abcdef12"
    live.mkdir()
    remove_stale_staging(tmp_path)
    assert not stale.exists() and live.exists()
