"""The Routing page's rules (journey_sla.app_logic.routing) on hand-made rows."""

from __future__ import annotations

import math

import pandas as pd

from journey_sla.app_logic import routing


def counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group_name": ["t1", "t2", "t3"],
            "assignments": [10, 4, 2],
            "matched": [6, 0, 0],
            "mismatched": [2, 0, 0],
            "not_judged": [2, 4, 2],
            "round_robin_judged": [4, 0, 1],
            "round_robin_without_context": [1, 0, 1],
            "median_minutes_to_assign": [30.0, None, 5.0],
        }
    )


def test_compliance_is_matched_over_judged_and_rr_share_over_judged_round_robin() -> None:
    rated = routing.with_rates(counts())
    # t1: 6 / (6 + 2) = 0.75; not-judged assignments stay out of the denominator.
    assert rated["compliance_rate"].iloc[0] == 0.75
    # t2: nothing judged → no rate, not 0.
    assert math.isnan(rated["compliance_rate"].iloc[1])
    # t1: 1 of 4 judged round-robin assignments ignored the rule; t3: 1 of 1.
    assert rated["round_robin_without_context_share"].tolist()[0] == 0.25
    assert math.isnan(rated["round_robin_without_context_share"].iloc[1])
    assert rated["round_robin_without_context_share"].iloc[2] == 1.0


def test_tiles_and_capacity_words() -> None:
    overall = counts().iloc[[0]]
    load = pd.DataFrame(
        {
            "owner_id": ["u1", "u2", "u3"],
            "max_open_visits": [2, 25, None],
            "is_over_capacity": [True, False, False],
        }
    )
    tile = routing.tiles(overall, load)
    assert tile.compliance_rate == 0.75
    assert tile.round_robin_without_context_share == 0.25
    assert tile.median_minutes_to_assign == 30.0
    # u3's role has no capacity: neither over nor counted.
    assert (tile.owners_over_capacity, tile.owners_with_capacity) == (1, 2)
    assert routing.capacity_words(tile) == "1 of 2 owners over capacity"
    empty = routing.tiles(overall.iloc[0:0], load.iloc[0:0])
    assert empty.compliance_rate is None
    assert routing.capacity_words(empty) == ("no role has a capacity (seeds/owner_capacity.csv)")
