"""Time the app in a real browser: each page's first render and a sidebar filter change.

    .venv/bin/python scripts/bench_app.py --db data/warehouse.duckdb [--runs 3]
    .venv/bin/python scripts/bench_app.py --db W --sessions 20 [--rounds 8] [--json out.json]

Starts the product's server (`journey-sla app --db W` on a free port) against the given
warehouse and drives Debian's /usr/bin/chromium with Playwright.

Single session (``--runs``, the default): a fresh server per run (so each page's queries run
cold once), one browser tab opening every page in turn; prints the median per page.

Load (``--sessions N``): ONE server, one browser with N contexts started together. Each
context is one user: after an unmeasured warm-up load it opens ``--rounds`` pages one after
the other, each a new Streamlit session (a full page load), and changes the segment filter on
each. Session i opens page (i + r) mod 8 in round r, so each session visits every page once
with the default 8 rounds and the sessions spread over the pages; when fewer sessions than
pages leave a round without the Monthly review (the heaviest page), the last session opens it
instead. By default no think time: a closed loop, the worst case for N users (every session
asks at once, so on 2 cores the browsers' own rendering queues behind each other). With
``--think T`` each user pauses between actions as people do: before each page a pause drawn
uniformly from [0.5 T, 1.5 T] (seeded per session and round, so runs repeat), and the first
page of each session starts at a uniform offset in [0, T], so arrivals are spread instead of
synchronised; the N sessions stay open and concurrent throughout.

``--browsers K`` draws only K of the N sessions in Chromium; the other N - K are protocol
clients: they speak Streamlit's websocket protocol exactly as the browser does (the rerun
message captured from Chromium: page name, query string, context, widget values), so the
server runs the same scripts and sends the same elements, but nothing is drawn. Why: on this
2-core machine 20 Chromium renderers co-located with the server measure Chromium (in the
all-Chromium runs the server used about a quarter of one core; the browsers the rest), while
the issue asks what 20 users on their own machines wait for. A protocol client's times run from
sending the rerun to its ``script_finished`` (the server's part of a first render: session start,
script run, every element delivered); its filter change is a rerun carrying the segment
widget's new value and the URL's ``segment=`` query, as the browser sends it. Error boxes
(exception elements, error alerts) and a script that does not finish successfully count as
errors. The Chromium sessions time what a user sees, as below. Prints per page and overall
count, p50, p95 and max, every error, and the peak resident memory of the server's process
tree (sum of VmRSS over `journey-sla app` and its children, read from /proc every 0.2 s), as
Markdown and JSON. Exit status 1 when any session saw an error or a timeout.

Both modes time the same way, inside the page, so the harness's own latency is not counted:
- first render: from navigation start (the new document's ``performance.timeOrigin``) to the
  first 50-ms poll at which the page's title (h1) is shown, Streamlit reports the script not
  running, its running indicator (``stStatusWidget``) is gone, nothing is stale, every Vega
  chart has drawn its svg/canvas and every visible data frame (not one in a closed tab) has
  drawn its canvas;
- filter change: from the click on a segment in the sidebar to the first poll at which the URL
  carries the segment, the page's "Filters: <segment> ·" caption is shown (on the pages that
  show one) and the same rendered state holds again.
An error is an exception or error box Streamlit shows (``stException``,
``stAlertContentError``), a browser console error or uncaught page error, a wait longer than
``--timeout``, or a traceback in the server's log.
The targets: single session (issue 5, 1M journeys) first render < 2 s, filter change < 1 s;
20 sessions (issue 12) p95 first render <= 3 s with no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1600}
PAGES = [
    ("", "Monthly review"),
    ("sla_matrix", "SLA matrix"),
    ("target_tuning", "Target tuning"),
    ("due_next", "Due next & breaches"),
    ("routing", "Routing"),
    ("recycles", "Recycles"),
    ("journey_explorer", "Journey explorer"),
    ("data_health", "Data health"),
]
HEAVIEST = "Monthly review"
NO_FILTER_CAPTION = {"Journey explorer", "Data health"}
FIRST_RENDER_TARGET = 2.0
FILTER_CHANGE_TARGET = 1.0
LOAD_P95_FIRST_RENDER_TARGET = 3.0
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'

# Returns false until the page is rendered, then the milliseconds since `since` (0 = the
# document's navigation start; a filter change passes the click's time, set by CLICK_MARK).
RENDERED_AT = """({title, segment, filterCaption}) => {
    const since = segment === null ? 0 : window.__benchClickAt;
    if (since === undefined) return false;
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    if (![...document.querySelectorAll('h1')].some(h => h.textContent.trim().startsWith(title)))
        return false;
    if (segment !== null) {
        if (!location.search.includes('segment=' + encodeURIComponent(segment))
            && !location.search.includes('segment=' + segment)) return false;
        const main = document.querySelector('[data-testid="stMain"]');
        if (filterCaption && !(main && main.textContent.includes('Filters: ' + segment + ' ·')))
            return false;
    }
    // The script has finished and its elements are on the page; what follows is drawing.
    window.__benchScriptDoneAt ??= performance.now();
    if (![...document.querySelectorAll('.vega-embed')]
            .every(chart => chart.querySelector('svg, canvas'))) return false;
    if (![...document.querySelectorAll('[data-testid="stDataFrame"]')]
            .every(frame => !frame.checkVisibility() || frame.querySelector('canvas')))
        return false;
    const now = performance.now();
    return {total: Math.max(now - since, 1e-3), drawing: now - window.__benchScriptDoneAt};
}"""
CLICK_MARK = """() => {
    delete window.__benchClickAt;
    delete window.__benchScriptDoneAt;
    document.addEventListener('pointerdown', () => { window.__benchClickAt = performance.now(); },
                              {capture: true, once: true});
}"""
# What RENDERED_AT is still waiting for, reported with a timeout.
PENDING = """(title) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const main = document.querySelector('[data-testid="stMain"]');
    const caption = main ? (main.textContent.match(/Filters: [^·]*·/) || [''])[0] : '';
    return JSON.stringify({
        scriptState: app ? app.dataset.testScriptState : null,
        statusWidget: document.querySelector('[data-testid="stStatusWidget"]')?.textContent ?? null,
        stale: document.querySelectorAll('[data-stale="true"]').length,
        title: [...document.querySelectorAll("h1")]
            .some(h => h.textContent.trim().startsWith(title)),
        search: location.search, caption: caption, clickAt: window.__benchClickAt ?? null,
        chartsUndrawn: [...document.querySelectorAll('.vega-embed')]
            .filter(chart => !chart.querySelector('svg, canvas')).length,
        framesUndrawn: [...document.querySelectorAll('[data-testid="stDataFrame"]')]
            .filter(frame => frame.checkVisibility() && !frame.querySelector('canvas')).length,
    });
}"""
# Console messages that are not the app's: Chromium here has no internet (the page icon is a
# Material Symbol from fonts.gstatic.com), and Streamlit's frontend probes for a base path
# under the page's own path (/<page>/_stcore/health, /<page>/_stcore/host-config -> 404)
# before it uses the root.
IGNORED_CONSOLE = re.compile(
    r"^Failed to load resource: (net::ERR_NAME_NOT_RESOLVED"
    r"|the server responded with a status of 404)"
)
IGNORED_URL = re.compile(
    r"^(https://fonts\.gstatic\.com/|http://127\.0\.0\.1:\d+/[^?]+/_stcore/(health|host-config)$)"
)


def console_error(message, ignored: list[str]) -> str | None:
    """The text to report for a console error, or None when it is known noise (kept aside)."""
    url = (message.location or {}).get("url", "")
    text = f"console: {message.text[:300]}" + (f" ({url})" if url else "")
    if IGNORED_CONSOLE.match(message.text) and IGNORED_URL.match(url):
        ignored.append(text)
        return None
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    """`journey-sla app --db W --port P` (the product's command), in its own process group."""
    command = [str(Path(sys.executable).parent / "journey-sla"), "app", "--db", str(db),
               "--port", str(port)]  # fmt: skip
    env = {key: value for key, value in os.environ.items() if key != "JOURNEY_SLA_DB"}
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the app exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"the app did not start within 90 s; see {log}")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def server_log_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace") if log.exists() else ""
    return [f"server log: {line.strip()}" for line in text.splitlines()
            if line.startswith("Traceback") or " Error" in line[:40]]  # fmt: skip


