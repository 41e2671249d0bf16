"""From a figure to the clocks and people behind it (journey_sla.app_logic.drilldown)."""

from __future__ import annotations

import math

import pandas as pd

from journey_sla.app_logic import drilldown


def test_options_are_labelled_in_words_and_unique() -> None:
    built = drilldown.options(
        [
            ("policy", "inquiry_speed", "Touch within 30 minutes"),
            ("team", "sdr_emea", None),
            ("owner", "u1", "Ann Rep"),
            ("owner", "u2", "Ann Rep"),
        ]
    )
    assert list(built) == [
        "—",
        "Policy · Touch within 30 minutes",
        "Team · sdr_emea",
        "Owner · Ann Rep",
        "Owner · Ann Rep (u2)",
    ]
    assert built["Owner · Ann Rep (u2)"] == ("owner", "u2")


def test_links_to_the_explorer_and_the_crm_record() -> None:
    assert drilldown.explorer_url("j0000042") == "/journey_explorer?journey=j0000042"
    assert drilldown.explorer_url("a b&c") == "/journey_explorer?journey=a%20b%26c"
    template = "https://example.my.salesforce.com/{journey_id}"
    assert drilldown.crm_url(template, "006ABC") == "https://example.my.salesforce.com/006ABC"
    assert drilldown.crm_url(None, "006ABC") is None
    assert drilldown.crm_url("https://crm/no-placeholder", "006ABC") is None
    clocks = pd.DataFrame({"journey_id": ["j1"]})
    assert "crm_record" not in drilldown.with_links(clocks, None)
    linked = drilldown.with_links(clocks, template)
    assert linked["crm_record"].tolist() == ["https://example.my.salesforce.com/j1"]
    assert linked["explorer"].tolist() == ["/journey_explorer?journey=j1"]


def test_leaderboard_attainment_and_order() -> None:
    owners = pd.DataFrame(
        {
            "owner_id": ["u1", "u2", "u3", "u4"],
            "owner_name": ["Ann", "Bo", "Cy", "Di"],
            "clocks": [10, 5, 4, 2],
            "met_clocks": [6, 3, 3, 0],
            "breached_clocks": [2, 1, 1, 0],
            "breaches_handled": [1, 1, 0, 0],
        }
    )
    board = drilldown.leaderboard(owners)
    # u1: 6 / 8 = 0.75 beats nobody; u2 and u3 both 3 / 4 = 0.75: more resolved first (u1
    # has 8), then by name; u4 has no resolved clock and is left out.
    assert board["owner_id"].tolist() == ["u1", "u2", "u3"]
    assert board["attainment"].tolist() == [0.75, 0.75, 0.75]
    assert board["breaches_handled_share"].tolist() == [0.5, 1.0, 0.0]
    zero = drilldown.leaderboard(owners.assign(breached_clocks=[0, 0, 0, 1]))
    assert math.isnan(zero["breaches_handled_share"].iloc[0])
    assert drilldown.leaderboard(owners, min_resolved=5)["owner_id"].tolist() == ["u1"]
