"""Fault injection for crash tests: die at a named point, as SIGKILL would.

``JOURNEY_SLA_KILL_AT=<point>[#<n>]`` makes the process exit immediately (``os._exit(137)``,
no cleanup, no ``finally``) the n-th time (default 1st) it passes ``kill_point(<point>)``.
Unset (always, outside tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import sys

_seen: dict[str, int] = {}


def kill_point(name: str) -> None:
    target = os.environ.get("JOURNEY_SLA_KILL_AT")
    if not target:
        return
    point, _, nth = target.partition("#")
    if point != name:
        return
    _seen[name] = _seen.get(name, 0) + 1
    if _seen[name] == int(nth or 1):
        sys.stderr.flush()
        os._exit(137)
