"""`make mutations` (scripts/mutation_check.py) changes each documented rule by one token and
expects a test to fail. It is too slow for `make test`, so this checks that its list has not
gone stale: every mutation still finds its one place, and would change it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_mutations():
    spec = importlib.util.spec_from_file_location(
        "mutation_check", ROOT / "scripts" / "mutation_check.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mutation_check", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.MUTATIONS


def test_every_mutation_matches_exactly_once_and_changes_the_code() -> None:
    mutations = load_mutations()
    problems = []
    for mutation in mutations:
        text = (ROOT / mutation.path).read_text()
        mutated, count = re.subn(mutation.pattern, mutation.replacement, text)
        if count != 1:
            problems.append(f"{mutation.name}: {count} matches in {mutation.path}")
        elif mutated == text:
            problems.append(f"{mutation.name}: the replacement changes nothing")
        if not (ROOT / mutation.tests).is_file():
            problems.append(f"{mutation.name}: no test file {mutation.tests}")
    assert not problems, "\n".join(problems)
    names = [mutation.name for mutation in mutations]
    assert len(names) == len(set(names)), "mutation names must be unique"
