"""The CLI as a user meets it: help, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import cli_env

COMMANDS = ["generate", "load", "build", "run", "app", "bench", "export"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journey_sla", *args],
        capture_output=True, text=True, cwd=cwd, env=cli_env(), timeout=600,
    )  # fmt: skip


def test_help_lists_every_command() -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_documents_itself(command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert "usage: journey-sla" in result.stdout


def test_console_script_is_the_same_cli() -> None:
    script = Path(sys.executable).parent / "journey-sla"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "generate" in result.stdout


def test_load_json_accounts_for_every_row(demo_extract: Path, tmp_path: Path) -> None:
    # The demo extract holds 2 % bad rows per reject kind on purpose: no reject-rate limit.
    result = cli(
        "load", str(demo_extract), "--db", str(tmp_path / "w.duckdb"), "--json",
        "--max-reject-rate", "1",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["tables"]
    assert len(tables) == 8
    for table in tables:
        assert table["read"] == table["loaded"] + table["rejected"], table
    assert sum(table["rejected"] for table in tables) > 0


def test_missing_column_exits_2_with_one_line_and_unchanged_warehouse(
    demo_extract: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    assert cli("load", str(demo_extract), "--db", str(db), "--max-reject-rate", "1").returncode == 0
    raw = tmp_path / "w.raw.duckdb"
    with duckdb.connect(str(raw), read_only=True) as connection:
        before = connection.execute("select count(*), max(journey_id) from raw.journeys").fetchall()

    broken = tmp_path / "broken"
    broken.mkdir()
    lines = (demo_extract / "journeys.csv").read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("intent_level")
    with (broken / "journeys.csv").open("w") as out:
        for line in lines[:50]:
            cells = line.split(",")
            out.write(",".join(cells[:drop] + cells[drop + 1 :]) + "\n")

    result = cli("load", str(broken), "--db", str(db))
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert "journeys.csv" in message and "intent_level" in message
    assert "Traceback" not in result.stderr
    with duckdb.connect(str(raw), read_only=True) as connection:
        after = connection.execute("select count(*), max(journey_id) from raw.journeys").fetchall()
    assert after == before


def test_user_mistakes_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = cli("load", str(tmp_path / "no-such-folder"), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    result = cli("build", "--db", str(tmp_path / "w.duckdb"), "--as-of", "yesterday-ish")
    assert result.returncode == 2
    assert "as-of" in result.stderr and "Traceback" not in result.stderr
