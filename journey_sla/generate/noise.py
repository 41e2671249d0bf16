"""Post-processing: cut to the window, add the CRM's own noise, put rows in time order."""

from __future__ import annotations

import numpy as np

from journey_sla.generate.constants import AT, DAY, DIR, HOUR, MINUTE, OUTCOME, ST
from journey_sla.generate.draws import group_positions
from journey_sla.generate.people import Users
from journey_sla.generate.simulation import Simulation


def finish_events(rng, ev: dict, jr: dict, t0: int, t1: int) -> dict:
    """Keep what happened inside the window, then add the CRM's own noise."""
    keep = ev["t"] < t1
    ev = {k: v[keep] for k, v in ev.items()}
    n = len(ev["t"])
    ev["order"] = np.arange(n)

    # Owner missing on ~3% of events.
    ev["owner"] = np.where(rng.random(n) < 0.03, -1, ev["owner"])

    # A clock-skewed first event now and then: before the journey's created_at.
    created = jr["created"][ev["j"]]
    first = (ev["t"] == created) & np.isin(ev["stage"], (ST["inquiry"], ST["sal"]))
    skew = first & (created >= t0 + 4 * HOUR) & (rng.random(n) < 0.002 * n / max(first.sum(), 1))
    ev["t"] = np.where(skew, ev["t"] - rng.integers(MINUTE, 3 * HOUR, n), ev["t"])

    # Runs of the same stage recorded again (re-syncs) before the next stage.
    by_journey = np.lexsort((ev["order"], ev["t"], ev["j"]))
    j_sorted, t_sorted = ev["j"][by_journey], ev["t"][by_journey]
    nxt = np.append(t_sorted[1:], t1)
    same = np.append(j_sorted[1:] == j_sorted[:-1], False)
    t_next = np.empty(n, dtype=np.int64)
    t_next[by_journey] = np.where(same, nxt, np.minimum(t_sorted + 2 * DAY, t1 - 1))
    repeatable = np.isin(ev["stage"], [ST[s] for s in ("mql", "sal", "sql", "opportunity")])
    repeat = repeatable & (rng.random(n) < 0.004) & (t_next - ev["t"] > 2 * MINUTE)
    copies = np.where(repeat, 1 + (rng.random(n) < 0.3), 0)
    group, pos = group_positions(copies)
    frac = (pos + 1 + rng.random(len(group)) * 0.5) / (copies[group] + 2)
    run = {k: v[group] for k, v in ev.items()}
    run["t"] = ev["t"][group] + ((t_next[group] - ev["t"][group]) * frac).astype(np.int64)

    # Exact duplicates (same journey, stage, time; another event id).
    dup = rng.random(n) < 0.005
    dups = {k: v[dup] for k, v in ev.items()}
    out = {k: np.concatenate([ev[k], run[k], dups[k]]) for k in ev}
    out["order"] = np.arange(len(out["t"]))
    return out


def finish_activities(rng, act: dict, ev: dict, users: Users, t1: int) -> dict:
    # Internal notes on ~5% of stage changes, logged as internal milestones (outcome "note"):
    # the contract has no note type, and a note is not a touch that should stop a clock.
    note = (rng.random(len(ev["t"])) < 0.05) & (ev["owner"] >= 0)
    notes = {
        "j": ev["j"][note],
        "owner": ev["owner"][note],
        "type": np.full(note.sum(), AT["milestone"], dtype=np.int8),
        "direction": np.full(note.sum(), DIR["internal"], dtype=np.int8),
        "auto": np.zeros(note.sum(), dtype=bool),
        "t": ev["t"][note] + rng.integers(MINUTE, 2 * HOUR, note.sum()),
        "outcome": np.full(note.sum(), OUTCOME["note"], dtype=np.int8),
        "scheduled": np.full(note.sum(), -1, dtype=np.int64),
    }
    act = {k: np.concatenate([act[k], notes[k]]) for k in act}
    keep = (act["t"] < t1) & (act["scheduled"] < t1)
    act = {k: v[keep] for k, v in act.items()}
    n = len(act["t"])
    # Now and then the owner's manager does the touch, or nobody is recorded.
    human = act["owner"] != users.SYSTEM
    u = rng.random(n)
    manager = users.manager[np.maximum(act["owner"], 0)]
    act["owner"] = np.where(human & (u < 0.03) & (manager >= 0), manager, act["owner"])
    act["owner"] = np.where(human & (u > 0.99), -1, act["owner"])
    act["order"] = np.arange(n)
    return act


def _time_order(cols: dict) -> dict:
    """Rows by time; ties by journey, then by the order they were emitted."""
    order = np.lexsort((cols["order"], cols["j"], cols["t"]))
    return {k: v[order] for k, v in cols.items()}


def _in_window(cols: dict, t1: int) -> dict:
    """Rows before the window's end, numbered in the order they were emitted."""
    cols = {k: v[cols["t"] < t1] for k, v in cols.items()}
    cols["order"] = np.arange(len(cols["t"]))
    return cols


def _won_contracts(con: dict, ev: dict) -> dict:
    """Contracts of journeys whose closed_won event is inside the window, by start date
    (ties by journey)."""
    won_j = np.unique(ev["j"][ev["stage"] == ST["closed_won"]])
    con = {k: v[np.isin(con["j"], won_j)] for k, v in con.items()}
    order = np.lexsort((con["j"], con["start"]))
    return {k: v[order] for k, v in con.items()}


def finish_rows(rng, sim: Simulation, jr: dict, users: Users, t0: int, t1: int) -> dict:
    """Every simulated table cut to the window [t0, t1), with the CRM's noise, in time order."""
    ev = finish_events(rng, sim.events.arrays(), jr, t0, t1)
    act = finish_activities(rng, sim.activities.arrays(), ev, users, t1)
    return {
        "contracts": _won_contracts(sim.contracts.arrays(), ev),
        "signals": _time_order(_in_window(sim.signals.arrays(), t1)),
        "events": _time_order(ev),
        "activities": _time_order(act),
        "assignments": _time_order(_in_window(sim.assignments.arrays(), t1)),
    }
