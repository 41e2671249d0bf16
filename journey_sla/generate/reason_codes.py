"""Which reason codes an exit may carry, read from seeds/reason_codes.csv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from journey_sla.contract import TRUE_WORDS
from journey_sla.generate.constants import REASON_WEIGHTS, SEEDS, UNKNOWN_REASON_CODES


@dataclass(frozen=True)
class ReasonCodes:
    names: tuple[str, ...]  # every code the generator may write; events hold indices
    fitting: dict[str, tuple[np.ndarray, np.ndarray]]  # exit stage -> (indices, weights)
    invalid: np.ndarray  # indices of codes a recycle must not carry


def read_reason_codes(seeds: Path = SEEDS) -> ReasonCodes:
    seed = pd.read_csv(seeds / "reason_codes.csv", dtype=str)
    code = seed["reason_code"].str.strip()
    applies = seed["applies_to"].str.strip()
    active = seed["is_active"].str.strip().str.lower().isin(TRUE_WORDS)
    names = tuple(code) + tuple(c for c in UNKNOWN_REASON_CODES if c not in set(code))
    fitting = {}
    for kind, weights in REASON_WEIGHTS.items():
        ok = active & applies.isin([kind, "any"]) & code.isin(list(weights))
        fitting[kind] = (
            np.flatnonzero(ok.to_numpy()),
            np.array([weights[c] for c in code[ok]]),
        )
        if not len(fitting[kind][0]):
            raise ValueError(f"{seeds / 'reason_codes.csv'} has no active code for {kind}")
    # Invalid on a recycle: codes the seed does not know, and codes it has retired.
    invalid = [names.index(c) for c in UNKNOWN_REASON_CODES]
    invalid += np.flatnonzero(~active.to_numpy()).tolist()
    return ReasonCodes(names, fitting, np.array(sorted(invalid), dtype=np.int64))
