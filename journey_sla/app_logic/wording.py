"""Numbers and policies in words, the way managers read them."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

UNIT_WORDS = {
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "days": ("day", "days"),
    "business_minutes": ("business minute", "business minutes"),
    "business_hours": ("business hour", "business hours"),
    "business_days": ("business day", "business days"),
}

VERDICT_WORDS = {
    "effective": "Effective",
    "harmful": "Harmful",
    "no_measurable_effect": "No measurable effect",
    "insufficient_data": "Insufficient data",
}

SECTION_WORDS = {"breach": "Breached", "at_risk": "At risk", "open": "Open"}


def is_missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def amount(value: float, unit: str) -> str:
    """3 business days, 1 business hour, 30 business minutes."""
    singular, plural = UNIT_WORDS.get(unit, (unit, unit))
    number = f"{value:g}"
    return f"{number} {singular if value == 1 else plural}"


def words_list(text: object, conjunction: str = "or") -> str:
    """'call|email|sms' → 'call, email or sms'."""
    if is_missing(text) or not str(text).strip():
        return ""
    items = [item.strip().replace("_", " ") for item in str(text).split("|") if item.strip()]
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def commitment_in_words(policy: pd.Series | dict) -> str:
    """The policy's promise built from its type, target and unit (the matrix's wording)."""
    sla_type = policy["sla_type"]
    within = f"within {amount(policy['target_value'], policy['target_unit'])}"
    stops = words_list(policy.get("stop_activity_types"))
    outcomes = words_list(policy.get("stop_outcomes"))
    what = stops or "any activity"
    if outcomes:
        what = f"{what} ({outcomes})"
    role = str(policy.get("owner_role") or "").upper() or "the right role"
    if sla_type == "first_touch":
        return f"First touch by {what} {within} of entry"
    if sla_type == "activity":
        return f"{what[0].upper()}{what[1:]} {within} of entry"
    if sla_type == "stage_exit":
        return f"Leave the stage {within} of entry"
    if sla_type == "attempts":
        return (
            f"At least {int(policy['min_attempts'])} attempts over "
            f"{int(policy['min_channels'])}+ channels {within} of entry"
        )
    if sla_type == "follow_up":
        trigger = words_list(policy.get("trigger_activity_types"))
        trigger_outcomes = words_list(policy.get("trigger_outcomes"))
        if trigger_outcomes:
            trigger = f"{trigger} ({trigger_outcomes})"
        return f"Follow up by {what} {within} after every {trigger}"
    if sla_type == "stall":
        return (
            f"No gap longer than {amount(policy['target_value'], policy['target_unit'])} "
            "without a movement"
        )
    if sla_type == "handoff":
        return f"An {role} owns the journey {within} of entry"
    if sla_type == "before_term":
        return (
            f"Renewal motion starts at least "
            f"{amount(policy['target_value'], policy['target_unit'])} before the term ends"
        )
    if sla_type == "signal_response":
        return f"Respond by {what} {within} of a signal"
    if sla_type == "checkpoint":
        listed = words_list(policy.get("checkpoints"), "and")
        if listed:
            unit = str(policy["target_unit"]).replace("_", " ")
            return f"Check in by {what} at {listed} {unit} after entry"
        every = amount(policy["target_value"], policy["target_unit"])
        return f"Check in by {what} every {every} after entry"
    return f"{sla_type} {within}"


def failure_in_words(failure_action: object) -> str:
    """'escalate_to_manager|reassign' → 'escalate to manager, else reassign'."""
    if is_missing(failure_action):
        return ""
    items = [item.strip().replace("_", " ") for item in str(failure_action).split("|")]
    return ", else ".join(item for item in items if item)


# A "day" of business time is a working day of the default calendar (09:00-17:00), not 24
# open hours: "2 d 3 h business" reads as two working days and three hours (DECISIONLOG.md).
BUSINESS_DAY_MINUTES = 8 * 60
DAY_MINUTES = 24 * 60


def duration_words(minutes: float, business: bool = True) -> str:
    """Minutes left in human units: '2 h 15 min business left', 'overdue 2 d 3 h business'.

    Under an hour in minutes, under a day in hours and minutes, from a day on in days and
    hours (minutes dropped). Business time (the default) counts 8-hour working days;
    calendar time 24-hour days."""
    if is_missing(minutes):
        return ""
    size = round(abs(float(minutes)))
    day = BUSINESS_DAY_MINUTES if business else DAY_MINUTES
    if size < 60:
        text = f"{size} min"
    elif size < day:
        hours, rest = divmod(size, 60)
        text = f"{hours} h {rest} min" if rest else f"{hours} h"
    else:
        days, rest = divmod(size, day)
        hours = rest // 60
        text = f"{days:,} d {hours} h" if hours else f"{days:,} d"
    if business:
        text += " business"
    return f"overdue {text}" if minutes < 0 else f"{text} left"


BACKLOG_WORDS = {
    "older_than_window": "breached more than {window} days ago",
    "visit_left": "whose journey has moved on from the breached stage",
    "journey_closed": "on journeys that are closed or recycled",
}


def backlog_words(counts: dict[str, int], window: int) -> str:
    """The unhandled breaches the queue leaves out, in one sentence ('' when none):
    'Not in the queue: 149 breaches breached more than 14 days ago, 40 whose ...'."""
    parts = []
    for reason, words in BACKLOG_WORDS.items():
        items = int(counts.get(reason, 0))
        if items:
            noun = "breach" if items == 1 else "breaches"
            parts.append(f"{items:,} {noun} {words.format(window=window)}")
    if not parts:
        return ""
    return "Not in the queue (nothing to do about them now): " + "; ".join(parts) + "."


def month_label(month: date | pd.Timestamp) -> str:
    return f"{pd.Timestamp(month):%b %Y}"


def percent(value: object, digits: int = 1) -> str:
    if is_missing(value):
        return "—"
    return f"{float(value):.{digits}%}"


def points(value: object) -> str | None:
    """A change in a rate as percentage points for st.metric's delta (None when unknown)."""
    if is_missing(value) or math.isnan(float(value)):
        return None
    return f"{float(value) * 100:+.1f} pts"


