"""Containers the simulation fills: column collectors and cohorts of journeys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Rows:
    """Column arrays appended batch by batch, concatenated once at the end."""

    def __init__(self, columns: dict[str, type]):
        self.dtypes = columns
        self.parts: dict[str, list[np.ndarray]] = {name: [] for name in columns}

    def add(self, **values) -> None:
        n = np.size(values["j"])
        if n == 0:
            return
        for name, dtype in self.dtypes.items():
            value = values.get(name, -1)
            self.parts[name].append(np.broadcast_to(np.asarray(value, dtype=dtype), n))

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            name: (np.concatenate(parts) if parts else np.empty(0, dtype=self.dtypes[name]))
            for name, parts in self.parts.items()
        }


@dataclass
class Cohort:
    """Journeys entering a stage: journey index, entry time, owner at entry."""

    j: np.ndarray
    t: np.ndarray
    owner: np.ndarray

    @staticmethod
    def empty() -> Cohort:
        z = np.empty(0, dtype=np.int64)
        return Cohort(z, z, z)

    def take(self, mask) -> Cohort:
        return Cohort(self.j[mask], self.t[mask], self.owner[mask])

    def __len__(self) -> int:
        return len(self.j)

    @staticmethod
    def concat(*cohorts: Cohort) -> Cohort:
        return Cohort(
            np.concatenate([c.j for c in cohorts]),
            np.concatenate([c.t for c in cohorts]),
            np.concatenate([c.owner for c in cohorts]),
        )
