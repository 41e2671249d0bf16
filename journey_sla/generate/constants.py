"""The generator's vocabulary: territories, teams, sources, outcomes, reason weights, id formats
and time units. Names the contract already defines (stages, roles, ...) come from there."""

from __future__ import annotations

import numpy as np

from journey_sla.contract import ACTIVITY_TYPES, ASSIGNMENT_METHODS, DIRECTIONS, SOURCES, STAGES
from journey_sla.paths import PROJECT_ROOT

# People work the hours of their territory's business calendar, read from the same seeds
# the SLA engine uses (seeds/territories.csv, business_calendars.csv, holidays.csv). latam is
# not mapped there (the engine uses the `default` calendar); its prospects keep the default
# calendar's hours in their own zone, and its SDRs are the na_east team.
TERRITORIES = ("na_east", "na_west", "emea", "apac", "latam")
UNMAPPED_TERRITORY_TZ = {"latam": "America/Sao_Paulo"}
TERRITORY_SHARE = (0.35, 0.20, 0.28, 0.15, 0.02)
LATAM = TERRITORIES.index("latam")
SEEDS = PROJECT_ROOT / "seeds"

TEAMS = (
    "sdr_na_east",
    "sdr_na_west",
    "sdr_emea",
    "sdr_apac",
    "ae_smb",
    "ae_mid_market",
    "ae_enterprise",
    "cs",
    "am",
    "marketing",
)
TEAM_ROLE = ("sdr",) * 4 + ("ae",) * 3 + ("cs", "am", "marketing")
TEAM_TERRITORY = (0, 1, 2, 3, -1, -1, -1, -1, -1, -1)
TEAM_WEIGHT = (0.148, 0.08, 0.112, 0.06, 0.1125, 0.0875, 0.05, 0.15, 0.10, 0.10)
TEAM_MIN = (2, 2, 2, 2, 2, 2, 2, 2, 2, 1)
SDR_TEAM_BY_TERRITORY = np.array([0, 1, 2, 3, 0])  # latam is worked by sdr_na_east
AE_TEAM_BY_SEGMENT = np.array([4, 5, 6])
CS_TEAM, AM_TEAM = 7, 8
N_FIXED_USERS = 2 + len(TEAMS)  # system user, VP, one manager per team

SEGMENT_SHARE = (0.60, 0.30, 0.10)
INDUSTRIES = (
    "software",
    "financial_services",
    "healthcare",
    "manufacturing",
    "retail",
    "education",
    "media",
    "logistics",
    "public_sector",
)
PRODUCT_LINES = ("core", "analytics", "payments")
SOURCE_SHARE = (0.25, 0.12, 0.08, 0.10, 0.20, 0.10, 0.05, 0.06, 0.04)
# P(high, medium, low) per source, in SOURCES order.
INTENT_BY_SOURCE = np.array(
    [
        (0.30, 0.50, 0.20),  # inbound_form
        (0.75, 0.20, 0.05),  # demo_request
        (0.70, 0.22, 0.08),  # chat
        (0.10, 0.40, 0.50),  # event
        (0.08, 0.42, 0.50),  # content
        (0.10, 0.45, 0.45),  # outbound
        (0.35, 0.45, 0.20),  # partner
        (0.45, 0.40, 0.15),  # referral
        (0.20, 0.40, 0.40),  # other
    ]
)
OUTBOUND = SOURCES.index("outbound")
CHAT = SOURCES.index("chat")

OUTCOMES = (
    "connected",
    "no_answer",
    "voicemail",
    "sent",
    "replied",
    "scheduled",
    "held",
    "no_show",
    "success_plan",
    "first_value",
    "note",
)
OUTCOME = {name: i for i, name in enumerate(OUTCOMES)}
# Reason codes come from seeds/reason_codes.csv (a code fits an exit when it is active and
# applies to that stage or to `any`); these weights only say how common each one is.
REASON_WEIGHTS = {
    "recycled": {
        "no_response": 0.35,
        "timing_not_now": 0.25,
        "no_budget": 0.12,
        "wrong_persona": 0.10,
        "no_decision": 0.10,
    },
    "closed_lost": {
        "competitor_chosen": 0.30,
        "price": 0.25,
        "no_decision": 0.25,
        "no_budget": 0.20,
    },
    "disqualified": {
        "no_fit": 0.35,
        "spam": 0.25,
        "duplicate_record": 0.20,
        "no_budget": 0.10,
        "no_decision": 0.10,
    },
}
UNKNOWN_REASON_CODES = ("other_misc", "tbd")  # not in the seed at all
ASSIGNMENT_REASONS = (
    "inquiry response SLA breached: no first touch within 4 business hours",
    "mql acceptance SLA breached: not accepted within 1 business day",
)
ST = {name: i for i, name in enumerate(STAGES)}
AT = {name: i for i, name in enumerate(ACTIVITY_TYPES)}
DIR = {name: i for i, name in enumerate(DIRECTIONS)}
METHOD = {name: i for i, name in enumerate(ASSIGNMENT_METHODS)}

ID_FORMAT = {  # table -> (prefix, digits)
    "users": ("u", 5),
    "accounts": ("a", 7),
    "journeys": ("j", 7),
    "stage_events": ("e", 8),
    "assignments": ("as", 7),
    "activities": ("ac", 8),
    "contracts": ("c", 7),
    "signals": ("s", 7),
}

MINUTE, HOUR, DAY = 60, 3600, 86400
BH = 3600  # one business hour, in business seconds
BD = 8 * BH  # one business day (emea's is 7 h; close enough for drawing delays)