def warehouse_facts(db: Path) -> tuple[int, str, list[str]]:
    """Journeys, the journey with most breaches (for the explorer) and segments by size."""
    with duckdb.connect(str(db), read_only=True) as connection:
        journeys = connection.execute("select count(*) from dim_journeys").fetchone()[0]
        journey = connection.execute(
            "select journey_id from fct_sla_breaches group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
        segments = [
            row[0]
            for row in connection.execute(
                "select segment from fct_visit_outcomes group by 1 order by count(*) desc"
            ).fetchall()
        ]
    return journeys, journey, segments


def page_url(base: str, path: str, journey: str) -> str:
    query = f"?journey={journey}" if path == "journey_explorer" else ""
    return f"{base}/{path}{query}"


# --- memory of the server's process tree, from /proc ------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from 3 (state) on


def process_tree(root: int) -> list[int]:
    """root and every descendant (parent links read from /proc/<pid>/stat)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        if fields := _stat_fields(pid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class MemorySampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, root: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.peak = self.samples = 0
        self._halt = threading.Event()

    def sample(self) -> int:
        total = sum(rss_bytes(pid) for pid in process_tree(self.root))
        self.peak = max(self.peak, total)
        self.samples += 1
        return total

    def run(self) -> None:
        while not self._halt.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self.sample()


# --- statistics and report --------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, 'inclusive')."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"count": 0, "p50": None, "p95": None, "max": None}
    return {
        "count": len(values),
        "p50": round(percentile(values, 0.50), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3),
    }


@dataclass
class Sample:
    session: int
    round: int
    page: str
    client: str = "chromium"  # or "protocol" (see the module docstring)
    first_render: float | None = None
    filter_change: float | None = None
    # of which after the script had finished: the browser drawing charts and tables
    first_render_drawing: float | None = None
    filter_change_drawing: float | None = None
    segment: str = ""
    errors: list[str] = field(default_factory=list)
    ignored_console: int = 0


def schedule(sessions: int, rounds: int) -> list[list[str]]:
    """schedule[i][r]: the page session i opens in round r (see the module docstring)."""
    titles = [title for _, title in PAGES]
    plan = [[titles[(i + r) % len(titles)] for r in range(rounds)] for i in range(sessions)]
    for r in range(rounds):
        if all(plan[i][r] != HEAVIEST for i in range(sessions)):
            plan[sessions - 1][r] = HEAVIEST
    return plan


# --- load: N concurrent sessions --------------------------------------------------------------


async def _rendered(page, title: str, segment: str | None, timeout_s: float) -> tuple[float, float]:
    """Seconds until rendered (see the module docstring), and the part spent drawing."""
    arg = {"title": title, "segment": segment, "filterCaption": title not in NO_FILTER_CAPTION}
    handle = await page.wait_for_function(
        RENDERED_AT, arg=arg, timeout=timeout_s * 1000, polling=50
    )
    value = await handle.json_value()
    return value["total"] / 1000, value["drawing"] / 1000


async def _errors_shown(page) -> list[str]:
    boxes = page.locator(ERROR_BOXES)
    return [f"error box: {text[:300]}" for text in await boxes.all_inner_texts()]


async def run_session(
    browser, base: str, index: int, pages: list[str], segments: list[str], journey: str,
    timeout_s: float, barrier: asyncio.Barrier, think_s: float = 0.0,
) -> list[Sample]:  # fmt: skip
    paths = {title: path for path, title in PAGES}
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout_s * 1000)
    page = await context.new_page()
    console: list[str] = []
    ignored: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and (text := console_error(message, ignored)):
            console.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: console.append(f"page error: {str(e)[:300]}"))
    samples: list[Sample] = []
    try:
        # Warm the context's cache of Streamlit's static files on a page not measured.
        try:
            await page.goto(f"{base}/journey_explorer", wait_until="commit")
            await _rendered(page, "Journey explorer", None, timeout_s)
        except Exception as error:  # noqa: BLE001 - reported, the session goes on
            console.append(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}")
        if console:
            samples.append(Sample(index, -1, "warm-up", errors=list(console)))
        await barrier.wait()
        pauses = random.Random(index)
        for round_, title in enumerate(pages):
            if think_s > 0:
                low, high = (0.0, think_s) if round_ == 0 else (0.5 * think_s, 1.5 * think_s)
                await asyncio.sleep(pauses.uniform(low, high))
            sample = Sample(index, round_, title)
            samples.append(sample)
            console.clear()
            try:
                await page.goto(page_url(base, paths[title], journey), wait_until="commit")
                sample.first_render, sample.first_render_drawing = await _rendered(
                    page, title, None, timeout_s
                )
                sample.errors += await _errors_shown(page)
                sample.segment = segments[(index + round_) % len(segments)]
                sidebar = page.get_by_test_id("stSidebar")
                await sidebar.get_by_role("combobox", name="Segment").click()
                option = page.get_by_role("option", name=sample.segment, exact=True)
                await option.wait_for(timeout=timeout_s * 1000)
                await page.evaluate(CLICK_MARK)
                await option.click()
                sample.filter_change, sample.filter_change_drawing = await _rendered(
                    page, title, sample.segment, timeout_s
                )
                await page.keyboard.press("Escape")
                sample.errors += await _errors_shown(page)
            except Exception as error:  # noqa: BLE001 - a timeout or a broken page, reported
                first = str(error).splitlines()[0] if str(error) else ""
                try:
                    pending = await page.evaluate(PENDING, title)
                except Exception:  # noqa: BLE001 - the page itself is gone
                    pending = "page state unavailable"
                sample.errors.append(f"{type(error).__name__}: {first[:200]} {pending}")
                # End a navigation still in flight, or it interrupts the next round's; if
                # this fails too, the next round reports what is wrong.
                with contextlib.suppress(Exception):
                    await page.goto("about:blank")
            sample.errors += console
            print(
                f"session {index} round {round_} {title}: first render {sample.first_render} s, "
                f"filter change {sample.filter_change} s, {len(sample.errors)} error(s)",
                file=sys.stderr, flush=True,
            )  # fmt: skip
    finally:
        await context.close()
    if samples:
        samples[-1].ignored_console = len(ignored)
    return samples


# --- load: sessions that speak Streamlit's protocol without drawing ---------------------------


def _rerun_message(base: str, path: str, query: str, widgets: dict[str, list[str]]) -> bytes:
    """The BackMsg a browser sends to run a page (as captured from Chromium: page name, the
    query string, its context and the current widget values)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    rerun = message.rerun_script
    rerun.page_name = path
    rerun.query_string = query
    rerun.widget_states.SetInParent()
    for widget_id, values in widgets.items():
        state = rerun.widget_states.widgets.add()
        state.id = widget_id
        state.string_array_value.data.extend(values)
    rerun.context_info.timezone = "UTC"
    rerun.context_info.timezone_offset = 0
    rerun.context_info.locale = "en-US"
    rerun.context_info.url = f"{base}/{path}" + (f"?{query}" if query else "")
    rerun.context_info.is_embedded = False
    rerun.context_info.color_scheme = "light"
    return message.SerializeToString()


def _element_facts(forward, facts: dict) -> None:
    """Widget ids by label, and error boxes, from one ForwardMsg delta."""
    delta = forward.delta
    if delta.WhichOneof("type") != "new_element":
        return
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind is None:
        return
    inner = getattr(element, kind)
    if kind == "exception" or (kind == "alert" and inner.format == inner.ERROR):
        text = inner.message if kind == "exception" else inner.body
        facts["errors"].append(f"error box: {kind}: {text[:300]}")
    label, widget_id = getattr(inner, "label", ""), getattr(inner, "id", "")
    if label and widget_id:
        facts["widgets"][label] = widget_id
    if kind == "markdown":  # captions too: the filter caption proves a filter was applied
        facts.setdefault("texts", []).append(inner.body)


async def _run_script(connection, message: bytes, timeout_s: float, facts: dict) -> float:
    """Send one rerun and wait for its script_finished; seconds from the send."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    started = time.monotonic()
    await connection.send(message)
    async with asyncio.timeout(timeout_s):
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await connection.recv())
            kind = forward.WhichOneof("type")
            if kind == "delta":
                _element_facts(forward, facts)
            elif kind == "script_finished":
                status = forward.script_finished
                if status == forward.FINISHED_EARLY_FOR_RERUN:
                    continue  # the app reran itself (e.g. to settle the URL); wait for that run
                if status != forward.FINISHED_SUCCESSFULLY:
                    facts["errors"].append(f"script finished with status {status}")
                return time.monotonic() - started


async def run_protocol_session(
    base: str, index: int, pages: list[str], segments: list[str], journey: str,
    timeout_s: float, barrier: asyncio.Barrier, think_s: float = 0.0,
) -> list[Sample]:  # fmt: skip
    """One user whose browser does not draw: per page a new websocket session (as a full page
    load makes), the page's run, then the segment filter changed (a rerun carrying the new
    widget value and the URL's query, as the browser sends it). Times are from the send of the
    rerun to its script_finished: the server's part of what a user waits for."""
    from websockets.asyncio.client import connect

    paths = {title: path for path, title in PAGES}
    stream = base.replace("http://", "ws://") + "/_stcore/stream"
    samples: list[Sample] = []

    async def open_page(path: str, query: str, facts: dict) -> tuple[object, float]:
        started = time.monotonic()
        connection = await connect(stream, subprotocols=["streamlit"], max_size=None)
        await _run_script(connection, _rerun_message(base, path, query, {}), timeout_s, facts)
        return connection, time.monotonic() - started

    warm = {"errors": [], "widgets": {}}
    try:
        connection, _ = await open_page("journey_explorer", f"journey={journey}", warm)
        await connection.close()
    except Exception as error:  # noqa: BLE001 - reported, the session goes on
        warm["errors"].append(f"{type(error).__name__}: {str(error)[:300]}")
    if warm["errors"]:
        samples.append(Sample(index, -1, "warm-up", client="protocol", errors=warm["errors"]))
    await barrier.wait()
    pauses = random.Random(index)
    for round_, title in enumerate(pages):
        if think_s > 0:
            low, high = (0.0, think_s) if round_ == 0 else (0.5 * think_s, 1.5 * think_s)
            await asyncio.sleep(pauses.uniform(low, high))
        sample = Sample(index, round_, title, client="protocol")
        samples.append(sample)
        path = paths[title]
        query = f"journey={journey}" if path == "journey_explorer" else ""
        facts = {"errors": [], "widgets": {}}
        connection = None
        try:
            connection, sample.first_render = await open_page(path, query, facts)
            sample.segment = segments[(index + round_) % len(segments)]
            widget_id = facts["widgets"].get("Segment")
            if widget_id is None:
                raise RuntimeError(f"no Segment filter among {sorted(facts['widgets'])}")
            filtered = "&".join(filter(None, [query, f"segment={sample.segment}"]))
            facts["texts"] = []
            sample.filter_change = await _run_script(
                connection,
                _rerun_message(base, path, filtered, {widget_id: [sample.segment]}),
                timeout_s, facts,
            )  # fmt: skip
            caption = f"Filters: {sample.segment} ·"
            if title not in NO_FILTER_CAPTION and not any(
                caption in text for text in facts["texts"]
            ):
                raise RuntimeError(f"the filter change did not show {caption!r}")
        except Exception as error:  # noqa: BLE001 - a timeout or a broken page, reported
            sample.errors.append(f"{type(error).__name__}: {str(error)[:300]}")
        finally:
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close()
        sample.errors += facts["errors"]
        print(
            f"session {index} (protocol) round {round_} {title}: first render "
            f"{sample.first_render} s, filter change {sample.filter_change} s, "
            f"{len(sample.errors)} error(s)",
            file=sys.stderr, flush=True,
        )  # fmt: skip
    return samples


async def drive_sessions(
    base: str, sessions: int, rounds: int, segments: list[str], journey: str, timeout_s: float,
    think_s: float = 0.0, browsers: int | None = None,
) -> list[Sample]:  # fmt: skip
    """Sessions 0 .. browsers-1 in Chromium, the rest as protocol clients (all in Chromium
    when browsers is None)."""
    from playwright.async_api import async_playwright

    plan = schedule(sessions, rounds)
    drawn = sessions if browsers is None else min(browsers, sessions)
    barrier = asyncio.Barrier(sessions)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = await asyncio.gather(
                *(
                    run_session(
                        browser, base, i, plan[i], segments, journey, timeout_s, barrier, think_s
                    )
                    for i in range(drawn)
                ),
                *(
                    run_protocol_session(
                        base, i, plan[i], segments, journey, timeout_s, barrier, think_s
                    )
                    for i in range(drawn, sessions)
                ),
            )  # fmt: skip
        finally:
            await browser.close()
    return [sample for session in results for sample in session]


def load_report(result: dict) -> str:
    browsers = result.get("browsers", result["sessions"])
    drawn = (
        "all in Chromium"
        if browsers == result["sessions"]
        else f"{browsers} in Chromium, {result['sessions'] - browsers} as protocol clients"
    )
    lines = [
        f"{result['sessions']} concurrent sessions ({drawn}) × {result['rounds']} pages each ("
        + (
            f"think time {result['think_seconds']:g} s, arrivals spread"
            if result.get("think_seconds")
            else "no think time: closed loop"
        )
        + "), one "
        f"`journey-sla app` server, {result['journeys']:,} journeys ({result['warehouse']}), "
        f"{result['started_at']}; {result['machine']}; load average "
        f"{result['load_average_before'][0]:.1f} before, {result['load_average_after'][0]:.1f} "
        f"after; measured phase {result['wall_seconds']:.0f} s, server CPU "
        f"{result['server_cpu_seconds']:.0f} s.",
        "",
        "| page | first renders | p50 | p95 | max | filter changes | p50 | p95 | max | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    for title, row in [*result["pages"].items(), ("**all pages**", result["overall"])]:
        first, change = row["first_render"], row["filter_change"]
        lines.append(
            f"| {title} | {first['count']} | {cell(first['p50'])} | {cell(first['p95'])} | "
            f"{cell(first['max'])} | {change['count']} | {cell(change['p50'])} | "
            f"{cell(change['p95'])} | {cell(change['max'])} | {row['errors']} |"
        )
    if len(result.get("clients", {})) > 1:
        lines += [
            "",
            "| client | first renders | p50 | p95 | max | filter changes | p50 | p95 "
            "| max | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, row in result["clients"].items():
            first, change = row["first_render"], row["filter_change"]
            lines.append(
                f"| {kind} | {first['count']} | {cell(first['p50'])} | {cell(first['p95'])} | "
                f"{cell(first['max'])} | {change['count']} | {cell(change['p50'])} | "
                f"{cell(change['p95'])} | {cell(change['max'])} | {row['errors']} |"
            )
    memory = result["server_rss"]
    lines += [
        "",
        f"Server process tree ({memory['processes']} processes) resident memory: "
        f"{memory['before_mib']:,.0f} MiB idle after start, peak "
        f"{memory['peak_mib']:,.0f} MiB during the run, {memory['after_mib']:,.0f} MiB at the "
        f"end ({memory['samples']} samples). Of the first renders, the browser's drawing "
        f"after the script had finished took p50 "
        f"{cell(result['overall']['first_render_drawing']['p50'])} s, p95 "
        f"{cell(result['overall']['first_render_drawing']['p95'])} s. p95 first render "
        + " / ".join(
            f"{cell(row['first_render']['p95'])} s ({kind})"
            for kind, row in result.get("clients", {"all": result["overall"]}).items()
        )
        + f" (target ≤ "
        f"{LOAD_P95_FIRST_RENDER_TARGET:.0f} s: "
        f"{'met' if result['target_met'] else 'MISSED'}); errors: {len(result['errors'])}.",
    ]
    return "\n".join(lines)


def run_load(db: Path, journeys: int, journey: str, segments: list[str], args) -> dict:
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench_app_load_")) / "server.log"
    server = start_server(db, port, log)
    try:
        sampler = MemorySampler(server.pid)
        tree = process_tree(server.pid)
        before = sampler.sample()
        load_before = os.getloadavg()
        sampler.start()
        cpu_before = cpu_seconds(tree)
        started = time.monotonic()
        samples = asyncio.run(
            drive_sessions(f"http://127.0.0.1:{port}", args.sessions, args.rounds, segments,
                           journey, args.timeout, args.think, args.browsers)
        )  # fmt: skip
        wall = time.monotonic() - started
        tree = process_tree(server.pid)
        cpu_after = cpu_seconds(tree)
        load_after = os.getloadavg()
        after = sampler.sample()
        sampler.stop()
        if server.poll() is not None:
            samples.append(Sample(-1, -1, "server", errors=[f"server exited {server.returncode}"]))
    finally:
        stop_server(server)
    log_errors = server_log_errors(log)
    errors = [f"session {s.session} round {s.round} {s.page}: {e}" for s in samples
              for e in s.errors] + log_errors  # fmt: skip

    def stats(chosen: list[Sample]) -> dict:
        return {
            "first_render": summary([s.first_render for s in chosen if s.first_render]),
            "filter_change": summary([s.filter_change for s in chosen if s.filter_change]),
            "first_render_drawing": summary(
                [s.first_render_drawing for s in chosen if s.first_render_drawing is not None]
            ),
            "errors": sum(len(s.errors) for s in chosen),
        }

    pages = {title: stats([s for s in samples if s.page == title]) for _, title in PAGES}
    overall = stats(samples)  # with warm-up and server errors
    overall["errors"] += len(log_errors)
    clients = {
        kind: stats([s for s in samples if s.client == kind and s.round >= 0])
        for kind in ("chromium", "protocol")
        if any(s.client == kind for s in samples)
    }
    # The target holds when every kind of client's p95 first render is within it.
    p95s = [row["first_render"]["p95"] for row in clients.values()]
    return {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "warehouse": str(db),
        "journeys": journeys,
        "sessions": args.sessions,
        "browsers": args.sessions if args.browsers is None else min(args.browsers, args.sessions),
        "rounds": args.rounds,
        "think_seconds": args.think,
        "timeout_seconds": args.timeout,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "wall_seconds": round(wall, 1),
        "server_cpu_seconds": round(cpu_after - cpu_before, 1),
        "server_rss": {
            "processes": len(tree),
            "before_mib": round(before / 2**20, 1),
            "peak_mib": round(sampler.peak / 2**20, 1),
            "after_mib": round(after / 2**20, 1),
            "samples": sampler.samples,
        },
        "pages": pages,
        "overall": overall,
        "clients": clients,
        "target_met": all(p is not None and p <= LOAD_P95_FIRST_RENDER_TARGET for p in p95s),
        "errors": errors,
        "ignored_console_messages": sum(s.ignored_console for s in samples),
        "server_log": str(log),
        "samples": [asdict(s) for s in samples],
    }


def machine() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB"


# --- single session ---------------------------------------------------------------------------


def rendered_sync(page, title: str, segment: str | None = None) -> float:
    arg = {"title": title, "segment": segment, "filterCaption": title not in NO_FILTER_CAPTION}
    handle = page.wait_for_function(RENDERED_AT, arg=arg, timeout=120_000, polling=50)
    return handle.json_value()["total"] / 1000


def first_render(page, url: str, title: str) -> float:
    """A new session on the page (a full load; the browser's cache of the app's own static
    files is warm, as for a manager who has opened the app before)."""
    page.goto(url, wait_until="commit")
    return rendered_sync(page, title)


def filter_change(page, title: str, segment: str) -> float:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name="Segment").click()
    option = page.get_by_role("option", name=segment, exact=True)
    option.wait_for()
    page.evaluate(CLICK_MARK)
    option.click()
    seconds = rendered_sync(page, title, segment)
    page.keyboard.press("Escape")  # the open list hides the page from role queries
    return seconds


def run_single(db: Path, journey: str, segments: list[str], runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    timings = {title: {"first": [], "filter": []} for _, title in PAGES}
    for run in range(runs):
        port = free_port()
        log = Path(tempfile.mkdtemp(prefix="bench_app_")) / "server.log"
        server = start_server(db, port, log)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(f"http://127.0.0.1:{port}/journey_explorer", wait_until="commit")
                rendered_sync(page, "Journey explorer")
                for index, (path, title) in enumerate(PAGES):
                    url = page_url(f"http://127.0.0.1:{port}", path, journey)
                    timings[title]["first"].append(first_render(page, url, title))
                    segment = segments[(index + run) % len(segments)]
                    timings[title]["filter"].append(filter_change(page, title, segment))
                browser.close()
        finally:
            stop_server(server)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, type=Path, help="built warehouse file")
    parser.add_argument("--runs", type=int, default=1, help="single session: servers to start")
    parser.add_argument("--sessions", type=int, help="load: concurrent browser sessions")
    parser.add_argument(
        "--rounds", type=int, default=len(PAGES), help="load: pages each session opens"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="load: seconds per wait")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="load: mean seconds a user pauses before each page (0: closed loop, worst case)",
    )
    parser.add_argument(
        "--browsers",
        type=int,
        help="load: how many of the sessions draw in Chromium; the others speak Streamlit's "
        "protocol without drawing (default: all in Chromium)",
    )
    parser.add_argument("--json", type=Path, help="load: also write the full result here")
    args = parser.parse_args()
    db = args.db.resolve()
    if not db.is_file():
        raise SystemExit(f"bench_app: no warehouse at {db}")
    journeys, journey, segments = warehouse_facts(db)

    if args.sessions:
        if args.sessions < 1 or args.rounds < 1:
            raise SystemExit("bench_app: --sessions and --rounds must be at least 1")
        result = run_load(db, journeys, journey, segments, args)
        print(load_report(result))
        text = json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2)
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
            print(f"\nFull result with every sample: {args.json}")
        else:
            print(f"\n```json\n{text}\n```")
        if result["errors"]:
            print(f"\nbench_app: {len(result['errors'])} error(s):", file=sys.stderr)
            for error in result["errors"]:
                print(f"  {error}", file=sys.stderr)
            raise SystemExit(1)
        return

    timings = run_single(db, journey, segments, args.runs)
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
