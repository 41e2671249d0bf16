"""`journey-sla bench`: time generate, load and build at given scales on this machine.

Speed targets live here and in BENCHMARKS.md, never in timed unit tests: the machines are
small and noisy, so compare figures from one run as ratios rather than against a stopwatch.
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass
class BenchResult:
    journeys: int
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    model_seconds: dict[str, float] = field(default_factory=dict)


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def machine_description() -> str:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scale(
    journeys: int, workdir: Path, steps: Sequence[str], dbt_args: Sequence[str]
) -> BenchResult:
    from journey_sla.build import build_warehouse
    from journey_sla.generate import generate
    from journey_sla.load import load_extracts

    result = BenchResult(journeys)
    extract = workdir / f"extract_{journeys}"
    warehouse = workdir / f"warehouse_{journeys}" / "warehouse.duckdb"
    if "generate" in steps or not (extract / "manifest.json").exists():
        shutil.rmtree(extract, ignore_errors=True)
        rows, result.seconds["generate"] = timed(
            lambda: generate(extract, journeys=journeys, seed=7, show_progress=True)
        )
        result.rows = rows
    if "load" in steps or not warehouse.with_name("warehouse.raw.duckdb").exists():
        shutil.rmtree(warehouse.parent, ignore_errors=True)
        _, result.seconds["load"] = timed(
            lambda: load_extracts(extract, warehouse, replace=True, show_progress=True)
        )
    if "build" in steps:
        build, result.seconds["build"] = timed(
            lambda: build_warehouse(warehouse, dbt_args=dbt_args)
        )
        result.model_seconds = build.node_seconds
    return result


def markdown_report(results: Sequence[BenchResult], command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {when}",
        "",
        f"Machine: {machine_description()}. Command: `{command}`. Peak RSS of the bench process: "
        f"{peak_memory_mib():,.0f} MiB.",
        "",
        "| journeys | generate s | load s | build s | rows written |",
        "|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        cells = [
            f"{result.seconds[step]:.1f}" if step in result.seconds else "–"
            for step in ("generate", "load", "build")
        ]
        rows = f"{sum(result.rows.values()):,}" if result.rows else "–"
        lines.append(f"| {result.journeys:,} | {' | '.join(cells)} | {rows} |")
    for result in results:
        if not result.model_seconds:
            continue
        lines += ["", f"Slowest dbt nodes at {result.journeys:,} journeys:", "",
                  "| node | seconds |", "|---|---:|"]  # fmt: skip
        ranked = sorted(result.model_seconds.items(), key=lambda item: -item[1])
        lines += [f"| {name} | {seconds:.2f} |" for name, seconds in ranked[:15]]
    return "\n".join(lines) + "\n"
