"""The monthly review as one zip: its tables as CSV and its charts as SVG and PNG.

Charts are rendered with Altair's own export, which needs vl-convert-python; without it each
chart is written as a self-contained Vega-Lite HTML page instead (opens in any browser).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

import altair as alt
import pandas as pd

from journey_sla.spreadsheet import spreadsheet_safe_frame

EXPORT_WIDTH = 720


def can_render_images() -> bool:
    try:
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def chart_files(name: str, chart: alt.TopLevelMixin) -> dict[str, bytes]:
    """File name → content for one chart: SVG and PNG when possible, else HTML."""
    sized = chart.properties(width=EXPORT_WIDTH)
    if can_render_images():
        svg = io.StringIO()
        sized.save(svg, format="svg")
        png = io.BytesIO()
        sized.save(png, format="png", scale_factor=2)
        return {f"{name}.svg": svg.getvalue().encode(), f"{name}.png": png.getvalue()}
    html = io.StringIO()
    sized.save(html, format="html")
    return {f"{name}.html": html.getvalue().encode()}


def review_zip(
    title: str,
    tables: Mapping[str, pd.DataFrame],
    charts: Mapping[str, alt.TopLevelMixin],
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        lines = [title, "", "Tables (CSV):", *[f"  {name}.csv" for name in tables], "",
                 "Charts:", *[f"  {name}" for name in charts]]  # fmt: skip
        archive.writestr("README.txt", "\n".join(lines) + "\n")
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", spreadsheet_safe_frame(frame).to_csv(index=False))
        for name, chart in charts.items():
            for file_name, content in chart_files(name, chart).items():
                archive.writestr(file_name, content)
    return buffer.getvalue()
