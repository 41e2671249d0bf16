"""From a figure to the clocks, journeys and people behind it: which figures can be opened,
the links each journey gets, and the owner leaderboard. Pure functions over frames
(tests/test_drilldown.py); the page-side widget is ui.clocks_behind."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pandas as pd

KIND_WORDS = {"policy": "Policy", "team": "Team", "owner": "Owner"}
NOTHING = "—"


def option_label(kind: str, value: str, name: str | None = None) -> str:
    """'Policy · High-intent inquiry: …' — what the picker shows (and the link carries)."""
    return f"{KIND_WORDS[kind]} · {name or value}"


def options(rows: list[tuple[str, str, str | None]]) -> dict[str, tuple[str, str]]:
    """Label → (kind, value) for (kind, value, display name) rows, in the given order, with
    NOTHING first; a label shared by two values gets the value added to stay unique."""
    built: dict[str, tuple[str, str]] = {NOTHING: ("", "")}
    for kind, value, name in rows:
        label = option_label(kind, value, name)
        if label in built:
            label = f"{label} ({value})"
        built[label] = (kind, value)
    return built


def explorer_url(journey_id: str) -> str:
    """The Journey explorer opened on the journey (a link inside the app)."""
    return f"/journey_explorer?journey={quote(str(journey_id), safe='')}"


def crm_url(template: str | None, journey_id: str) -> str | None:
    """The CRM record: ``{journey_id}`` in the template replaced by the (URL-quoted) id;
    None without a template."""
    if not template or (not isinstance(template, str)) or "{journey_id}" not in template:
        return None
    return template.replace("{journey_id}", quote(str(journey_id), safe=""))


def with_links(clocks: pd.DataFrame, template: str | None) -> pd.DataFrame:
    """The clock list with ``explorer`` and (with a template) ``crm_record`` link columns."""
    linked = clocks.assign(explorer=clocks["journey_id"].map(explorer_url))
    if crm_url(template, "x") is not None:
        linked = linked.assign(crm_record=clocks["journey_id"].map(lambda j: crm_url(template, j)))
    return linked


def leaderboard(owners: pd.DataFrame, min_resolved: int = 1) -> pd.DataFrame:
    """data.owner_leaderboard with attainment (met ÷ resolved) and the share of breaches
    handled, best attainment first (ties: more resolved clocks first, then name). Owners with
    fewer than ``min_resolved`` met + breached clocks are left out."""
    resolved = owners["met_clocks"] + owners["breached_clocks"]
    board = owners.assign(
        resolved_clocks=resolved,
        attainment=owners["met_clocks"] / resolved.where(resolved > 0, np.nan),
        breaches_handled_share=owners["breaches_handled"]
        / owners["breached_clocks"].where(owners["breached_clocks"] > 0, np.nan),
    )
    board = board[board["resolved_clocks"] >= min_resolved]
    return board.sort_values(
        ["attainment", "resolved_clocks", "owner_name"], ascending=[False, False, True]
    ).reset_index(drop=True)
