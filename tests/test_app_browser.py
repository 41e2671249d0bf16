"""End to end: `streamlit run` on a free port, driven by Debian's headless Chromium.

Every page is visited and must show no error box; one sidebar filter and the journey search
are exercised; a screenshot of each page lands in test-artifacts/ (ignored by git). Chromium
comes from Debian's `chromium` package (scripts/install_browser.sh, which `make test` runs
first); Playwright's own browser download is not used. Without /usr/bin/chromium the test
skips and says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import cli_env, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = {
    "": "Monthly review",
    "sla_matrix": "SLA matrix",
    "target_tuning": "Target tuning",
    "due_next": "Due next & breaches",
    "routing": "Routing",
    "recycles": "Recycles",
    "journey_explorer": "Journey explorer",
    "data_health": "Data health",
}
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def wait_for_health(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"streamlit exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url} within {seconds}s")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (scripts/install_browser.sh, "
            "run by `make test` as root) to run the browser test"
        )
    pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) is not installed")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                streamlit, "run", str(ROOT / "app" / "streamlit_app.py"),
                "--server.headless", "true", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=cli_env(JOURNEY_SLA_DB=str(built_warehouse)),
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(f"{base}/_stcore/health", process, 60)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def settle(page, title: str) -> None:
    """Wait for the page's title and for Streamlit to finish running the script."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.dataset.testScriptState === 'notRunning'
                && !document.querySelector('[data-testid="stStatusWidget"]')
                && document.querySelectorAll('[data-stale="true"]').length === 0;
        }""",
        timeout=60_000,
    )
    # Charts draw after the script finishes; give Vega a moment.
    page.wait_for_timeout(800)


def test_every_page_filter_and_journey_search(
    chromium: Path, server: str, built_warehouse: Path
) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with duckdb.connect(str(built_warehouse), read_only=True) as connection:
        journey = connection.execute(
            "select journey_id from fct_sla_breaches group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()[0]
        segment = connection.execute(
            "select segment from fct_visit_outcomes group by 1 order by count(*) desc limit 1"
        ).fetchone()[0]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            for path, title in PAGES.items():
                page.goto(f"{server}/{path}")
                settle(page, title)
                assert page.locator(ERRORS).count() == 0, f"error box on {title}"
                page.screenshot(path=str(ARTIFACTS / f"{path or 'monthly_review'}.png"))

            # A sidebar filter: the segment survives into the URL and the page reruns clean.
            page.goto(f"{server}/recycles")
            settle(page, "Recycles")
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_role("combobox", name="Segment").click()
            page.get_by_role("option", name=segment, exact=True).click()
            page.keyboard.press("Escape")
            page.wait_for_function(
                "segment => location.search.includes('segment=' + segment)",
                arg=segment,
                timeout=30_000,
            )
            page.get_by_text(f"Filters: {segment} ·").wait_for(timeout=60_000)
            settle(page, "Recycles")
            assert page.locator(ERRORS).count() == 0
            page.screenshot(path=str(ARTIFACTS / "recycles_filtered.png"))

            # The filter follows to the next page and stays in its link.
            page.get_by_test_id("stSidebarNav").get_by_text("Monthly review").click()
            settle(page, "Monthly review")
            assert f"segment={segment}" in page.url
            page.get_by_text(f"Filters: {segment} ·").wait_for(timeout=30_000)

            # The journey search.
            page.goto(f"{server}/journey_explorer")
            settle(page, "Journey explorer")
            box = page.get_by_role("textbox", name="Journey id")
            box.fill(journey)
            box.press("Enter")
            page.get_by_text("Clocks breached").wait_for(timeout=60_000)
            settle(page, "Journey explorer")
            assert page.locator(ERRORS).count() == 0
            assert page.locator(".vega-embed").count() == 1
            assert f"journey={journey}" in page.url
            page.screenshot(path=str(ARTIFACTS / "journey_explorer_search.png"))
        finally:
            browser.close()


def open_download(path: Path) -> str:
    """Open what a download button returned; a short description of it, or an assertion."""
    import io
    import xml.dom.minidom
    import zipfile

    import pandas as pd

    payload = path.read_bytes()
    assert payload, f"{path.name} is empty"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            assert "README.txt" in names
            for name in names:
                content = archive.read(name)
                assert content, f"{name} in {path.name} is empty"
                if name.endswith(".csv"):
                    pd.read_csv(io.BytesIO(content))
                elif name.endswith(".svg"):
                    assert xml.dom.minidom.parseString(content).documentElement.tagName == "svg"
                elif name.endswith(".png"):
                    assert content.startswith(b"\x89PNG\r\n\x1a\n"), name
                elif name.endswith(".html"):
                    assert b"vegaEmbed" in content, name
            return f"zip of {len(names)} files"
    if path.suffix == ".html":
        assert payload.count(b"<svg") >= 3, f"{path.name} draws no charts"
        return "html review pack"
    frame = pd.read_csv(io.BytesIO(payload))
    assert len(frame) > 0, f"{path.name} has no rows"
    return f"csv of {len(frame)} rows"


# The download each of these pages must offer (a prefix of the button's label).
EXPECTED_DOWNLOADS = {"Monthly review": "Download review", "Due next & breaches": "Download"}


def test_every_download_button_returns_a_file_that_opens(
    chromium: Path, server: str, tmp_path: Path
) -> None:
    """Issue 12: "Download review" failed silently (a date in a chart's data). Every download
    button on every page is clicked and what it returns is opened."""
    from playwright.sync_api import sync_playwright

    opened = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000}, accept_downloads=True)
            for path, title in PAGES.items():
                page.goto(f"{server}/{path}")
                settle(page, title)
                if title in EXPECTED_DOWNLOADS:
                    # Under a loaded machine the page can settle between two script runs;
                    # wait for the button this page must offer (a missing one still fails).
                    page.get_by_test_id("stDownloadButton").get_by_role(
                        "button", name=EXPECTED_DOWNLOADS[title]
                    ).first.wait_for(timeout=90_000)
                buttons = page.get_by_test_id("stDownloadButton").get_by_role("button")
                for index in range(buttons.count()):
                    button = buttons.nth(index)
                    label = button.inner_text().strip().splitlines()[-1]  # after the icon
                    with page.expect_download(timeout=120_000) as download_info:
                        button.click()
                    download = download_info.value
                    assert download.failure() is None, f"{title}: {label}: {download.failure()}"
                    saved = tmp_path / download.suggested_filename
                    download.save_as(saved)
                    opened[f"{title}: {label}"] = open_download(saved)
                    assert page.locator(ERRORS).count() == 0, f"error box after {label}"
        finally:
            browser.close()
    assert any(key.startswith("Monthly review: Download review") for key in opened), opened
    assert any(key.startswith("Due next & breaches: Download") for key in opened), opened


def test_review_pack_html_draws_every_chart(
    chromium: Path, built_warehouse: Path, tmp_path: Path
) -> None:
    """Issue 12: `journey-sla report` writes the review pack; opened in Chromium, every chart
    is drawn (an SVG with marks), and the as-of and caveats are printed on it."""
    from playwright.sync_api import sync_playwright

    out = tmp_path / "review.html"
    result = subprocess.run(
        [sys.executable, "-m", "journey_sla", "report", "--db", str(built_warehouse),
         "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=cli_env(),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1600})
            page.goto(out.as_uri())
            charts = page.locator("[data-chart]")
            assert charts.count() >= 3
            for index in range(charts.count()):
                chart = charts.nth(index)
                name = chart.get_attribute("data-chart")
                box = chart.locator("svg").first.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50, name
                marks = chart.locator("svg [class*='mark-'] path, svg [class*='mark-'] line")
                assert marks.count() > 0, f"{name} drew no marks"
            text = page.locator("body").inner_text()
            assert "As of" in text and "Data-quality caveats" in text
            assert "Revise candidates" in text and "Top breaches to act on" in text
            page.screenshot(path=str(ARTIFACTS / "review_pack.png"), full_page=True)
        finally:
            browser.close()
