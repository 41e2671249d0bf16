"""Vectorised random draws and per-group arithmetic shared by every simulation step."""

from __future__ import annotations

import numpy as np


def choice(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    """n indices drawn with (unnormalised) probabilities ``probs``, one uniform each."""
    p = np.asarray(probs, dtype=float)
    return np.searchsorted(np.cumsum(p / p.sum()), rng.random(n), side="right").clip(0, len(p) - 1)


def choice_rows(rng: np.random.Generator, prob_rows: np.ndarray) -> np.ndarray:
    """One draw per row from that row's probabilities."""
    cum = np.cumsum(prob_rows, axis=1)
    u = rng.random(len(prob_rows)) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).clip(0, prob_rows.shape[1] - 1)


def lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(n))


def group_positions(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows repeated ``counts`` times: (group index, position within group)."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(len(group)) - starts[group]


def group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` restarting at each group of ``counts`` rows."""
    if len(values) == 0:  # every group empty (tiny runs): nothing to index below
        return np.cumsum(values)
    cs = np.cumsum(values)
    starts = np.cumsum(counts) - counts
    before = np.where(starts > 0, cs[np.maximum(starts - 1, 0)], 0)
    return cs - np.repeat(before, counts)
