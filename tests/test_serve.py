"""`make run`'s path end to end: generate, load, build, then a real Streamlit server answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import cli_env

pytestmark = pytest.mark.slow


def wait_for_health(url: str, process: subprocess.Popen, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no answer from {url} within {seconds}s")


def test_run_generates_loads_builds_and_serves(tmp_path: Path, port: int) -> None:
    # The same command `make run` calls, in an empty folder, with a small demo size.
    # Output goes to a file: dbt's log is larger than a pipe's buffer and would block the child.
    log_path = tmp_path / "run.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "journey_sla", "run", "--journeys", "400", "--port", str(port)],
        cwd=tmp_path, env=cli_env(), stdout=log, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        status = wait_for_health(f"http://127.0.0.1:{port}/_stcore/health", process, 300)
        assert status == 200
        assert (tmp_path / "data" / "demo" / "manifest.json").exists()
        assert (tmp_path / "data" / "warehouse.duckdb").exists()
        assert (tmp_path / "data" / "warehouse.raw.duckdb").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert f"http://127.0.0.1:{port}" in log_path.read_text()
