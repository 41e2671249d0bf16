"""The monthly review as one zip: its tables as CSV and its charts as SVG and PNG.

Charts are rendered with vl-convert-python; without it each chart is written as a
self-contained Vega-Lite HTML page instead (opens in any browser). Either way the chart's
spec is first turned into plain JSON (``json_spec``): the review's frames carry ``date``
values (the month), which Altair leaves in the spec and neither vl-convert nor ``json`` can
serialise.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

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


def _json_value(value: Any) -> Any:
    """What json cannot write itself: dates and timestamps as ISO-8601 text (Vega-Lite parses
    them as dates), numpy scalars as Python numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_spec(chart: alt.TopLevelMixin) -> str:
    """The chart's Vega-Lite spec as JSON text, its inline data included."""
    return json.dumps(chart.to_dict(), default=_json_value)


def chart_files(name: str, chart: alt.TopLevelMixin) -> dict[str, bytes]:
    """File name → content for one chart: SVG and PNG when possible, else HTML."""
    spec = json_spec(chart.properties(width=EXPORT_WIDTH))
    if can_render_images():
        import vl_convert

        version = "_".join(alt.SCHEMA_VERSION.split(".")[:2])  # vl-convert's "v6_4"
        return {
            f"{name}.svg": vl_convert.vegalite_to_svg(spec, vl_version=version).encode(),
            f"{name}.png": vl_convert.vegalite_to_png(spec, vl_version=version, scale=2),
        }
    return {f"{name}.html": chart_html(spec).encode()}


def chart_html(spec: str) -> str:
    """A self-contained page drawing the spec with vega-embed (from the jsDelivr CDN)."""
    from altair.utils.html import spec_to_html

    return spec_to_html(
        json.loads(spec),
        mode="vega-lite",
        vega_version=alt.VEGA_VERSION,
        vegaembed_version=alt.VEGAEMBED_VERSION,
        vegalite_version=alt.VEGALITE_VERSION,
    )


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
