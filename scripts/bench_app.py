"""Time the app in a real browser: each page's first render and a sidebar filter change.

    .venv/bin/python scripts/bench_app.py --db data/warehouse.duckdb [--runs 3]

Starts `streamlit run` on a free port against the given warehouse (a fresh server, so the
first render of each page runs its queries cold), drives Debian's /usr/bin/chromium with
Playwright, and prints a Markdown table for BENCHMARKS.md. Each page is opened as a new
session (a full page load) after one warm-up load that fills the browser's cache of
Streamlit's own JavaScript, as for a manager who has opened the app before. "Rendered"
means: the page's title is shown, Streamlit has finished running the script, nothing is
stale and every chart has drawn. A filter change picks a segment in the sidebar and waits
for the page to show it.
The targets (issue 5, at 1M journeys): first render < 2 s, filter change < 1 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PAGES = [
    ("", "Monthly review"),
    ("sla_matrix", "SLA matrix"),
    ("target_tuning", "Target tuning"),
    ("due_next", "Due next & breaches"),
    ("recycles", "Recycles"),
    ("journey_explorer", "Journey explorer"),
    ("data_health", "Data health"),
]
FIRST_RENDER_TARGET = 2.0
FILTER_CHANGE_TARGET = 1.0

SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelectorAll('[data-stale="true"]').length) return false;
    return [...document.querySelectorAll('.vega-embed')]
        .every(chart => chart.querySelector('svg, canvas'));
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "JOURNEY_SLA_DB": str(db)}
    streamlit = Path(sys.executable).parent / "streamlit"
    process = subprocess.Popen(
        [
            str(streamlit), "run", str(ROOT / "app" / "streamlit_app.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("streamlit did not start within 90 s")


def settle(page, title: str) -> None:
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=120_000)
    page.wait_for_function(SETTLED, timeout=120_000, polling=50)


def first_render(page, url: str, title: str) -> float:
    """A new session on the page (a full load; the browser's cache of the app's own static
    files is warm, as for a manager who has opened the app before)."""
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    settle(page, title)
    return time.perf_counter() - started


def filter_change(page, title: str, segment: str) -> float:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name="Segment").click()
    option = page.get_by_role("option", name=segment, exact=True)
    option.wait_for()
    started = time.perf_counter()
    option.click()
    page.wait_for_function(
        "segment => location.search.includes('segment=' + segment)", arg=segment, polling=20
    )
    page.keyboard.press("Escape")  # the open list hides the page from role queries
    if title not in ("Journey explorer", "Data health"):  # the pages that show the filters
        page.get_by_text(f"Filters: {segment} ·").first.wait_for(timeout=120_000)
    settle(page, title)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="built warehouse file")
    parser.add_argument("--runs", type=int, default=1, help="servers to start (median shown)")
    args = parser.parse_args()
    db = args.db.resolve()
    with duckdb.connect(str(db), read_only=True) as connection:
        journeys = connection.execute("select count(*) from int_journeys_enriched").fetchone()[0]
        journey = connection.execute(
            "select journey_id from fct_sla_breaches group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
        segments = [
            row[0]
            for row in connection.execute(
                "select segment from fct_visit_outcomes group by 1 order by count(*) desc"
            ).fetchall()
        ]

    from playwright.sync_api import sync_playwright

    timings: dict[str, dict[str, list[float]]] = {title: {"first": [], "filter": []}
                                                  for _, title in PAGES}  # fmt: skip
    for run in range(args.runs):
        port = free_port()
        server = start_server(db, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1600})
                # Warm the browser's cache of Streamlit's static files on a page not measured.
                page.goto(f"http://127.0.0.1:{port}/journey_explorer")
                settle(page, "Journey explorer")
                for index, (path, title) in enumerate(PAGES):
                    query = f"?journey={journey}" if path == "journey_explorer" else ""
                    url = f"http://127.0.0.1:{port}/{path}{query}"
                    timings[title]["first"].append(first_render(page, url, title))
                    segment = segments[(index + run) % len(segments)]
                    timings[title]["filter"].append(filter_change(page, title, segment))
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    print(f"App in Chromium, {journeys:,} journeys ({db.name}), median of {args.runs} run(s)\n")
    print("| Page | First render (s) | Filter change (s) | Within targets (2 s / 1 s) |")
    print("|---|---:|---:|---|")
    for _, title in PAGES:
        first = statistics.median(timings[title]["first"])
        change = statistics.median(timings[title]["filter"])
        ok = "yes" if first < FIRST_RENDER_TARGET and change < FILTER_CHANGE_TARGET else "no"
        print(f"| {title} | {first:.2f} | {change:.2f} | {ok} |")


if __name__ == "__main__":
    main()