def days(value: object) -> str:
    if is_missing(value):
        return "—"
    return f"{float(value):.1f} d"


SHORT_LABEL_CHARS = 28


def short_label(description: object, fallback: str = "") -> str:
    """A policy's label on a chart: its description up to the first colon, at most 28
    characters ('High-intent inquiry: a human touch …' → 'High-intent inquiry')."""
    text = description if isinstance(description, str) and description.strip() else fallback
    text = text.split(":", 1)[0].strip()
    return text if len(text) <= SHORT_LABEL_CHARS else text[: SHORT_LABEL_CHARS - 1].rstrip() + "…"


def lift_words(lift: object, p_value: object, alpha: float = 0.05) -> str:
    """The met-vs-breached difference in plain words: 'Met visits converted 12 points more
    often; this is unlikely to be chance.' (p < alpha) or '… could well be chance.'"""
    if is_missing(lift) or is_missing(p_value):
        return "Too few mature visits to compare."
    points = abs(float(lift)) * 100
    if points < 0.5:
        difference = "Met and breached visits converted about equally often"
    else:
        direction = "more" if float(lift) > 0 else "less"
        difference = (
            f"Met visits converted {points:.0f} points {direction} often than breached ones"
        )
    chance = (
        "this is unlikely to be chance" if float(p_value) < alpha else "this could well be chance"
    )
    return f"{difference}; {chance}."


def unhonoured_words(what: str, asked: list[str], shown: str) -> str:
    """The notice for a link whose parameters cannot be honoured ('' when all can):
    'The link asked for month “Foo 1999”, which this warehouse does not have; showing
    May 2026 instead.'"""
    if not asked:
        return ""
    quoted = ", ".join(f"“{value}”" for value in asked)
    which = "which this warehouse does not have" if len(asked) == 1 else "which it does not have"
    return f"The link asked for {what} {quoted}, {which}; showing {shown} instead."
