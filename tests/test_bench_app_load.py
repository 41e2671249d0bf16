"""The load benchmark's code path (scripts/bench_app.py --sessions), not its timings.

Three concurrent sessions against one `journey-sla app` server on the session's small
warehouse, two drawn in Chromium and one protocol client (Streamlit's websocket protocol,
nothing drawn): every session opens every page and changes a filter, nothing errs, the protocol
client's filter change shows the filter caption, and the server's memory is reported. Timings
go to BENCHMARKS.md, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli_env

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.slow
def test_three_sessions_two_drawn_every_page_no_errors(
    built_warehouse: Path, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/install_browser.sh installs it (as root)")
    pytest.importorskip("playwright.async_api", reason="playwright (dev extra) is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench_app
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    out = tmp_path / "load.json"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_app.py"), "--db", str(built_warehouse),
         "--sessions", "3", "--browsers", "2", "--json", str(out)],
        cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(out.read_text())
    titles = [title for _, title in bench_app.PAGES]
    assert result["sessions"] == 3 and result["rounds"] == len(titles) == 8
    assert result["browsers"] == 2
    assert result["errors"] == [] and result["overall"]["errors"] == 0
    samples = [s for s in result["samples"] if s["round"] >= 0]
    # 3 sessions x 8 rounds, each one first render and one filter change.
    assert len(samples) == 3 * 8
    assert all(s["first_render"] > 0 and s["filter_change"] > 0 for s in samples)
    assert {s["session"]: s["client"] for s in samples} == {
        0: "chromium",
        1: "chromium",
        2: "protocol",
    }
    assert result["clients"]["chromium"]["first_render"]["count"] == 16
    assert result["clients"]["protocol"]["first_render"]["count"] == 8
    assert result["clients"]["protocol"]["filter_change"]["count"] == 8
    assert result["overall"]["first_render"]["count"] == 24
    assert result["overall"]["filter_change"]["count"] == 24
    # Session 0 walks every page in order; the last session holds the Monthly review in each
    # round that would otherwise lack it (rounds 1-5: pages r, r+1 and r+2 mod 8).
    assert [s["page"] for s in samples if s["session"] == 0] == titles
    rounds_with_review = {s["round"] for s in samples if s["page"] == "Monthly review"}
    assert rounds_with_review == set(range(8))
    assert sum(row["first_render"]["count"] for row in result["pages"].values()) == 24
    memory = result["server_rss"]
    assert memory["processes"] >= 2  # journey-sla app and its streamlit child
    assert 0 < memory["before_mib"] <= memory["peak_mib"]
    assert memory["samples"] > 0


def test_schedule_puts_the_monthly_review_in_every_round() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import bench_app
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    # 20 sessions over 8 pages: session i opens page (i + r) mod 8; pages 0-3 get 3 sessions
    # a round (i = p, p + 8, p + 16), pages 4-7 get 2 (20 = 2 * 8 + 4).
    plan = bench_app.schedule(20, 8)
    for r in range(8):
        pages = [plan[i][r] for i in range(20)]
        assert pages.count("Monthly review") in (2, 3)
        assert set(pages) == {title for _, title in bench_app.PAGES}
    assert plan[0] == [title for _, title in bench_app.PAGES]
    # 2 sessions: round 3 would be pages 3 and 4; the last session takes the review instead.
    plan = bench_app.schedule(2, 8)
    assert [plan[0][3], plan[1][3]] == ["Due next & breaches", "Monthly review"]
    assert [plan[0][7], plan[1][7]] == ["Data health", "Monthly review"]  # (1 + 7) mod 8 = 0
