"""Demo-data generator: a synthetic CRM extract that follows the raw extract contract.

The extract is simulated journey by journey, but every step works on whole NumPy
arrays (one array element per journey, activity or event), so 1M journeys take
minutes, not hours. Delays are drawn in *business* seconds of the acting user's
calendar and mapped back to wall-clock time, so a lead that arrives on Friday
night waits for Monday morning, as it would in a real sales team.

Behaviour the analytics rely on (see ``generate`` for the knobs):

- response time to an inquiry depends on the SDR (some are slow), on the arrival
  hour (nights and weekends wait) and on the SDR's load that day, and the chance
  that the inquiry progresses falls with it;
- SDRs who give up after few attempts or use one channel convert fewer SALs;
- slow AE handoffs, late follow-ups and opportunity stalls lower win rates;
- about a quarter of recycled journeys re-enter at mql or sal weeks later;
- ``dirty > 0`` appends rows the loader must reject, counted in ``manifest.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journey_sla.contract import (
    ACTIVITY_TYPES,
    ASSIGNMENT_METHODS,
    DIRECTIONS,
    INTENT_LEVELS,
    RENEWAL_STATUSES,
    ROLES,
    SEGMENTS,
    SEVERITIES,
    SIGNAL_TYPES,
    SOURCES,
    STAGES,
    TABLE_NAMES,
    TABLES_BY_NAME,
)
from journey_sla.generate.calendars import (
    Calendars,
    add_months,
    epoch_seconds,
    read_territory_calendars,
)
from journey_sla.generate.collectors import Cohort, Rows
from journey_sla.generate.constants import (
    AE_TEAM_BY_SEGMENT,
    AM_TEAM,
    ASSIGNMENT_REASONS,
    AT,
    BD,
    BH,
    CHAT,
    CS_TEAM,
    DAY,
    DIR,
    HOUR,
    ID_FORMAT,
    INDUSTRIES,
    METHOD,
    MINUTE,
    OUTBOUND,
    OUTCOME,
    OUTCOMES,
    PRODUCT_LINES,
    SDR_TEAM_BY_TERRITORY,
    ST,
    TEAMS,
    TERRITORIES,
)
from journey_sla.generate.draws import choice, choice_rows, group_cumsum, group_positions, lognormal
from journey_sla.generate.people import (
    COMPANY_KINDS,
    COMPANY_WORDS,
    Users,
    make_accounts_and_journeys,
    make_users,
)
from journey_sla.generate.reason_codes import ReasonCodes, read_reason_codes

FORMATS = ("csv", "parquet")
DIRTY_REASONS = (
    "bad_timestamp",
    "bad_date",
    "bad_number",
    "bad_boolean",
    "bad_enum",
    "missing_required",
    "duplicate_key",
    "missing_parent",
)
# ----------------------------------------------------------------------------- simulation


class _Simulation:
    """Walks cohorts of journeys through the funnel, emitting events, activities,
    assignments, contracts and signals. Every method handles a whole cohort at once."""

    def __init__(
        self, rng, cal: Calendars, users: Users, jr: dict, codes: ReasonCodes, t0: int, t1: int
    ):
        self.rng, self.cal, self.users, self.jr, self.codes = rng, cal, users, jr, codes
        self.t0, self.t1 = t0, t1
        self.late_from = t0 + int(0.75 * (t1 - t0))  # inactive users get no new work
        self.events = Rows(
            {"j": np.int64, "stage": np.int8, "t": np.int64, "owner": np.int64, "reason": np.int8}
        )
        self.activities = Rows(
            {
                "j": np.int64,
                "owner": np.int64,
                "type": np.int8,
                "direction": np.int8,
                "auto": np.bool_,
                "t": np.int64,
                "outcome": np.int8,
                "scheduled": np.int64,
            }
        )
        self.assignments = Rows(
            {"j": np.int64, "owner": np.int64, "t": np.int64, "method": np.int8, "reason": np.int8}
        )
        self.contracts = Rows(
            {
                "j": np.int64,
                "start": np.int64,
                "end": np.int64,
                "arr": np.int64,
                "status": np.int8,
                "renewal_arr": np.int64,
            }
        )
        self.signals = Rows({"j": np.int64, "t": np.int64, "type": np.int8, "severity": np.int8})

    # -- small building blocks

    def ucal(self, owner):
        return self.users.cal[owner]

    def later(self, t):
        return (np.asarray(t) >= self.late_from).astype(np.int64)

    def reasons(self, n: int, kind: str) -> np.ndarray:
        """Reason codes (indices into ``self.codes.names``, -1 = empty) for n exits."""
        rng, codes = self.rng, self.codes
        valid, weights = codes.fitting[kind]
        out = valid[choice(rng, n, weights)]
        u = rng.random(n)
        if kind != "recycled":
            return np.where(u < 0.02, -1, out)
        # Recycles are where reason-code hygiene is measured: ~7% empty, ~3% invalid
        # (unknown to the seed, or retired there).
        invalid = codes.invalid[rng.integers(0, len(codes.invalid), n)]
        return np.where(u < 0.07, -1, np.where(u < 0.10, invalid, out))

    def initial_assignment(self, j, t):
        """Route a new (or re-entering) journey to an SDR: rule, round robin or by hand."""
        rng, n = self.rng, len(j)
        territory = self.jr["territory_eff"][j]
        team = SDR_TEAM_BY_TERRITORY[territory]
        method = choice(rng, n, (0.70, 0.25, 0.05))  # rule, round_robin, manual
        # Round robin ignores context now and then: an SDR of another territory.
        wrong = (method == 1) & (rng.random(n) < 0.3)
        other_team = (team + rng.integers(1, 4, n)) % 4
        team = np.where(wrong, other_team, team)
        territory = np.where(wrong, other_team, territory)
        owner = self.users.pick(team, territory, self.later(t), rng.random(n))
        delay = np.select(
            [method == 0, method == 1],
            [rng.integers(1, 120, n), rng.integers(30, 600, n)],
            0,
        )
        t_assign = t + delay
        manual = method == 2
        t_assign[manual] = self.cal.add(
            t[manual], rng.uniform(0.25, 4, manual.sum()) * BH, self.ucal(owner[manual])
        )
        self.assignments.add(j=j, owner=owner, t=t_assign, method=method)
        return owner, t_assign

    def touch_types(self, n: int, probs=(0.55, 0.40, 0.05)) -> tuple[np.ndarray, np.ndarray]:
        """Human outbound touches: call/email/sms with a plausible outcome."""
        rng = self.rng
        kinds = np.array([AT["call"], AT["email"], AT["sms"]])[choice(rng, n, probs)]
        call_outcome = np.array([OUTCOME["connected"], OUTCOME["no_answer"], OUTCOME["voicemail"]])[
            choice(rng, n, (0.25, 0.45, 0.30))
        ]
        email_outcome = np.where(rng.random(n) < 0.1, OUTCOME["replied"], OUTCOME["sent"])
        outcome = np.where(kinds == AT["call"], call_outcome, email_outcome)
        return kinds, outcome

    def outbound(self, j, owner, t, kinds=None, outcome=None):
        if kinds is None:
            kinds, outcome = self.touch_types(len(j))
        self.activities.add(
            j=j,
            owner=owner,
            type=kinds,
            direction=DIR["outbound"],
            auto=False,
            t=t,
            outcome=outcome,
        )

    def inbound_reply(self, j, owner, t):
        self.activities.add(
            j=j,
            owner=owner,
            type=AT["email"],
            direction=DIR["inbound"],
            auto=False,
            t=t,
            outcome=-1,
        )

    def meeting(self, j, owner, t_booked, t_meeting, held_outcome):
        self.activities.add(
            j=j,
            owner=owner,
            type=AT["meeting"],
            direction=DIR["outbound"],
            auto=False,
            t=t_booked,
            outcome=OUTCOME["scheduled"],
            scheduled=t_meeting,
        )
        self.activities.add(
            j=j,
            owner=owner,
            type=AT["meeting"],
            direction=DIR["outbound"],
            auto=False,
            t=t_meeting,
            outcome=held_outcome,
        )

    def exits(self, c: Cohort, t_exit, probs, kinds) -> Cohort:
        """Close non-progressing journeys; returns the recycled ones (for re-entry)."""
        which = choice(self.rng, len(c), probs)
        recycled = Cohort.empty()
        for k, kind in enumerate(kinds):
            if kind is None:
                continue  # the journey just stays where it is
            m = which == k
            self.events.add(
                j=c.j[m],
                stage=ST[kind],
                t=t_exit[m],
                owner=c.owner[m],
                reason=self.reasons(int(m.sum()), kind),
            )
            if kind == "recycled":
                recycled = Cohort(c.j[m], t_exit[m], c.owner[m])
        return recycled

    # -- funnel stages

    def inquiry(self, c: Cohort, t_assign: np.ndarray) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, owner = c.j, c.t, c.owner.copy()
        self.events.add(j=j, stage=ST["inquiry"], t=t, owner=owner)
        source = self.jr["source"][j]
        intent = self.jr["intent"][j]
        auto = (source != OUTBOUND) & (rng.random(n) < 0.6)  # auto-responder
        self.activities.add(
            j=j[auto],
            owner=users.SYSTEM,
            type=AT["email"],
            direction=DIR["outbound"],
            auto=True,
            t=t[auto] + rng.integers(5, 300, auto.sum()),
            outcome=OUTCOME["sent"],
        )
        chat = (source == CHAT) & (rng.random(n) < 0.8)
        self.activities.add(
            j=j[chat],
            owner=owner[chat],
            type=AT["chat"],
            direction=DIR["inbound"],
            auto=False,
            t=t[chat],
            outcome=-1,
        )

        # Response delay in the SDR's business time: owner speed x load x intent.
        day = (t - self.t0) // DAY
        key = owner * (day.max() + 1) + day
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        load = np.clip(np.sqrt(counts[inverse] / counts.mean()), 0.7, 2.5)
        intent_factor = np.array([0.6, 1.0, 1.6])[intent]
        delay = lognormal(rng, 40 * MINUTE, 1.0, n) * users.speed[owner] * load * intent_factor
        delay = np.maximum(delay, 60)
        never = rng.random(n) < np.array([0.03, 0.06, 0.12])[intent]
        owner_cal = self.ucal(owner)
        t_touch = cal.add(t_assign, delay, owner_cal)
        waited = cal.elapsed(t, t_touch, owner_cal)

        # Escalate some breaches (> 4 business hours) to an SDR of the right team.
        escalate = ((waited > 4 * BH) | never) & (rng.random(n) < 0.35)
        t_esc = cal.add(t[escalate], 4 * BH, owner_cal[escalate])
        territory = self.jr["territory_eff"][j[escalate]]
        new_owner = users.pick_other(
            SDR_TEAM_BY_TERRITORY[territory],
            territory,
            self.later(t_esc),
            rng.random(escalate.sum()),
            owner[escalate],
        )
        self.assignments.add(
            j=j[escalate], owner=new_owner, t=t_esc, method=METHOD["escalation"], reason=0
        )
        t_touch2 = cal.add(t_esc, rng.uniform(5, 90, escalate.sum()) * MINUTE, self.ucal(new_owner))
        t_touch[escalate] = np.where(
            never[escalate], t_touch2, np.minimum(t_touch[escalate], t_touch2)
        )
        owner[escalate] = new_owner
        never &= ~escalate
        touched = ~never
        self.outbound(j[touched], owner[touched], t_touch[touched])

        # The later the first touch, the less likely the inquiry progresses.
        response = np.maximum(t_touch - t, 1)
        p = np.interp(
            np.log(response),
            np.log([5 * MINUTE, 15 * MINUTE, HOUR, 4 * HOUR, DAY, 2 * DAY, 7 * DAY]),
            [0.72, 0.66, 0.50, 0.42, 0.34, 0.22, 0.14],
        )
        p = np.where(never, 0.08, p * np.array([1.12, 1.0, 0.82])[intent])
        progress = rng.random(n) < p
        base = np.where(never, t, t_touch)
        owner_cal = self.ucal(owner)

        m = progress
        t_mql = cal.add(base[m], lognormal(rng, 3 * BH, 1.0, m.sum()), owner_cal[m])
        reply = rng.random(m.sum()) < 0.5
        t_reply = base[m] + ((t_mql - base[m]) * rng.uniform(0.2, 0.8, m.sum())).astype(np.int64)
        self.inbound_reply(j[m][reply], owner[m][reply], t_reply[reply])
        mql = Cohort(j[m], t_mql, owner[m])

        stay = Cohort(j, base, owner).take(~progress)
        t_exit = cal.add(stay.t, rng.uniform(0.5, 12, len(stay)) * BD, owner_cal[~progress])
        second = rng.random(len(stay)) < 0.4
        t_second = stay.t + ((t_exit - stay.t) * rng.uniform(0.1, 0.9, len(stay))).astype(np.int64)
        keep = second & (stay.t != t[~progress])  # only journeys that were touched once
        self.outbound(stay.j[keep], stay.owner[keep], t_second[keep])
        recycled = self.exits(stay, t_exit, (0.50, 0.15, 0.35), ("disqualified", "recycled", None))
        return mql, recycled

    def mql(self, c: Cohort) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, owner = c.j, c.t, c.owner.copy()
        self.events.add(j=j, stage=ST["mql"], t=t, owner=owner)
        owner_cal = self.ucal(owner)
        delay = lognormal(rng, 3 * BH, 1.1, n) * np.sqrt(users.speed[owner])
        t_sal = cal.add(t, delay, owner_cal)

        escalate = (delay > BD) & (rng.random(n) < 0.3)
        t_esc = cal.add(t[escalate], BD, owner_cal[escalate])
        new_owner = users.pick_other(
            users.team[owner[escalate]],
            users.territory[owner[escalate]],
            self.later(t_esc),
            rng.random(escalate.sum()),
            owner[escalate],
        )
        self.assignments.add(
            j=j[escalate], owner=new_owner, t=t_esc, method=METHOD["escalation"], reason=1
        )
        t_sal[escalate] = cal.add(
            t_esc, rng.uniform(10, 120, escalate.sum()) * MINUTE, self.ucal(new_owner)
        )
        owner[escalate] = new_owner
        owner_cal = self.ucal(owner)

        progress = rng.random(n) < np.where(delay > BD, 0.45, 0.66)
        t_exit = cal.add(t, rng.uniform(1, 10, n) * BD, owner_cal)
        t_next = np.where(progress, t_sal, t_exit)
        touches = choice(rng, n, (0.3, 0.5, 0.2))
        group, pos = group_positions(touches)
        frac = (pos + rng.random(len(group))) / (touches[group] + 0.5)
        t_touch = t[group] + ((t_next[group] - t[group]) * frac).astype(np.int64)
        self.outbound(j[group], owner[group], cal.add(t_touch, 0, owner_cal[group]))

        recycled = self.exits(
            Cohort(j, t_exit, owner).take(~progress),
            t_exit[~progress],
            (0.60, 0.25, 0.15),
            ("recycled", "disqualified", None),
        )
        return Cohort(j[progress], t_sal[progress], owner[progress]), recycled

    def sal(self, c: Cohort) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, owner = c.j, c.t, c.owner
        self.events.add(j=j, stage=ST["sal"], t=t, owner=owner)
        lazy = users.lazy[owner]
        attempts = np.where(lazy, rng.integers(1, 6, n), 3 + rng.binomial(7, 0.55, n))
        one_channel = lazy & (rng.random(n) < 0.55)
        fixed_channel = np.where(rng.random(n) < 0.6, AT["call"], AT["email"])

        group, pos = group_positions(attempts)
        m = len(group)
        channels = np.array([AT["call"], AT["email"], AT["sms"], AT["social"]])
        channel = channels[choice(rng, m, (0.45, 0.35, 0.10, 0.10))]
        channel = np.where(one_channel[group], fixed_channel[group], channel)
        gap = np.where(pos == 0, lognormal(rng, 2 * BH, 0.9, m), lognormal(rng, 0.8 * BD, 0.7, m))
        owner_cal = self.ucal(owner)
        t_attempt = cal.at(
            cal.open_before(t, owner_cal)[group] + group_cumsum(gap, attempts), owner_cal[group]
        )
        bits = np.zeros(n, dtype=np.int64)
        np.bitwise_or.at(bits, group, np.left_shift(1, channel.astype(np.int64)))
        n_channels = np.array([bin(b).count("1") for b in range(256)])[bits]

        # More attempts over more channels -> more SQLs.
        p = np.clip(0.02 + 0.055 * attempts + 0.07 * (n_channels - 1), 0.03, 0.9)
        p *= np.array([1.15, 1.0, 0.8])[self.jr["intent"][j]]
        progress = rng.random(n) < p

        call_outcome = np.array([OUTCOME["connected"], OUTCOME["no_answer"], OUTCOME["voicemail"]])[
            choice(rng, m, (0.12, 0.55, 0.33))
        ]
        other_outcome = np.where(rng.random(m) < 0.08, OUTCOME["replied"], OUTCOME["sent"])
        outcome = np.where(channel == AT["call"], call_outcome, other_outcome)
        last = pos == attempts[group] - 1
        won = last & progress[group]
        outcome = np.where(
            won, np.where(channel == AT["call"], OUTCOME["connected"], OUTCOME["replied"]), outcome
        )
        self.outbound(j[group], owner[group], t_attempt, channel, outcome)

        t_last = t_attempt[last]
        t_sql = cal.add(t_last, lognormal(rng, 4 * BH, 0.8, n), owner_cal)
        reply = progress & (rng.random(n) < 0.3)
        t_reply = t + ((t_last - t) * rng.uniform(0.5, 1.0, n)).astype(np.int64)
        self.inbound_reply(j[reply], owner[reply], t_reply[reply])
        t_exit = cal.add(t_last, rng.uniform(0.5, 3, n) * BD, owner_cal)
        recycled = self.exits(
            Cohort(j, t_exit, owner).take(~progress),
            t_exit[~progress],
            (0.8, 0.2),
            ("recycled", None),
        )
        return Cohort(j[progress], t_sql[progress], owner[progress]), recycled

    def sql(self, c: Cohort) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, sdr = c.j, c.t, c.owner
        self.events.add(j=j, stage=ST["sql"], t=t, owner=sdr)
        # Handoff to an AE of the segment's team: usually hours, sometimes days.
        team = AE_TEAM_BY_SEGMENT[self.jr["segment_eff"][j]]
        ae = users.pick(team, self.jr["territory_eff"][j], self.later(t), rng.random(n))
        slow = rng.random(n) < 0.12
        handoff = np.where(slow, rng.uniform(2, 6, n) * BD, lognormal(rng, 1.5 * BH, 0.9, n))
        t_ae = cal.add(t, handoff, self.ucal(sdr))
        self.assignments.add(j=j, owner=ae, t=t_ae, method=choice(rng, n, (0.80, 0.15, 0.05)))

        ae_cal = self.ucal(ae)
        t_booked = cal.add(t_ae, lognormal(rng, 4 * BH, 0.8, n), ae_cal)
        t_meeting = cal.add(t_booked, rng.uniform(1, 5, n) * BD, ae_cal)
        no_show = rng.random(n) < 0.15
        self.meeting(
            j, ae, t_booked, t_meeting, np.where(no_show, OUTCOME["no_show"], OUTCOME["held"])
        )
        t_rebooked = cal.add(
            t_meeting[no_show], rng.uniform(0.2, 4, no_show.sum()) * BH, ae_cal[no_show]
        )
        t_held = t_meeting.copy()
        t_held[no_show] = cal.add(
            t_rebooked, rng.uniform(1, 5, no_show.sum()) * BD, ae_cal[no_show]
        )
        self.meeting(j[no_show], ae[no_show], t_rebooked, t_held[no_show], OUTCOME["held"])
        t_follow = self.follow_up(j, ae, t_held)

        progress = rng.random(n) < np.where(slow, 0.55, 0.72)
        t_opp = cal.add(t_follow, rng.uniform(0.5, 4, n) * BD, ae_cal)
        t_exit = cal.add(t_follow, rng.uniform(2, 15, n) * BD, ae_cal)
        recycled = self.exits(
            Cohort(j, t_exit, ae).take(~progress),
            t_exit[~progress],
            (0.70, 0.20, 0.10),
            ("closed_lost", "recycled", None),
        )
        return Cohort(j[progress], t_opp[progress], ae[progress]), recycled

    def follow_up(self, j, ae, t_held) -> np.ndarray:
        """Follow-up after a held meeting: within hours, or late for sloppy AEs."""
        rng, cal, n = self.rng, self.cal, len(j)
        late = rng.random(n) < self.users.late_followup[ae]
        delay = np.where(late, rng.uniform(1.5, 6, n) * BD, rng.uniform(0.25, 4, n) * BH)
        t_follow = cal.add(t_held, delay, self.ucal(ae))
        kinds = np.where(rng.random(n) < 0.8, AT["email"], AT["call"])
        outcome = np.where(kinds == AT["email"], OUTCOME["sent"], OUTCOME["connected"])
        self.outbound(j, ae, t_follow, kinds, outcome)
        return t_follow

    def opportunity(self, c: Cohort) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, n = self.rng, self.cal, len(c)
        j, t, ae = c.j, c.t, c.owner
        self.events.add(j=j, stage=ST["opportunity"], t=t, owner=ae)
        steps = 1 + rng.binomial(5, 0.4, n)
        stall = rng.random(n) < 0.22
        stall_step = np.floor(rng.random(n) * steps).astype(np.int64)
        group, pos = group_positions(steps)
        m = len(group)
        gap = lognormal(rng, 3 * BD, 0.6, m)
        stalled = stall[group] & (pos == stall_step[group])
        gap = np.where(stalled, rng.uniform(12, 30, m) * BD, gap)  # > 14 calendar days
        ae_cal = self.ucal(ae)
        start = cal.open_before(t, ae_cal)
        t_step = cal.at(start[group] + group_cumsum(gap, steps), ae_cal[group])

        kind = choice(rng, m, (0.35, 0.30, 0.35))  # meeting, call, email
        mt = kind == 0
        t_booked = cal.add(
            t_step[mt] - 3 * DAY, rng.uniform(0, 6, mt.sum()) * BH, ae_cal[group[mt]]
        )
        prev = np.concatenate([[0], t_step[:-1]])
        prev = np.where(pos == 0, t[group], prev)
        t_booked = np.clip(t_booked, prev[mt] + 1, t_step[mt])
        self.meeting(j[group[mt]], ae[group[mt]], t_booked, t_step[mt], OUTCOME["held"])
        self.follow_up(j[group[mt]], ae[group[mt]], t_step[mt])
        touch = ~mt
        kinds, outcome = self.touch_types(int(touch.sum()), (0.46, 0.54, 0.0))
        outcome = np.where(
            (kinds == AT["call"]) & (rng.random(touch.sum()) < 0.5), OUTCOME["connected"], outcome
        )
        self.outbound(j[group[touch]], ae[group[touch]], t_step[touch], kinds, outcome)

        t_last = t_step[pos == steps[group] - 1]
        t_close = cal.add(t_last, rng.uniform(1, 5, n) * BD, ae_cal)
        won = rng.random(n) < np.where(stall, 0.18, 0.34)
        self.exits(
            Cohort(j, t_close, ae).take(~won), t_close[~won], (0.85, 0.15), ("closed_lost", None)
        )
        return Cohort(j[won], t_close[won], ae[won]), Cohort.empty()

    def closed_won(self, c: Cohort) -> None:
        if len(c) == 0:
            return
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, ae = c.j, c.t, c.owner
        self.events.add(j=j, stage=ST["closed_won"], t=t, owner=ae)
        territory = self.jr["territory_eff"][j]
        segment = self.jr["segment_eff"][j]

        # Contract: one per closed-won journey, a 12-month term.
        t1_day = self.t1 // DAY
        start_day = np.minimum(t // DAY + rng.integers(0, 6, n), t1_day - 1)
        start_ts = pd.to_datetime(start_day, unit="D")
        end_day = (start_ts + pd.DateOffset(years=1)).as_unit("s").asi8 // DAY
        end_day = np.asarray(end_day, dtype=np.int64)
        median_arr = np.array([10_000, 40_000, 150_000])[segment]
        arr = np.round(lognormal(rng, 1.0, 0.45, n) * median_arr, -2).astype(np.int64)
        churn_prone = rng.random(n) < 0.2
        ended = end_day < t1_day
        status = np.where(ended, np.where(churn_prone, 1, 0), 2)  # renewed, churned, open
        renewal_arr = np.where(
            status == 0, np.round(arr * rng.uniform(0.9, 1.3, n), -2), -1
        ).astype(np.int64)
        self.contracts.add(
            j=j, start=start_day, end=end_day, arr=arr, status=status, renewal_arr=renewal_arr
        )

        # Customer success. The CSM usually owns the customer before onboarding starts,
        # sometimes only days later (a slow AE -> CS handoff).
        ae_cal = self.ucal(ae)
        cs = users.pick(CS_TEAM, territory, self.later(t), rng.random(n))
        cs_cal = self.ucal(cs)
        slow_handoff = rng.random(n) < 0.2
        handoff = np.where(slow_handoff, rng.uniform(2, 6, n) * BD, rng.uniform(0.1, 8, n) * BH)
        t_cs = cal.add(t, handoff, ae_cal)
        self.assignments.add(j=j, owner=cs, t=t_cs, method=METHOD["rule"])
        t_onb = cal.add(t, rng.uniform(0.5, 4, n) * BD, ae_cal)
        self.events.add(j=j, stage=ST["onboarding"], t=t_onb, owner=np.where(t_cs <= t_onb, cs, ae))

        # Kickoff booked within days (weeks for some CSMs), then held; then a success plan.
        late = rng.random(n) < users.late_kickoff[cs]
        t_kick_booked = cal.add(
            np.maximum(t_onb, t_cs),
            np.where(late, rng.uniform(7, 12, n), rng.uniform(0.2, 4, n)) * BD,
            cs_cal,
        )
        t_kick = cal.add(t_kick_booked, rng.uniform(1, 5, n) * BD, cs_cal)
        held = rng.random(n) < 0.9
        self.activities.add(
            j=j,
            owner=cs,
            type=AT["meeting"],
            direction=DIR["outbound"],
            auto=False,
            t=t_kick_booked,
            outcome=OUTCOME["scheduled"],
            scheduled=t_kick,
        )
        self.activities.add(
            j=j[held],
            owner=cs[held],
            type=AT["meeting"],
            direction=DIR["outbound"],
            auto=False,
            t=t_kick[held],
            outcome=OUTCOME["held"],
        )
        t_plan = cal.add(t_kick, rng.uniform(0.5, 5, n) * BD, cs_cal)
        self.activities.add(
            j=j,
            owner=cs,
            type=AT["milestone"],
            direction=DIR["internal"],
            auto=False,
            t=t_plan,
            outcome=OUTCOME["success_plan"],
        )

        # Adoption starts weeks later; first value follows within a month, or later.
        t_adopt = cal.add(t_onb, rng.uniform(15, 40, n) * BD, cs_cal)
        self.events.add(j=j, stage=ST["adoption"], t=t_adopt, owner=cs)
        slow_value = rng.random(n) < 0.15 + users.late_kickoff[cs]
        to_value = np.where(slow_value, rng.uniform(31, 70, n), rng.uniform(3, 27, n)) * DAY
        t_value = cal.add(t_adopt + to_value.astype(np.int64), 0, cs_cal)
        self.activities.add(
            j=j,
            owner=cs,
            type=AT["milestone"],
            direction=DIR["internal"],
            auto=False,
            t=t_value,
            outcome=OUTCOME["first_value"],
        )
        self.outbound(
            j,
            cs,
            cal.add(t_adopt, rng.uniform(10, 40, n) * BD, cs_cal),
            np.full(n, AT["call"]),
            np.full(n, OUTCOME["connected"]),
        )

        # Renewal motion: an AM takes over and the renewal stage starts 60-120 days
        # before the term ends (a quarter of them start late, 20-59 days before).
        end_ts = end_day * DAY
        lead_days = np.where(rng.random(n) < 0.75, rng.uniform(60, 120, n), rng.uniform(20, 59, n))
        t_renewal_raw = end_ts - (lead_days * DAY).astype(np.int64)
        am = users.pick(AM_TEAM, territory, self.later(t_renewal_raw), rng.random(n))
        am_cal = self.ucal(am)
        t_renewal = cal.add(t_renewal_raw, 0, am_cal)
        t_am = cal.add(t_renewal - rng.integers(0, 14 * DAY, n), 0, am_cal)
        t_am = np.minimum(t_am, t_renewal)
        self.assignments.add(j=j, owner=am, t=t_am, method=METHOD["rule"])
        self.events.add(j=j, stage=ST["renewal"], t=t_renewal, owner=am)
        touches = rng.integers(2, 5, n)
        group, _ = group_positions(touches)
        gap = rng.uniform(2, 10, len(group)) * BD
        t_touch = cal.at(
            cal.open_before(t_renewal, am_cal)[group] + group_cumsum(gap, touches), am_cal[group]
        )
        kinds, outcome = self.touch_types(len(group), (0.5, 0.5, 0.0))
        is_meeting = rng.random(len(group)) < 0.3
        kinds = np.where(is_meeting, AT["meeting"], kinds)
        outcome = np.where(is_meeting, OUTCOME["held"], outcome)
        self.outbound(j[group], am[group], t_touch, kinds, outcome)

        churned = status == 1
        t_churn = t_renewal + ((end_ts - t_renewal) * rng.uniform(0.3, 0.85, n)).astype(np.int64)
        t_churn = np.minimum(cal.add(t_churn, 0, am_cal), end_ts - HOUR)
        self.events.add(j=j[churned], stage=ST["churned"], t=t_churn[churned], owner=am[churned])

        # Risk signals: ~30% of customers, more (and more severe) for churners.
        has = rng.random(n) < np.where(churn_prone, 0.7, 0.2)
        count = np.where(
            has, np.where(churn_prone, rng.integers(2, 4, n), rng.integers(1, 3, n)), 0
        )
        group, _ = group_positions(count)
        k = len(group)
        horizon = np.where(churned, t_churn, end_ts)
        t_sig = t_onb[group] + ((horizon[group] - t_onb[group]) * rng.random(k)).astype(np.int64)
        sig_type = choice(rng, k, (0.30, 0.20, 0.10, 0.10, 0.20, 0.10))
        severity_probs = np.where(churn_prone[group, None], [[0.2, 0.35, 0.45]], [[0.5, 0.4, 0.1]])
        severity = choice_rows(rng, severity_probs)  # low, medium, high
        self.signals.add(j=j[group], t=t_sig, type=sig_type, severity=severity)
        # Respond to the signal within a day or two, sometimes late, sometimes never.
        responder = np.where(t_sig >= t_am[group], am[group], cs[group])
        answer = choice(rng, k, (0.75, 0.15, 0.10))
        delay = np.where(answer == 0, rng.uniform(0.5, 16, k) * BH, rng.uniform(4, 10, k) * BD)
        t_answer = cal.add(t_sig, delay, self.ucal(responder))
        kinds, outcome = self.touch_types(k, (0.6, 0.4, 0.0))
        a = answer < 2
        self.outbound(j[group][a], responder[a], t_answer[a], kinds[a], outcome[a])

    def run(self, inquiries: Cohort, t_assign, mqls: Cohort, sals: Cohort) -> Cohort:
        """One pass through the funnel; returns the journeys it recycled."""
        mql_from_inquiry, rec_inquiry = self.inquiry(inquiries, t_assign)
        sal_from_mql, rec_mql = self.mql(Cohort.concat(mqls, mql_from_inquiry))
        sqls, rec_sal = self.sal(Cohort.concat(sals, sal_from_mql))
        opps, rec_sql = self.sql(sqls)
        wins, _ = self.opportunity(opps)
        self.closed_won(wins)
        return Cohort.concat(rec_inquiry, rec_mql, rec_sal, rec_sql)

    def nurture(self, recycled: Cohort, until: np.ndarray) -> None:
        """Automated nurture emails after a recycle (stopping at re-entry)."""
        rng = self.rng
        count = choice(rng, len(recycled), (0.3, 0.3, 0.25, 0.15))
        group, _ = group_positions(count)
        t = recycled.t[group] + group_cumsum(rng.integers(7 * DAY, 30 * DAY, len(group)), count)
        keep = t < until[group]
        self.activities.add(
            j=recycled.j[group][keep],
            owner=self.users.SYSTEM,
            type=AT["email"],
            direction=DIR["outbound"],
            auto=True,
            t=t[keep],
            outcome=OUTCOME["sent"],
        )

    def reenter(self, recycled: Cohort) -> tuple[Cohort, Cohort]:
        """~25% of recycled journeys come back weeks or months later at mql or sal."""
        rng, n = self.rng, len(recycled)
        back = rng.random(n) < 0.25
        t_back = recycled.t + rng.integers(21 * DAY, 150 * DAY, n)
        self.nurture(recycled, np.where(back, t_back, np.iinfo(np.int64).max))
        c = recycled.take(back)
        t_entry = self.cal.add(t_back[back], 0, self.jr["territory_eff"][c.j])
        owner, _ = self.initial_assignment(c.j, t_entry)
        c = Cohort(c.j, t_entry, owner)
        at_sal = rng.random(len(c)) < 0.4
        return c.take(~at_sal), c.take(at_sal)


# ----------------------------------------------------------------------------- post-processing


def _finish_events(rng, ev: dict, jr: dict, t0: int, t1: int) -> dict:
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


def _finish_activities(rng, act: dict, ev: dict, users: Users, t1: int) -> dict:
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
    order = np.lexsort((cols["order"], cols["j"], cols["t"]))
    return {k: v[order] for k, v in cols.items()}


# ----------------------------------------------------------------------------- string tables


def _ids(table: str, numbers: np.ndarray) -> pa.Array:
    prefix, digits = ID_FORMAT[table]
    text = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), digits, "0"
    )
    return pc.binary_join_element_wise(pa.scalar(prefix), text, "")


def _refs(ids: pa.Array, index: np.ndarray) -> pa.Array:
    index = np.asarray(index, dtype=np.int64)
    return ids.take(pa.array(index, mask=index < 0))


def _enum(values, codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def _timestamps(t: np.ndarray) -> pa.Array:
    t = np.asarray(t, dtype=np.int64)
    return pc.cast(pa.array(t, type=pa.timestamp("s"), mask=t < 0), pa.string())


def _dates(days: np.ndarray) -> pa.Array:
    days = np.asarray(days, dtype=np.int32)
    return pc.cast(pa.array(days, type=pa.date32()), pa.string())


def _numbers(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    return pc.cast(pa.array(values, mask=values < 0), pa.string())


def _booleans(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=bool)), pa.string())


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    names = TABLES_BY_NAME[name].column_names
    return pa.table([columns[c].cast(pa.string()) for c in names], names=names)


# ----------------------------------------------------------------------------- dirty rows

BAD_VALUES = {
    "bad_timestamp": ("2025-13-45 99:00", "not-a-timestamp", "2025-02-30 25:61:00"),
    "bad_date": ("not-a-date", "2025-02-30", "2025-13-01"),
    "bad_number": ("12,x", "abc", "1.2.3"),
    "bad_boolean": ("maybe", "tru", "2"),
    "bad_enum": ("unknown_value", "legacy_value"),
}


def _breakable(name: str) -> dict[str, list[str]]:
    """Reject kind -> columns of ``name`` that can carry it (PK excluded)."""
    table = TABLES_BY_NAME[name]
    kinds: dict[str, list[str]] = {reason: [] for reason in DIRTY_REASONS}
    kind_reason = {
        "timestamp": "bad_timestamp",
        "date": "bad_date",
        "number": "bad_number",
        "boolean": "bad_boolean",
        "enum": "bad_enum",
    }
    for col in table.columns:
        if col.name == table.primary_key:
            continue
        if col.required and col.kind in kind_reason:
            kinds[kind_reason[col.kind]].append(col.name)
        if col.required and col.kind != "id":
            kinds["missing_required"].append(col.name)
        if col.references:
            kinds["missing_parent"].append(col.name)
    kinds["duplicate_key"] = [table.primary_key]
    # One reference per table is enough and keeps each reject unambiguous: prefer the
    # required one (journey_id, account_id); users only has manager_id.
    required_refs = [c for c in kinds["missing_parent"] if table.column(c).required]
    if required_refs:
        kinds["missing_parent"] = required_refs
    return {reason: cols for reason, cols in kinds.items() if cols}


def _add_dirty(rng, name: str, good: pa.Table, dirty: float) -> tuple[pa.Table, dict[str, int]]:
    """Append ~dirty x rows broken copies of good rows, interleaved deterministically."""
    counts = dict.fromkeys(DIRTY_REASONS, 0)
    n = good.num_rows
    n_dirty = int(round(dirty * n))
    if n_dirty == 0 or n == 0:
        return good, counts
    kinds = _breakable(name)
    reasons = list(kinds)
    reason = rng.permutation(np.arange(n_dirty) % len(reasons))
    source = rng.integers(0, n, n_dirty)
    rows = good.take(pa.array(source))
    columns = {c: rows.column(c).combine_chunks() for c in rows.column_names}
    pk = TABLES_BY_NAME[name].primary_key
    fresh = n + 1 + np.arange(n_dirty)
    is_dup = reason == reasons.index("duplicate_key")
    ids = pc.if_else(pa.array(is_dup), columns[pk], _ids(name, fresh))
    columns[pk] = ids
    for r_index, r_name in enumerate(reasons):
        if r_name == "duplicate_key":
            continue
        hit = reason == r_index
        targets = kinds[r_name]
        which = rng.integers(0, len(targets), n_dirty)
        for k, col in enumerate(targets):
            mask = hit & (which == k)
            if not mask.any():
                continue
            if r_name == "missing_required":
                value = pa.nulls(n_dirty, pa.string())
            elif r_name == "missing_parent":
                prefix = ID_FORMAT[TABLES_BY_NAME[name].column(col).references][0]
                value = pa.array(
                    np.full(n_dirty, f"missing_{prefix}999", dtype=object), pa.string()
                )
            else:
                options = BAD_VALUES[r_name]
                value = pa.array(
                    np.array(options, dtype=object)[rng.integers(0, len(options), n_dirty)],
                    pa.string(),
                )
            columns[col] = pc.if_else(pa.array(mask), value, columns[col])
        counts[r_name] = int(hit.sum())
    counts["duplicate_key"] = int(is_dup.sum())

    # Interleave: a dirty row goes before good row `slot`; a duplicate after its original.
    slot = rng.integers(0, n + 1, n_dirty)
    slot = np.where(
        is_dup, source + 1 + (rng.random(n_dirty) * (n - source)).astype(np.int64), slot
    )
    key = np.concatenate([2 * np.arange(n) + 1, 2 * slot])
    tie = np.concatenate([np.zeros(n, dtype=np.int64), np.arange(n_dirty)])
    order = np.lexsort((tie, key))
    dirty_table = pa.table([columns[c] for c in good.column_names], names=good.column_names)
    combined = pa.concat_tables([good, dirty_table])
    return combined.take(pa.array(order)), counts


# ----------------------------------------------------------------------------- writing


def _write(con: duckdb.DuckDBPyConnection, table: pa.Table, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    con.register("_out", table)
    try:
        target = str(path).replace("'", "''")
        con.execute(f"COPY (SELECT * FROM _out) TO '{target}' (FORMAT csv, HEADER, DELIMITER ',')")
    finally:
        con.unregister("_out")


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add_task(self, *args, **kwargs):
        return 0

    def update(self, *args, **kwargs):
        pass

    def advance(self, *args, **kwargs):
        pass


def _progress(show: bool):
    if not show:
        return _NoProgress()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )


# ----------------------------------------------------------------------------- public API


def _validate(journeys, seed, start, months, dirty, fmt) -> None:
    def is_int(value):
        return isinstance(value, int | np.integer) and not isinstance(value, bool)

    if not is_int(journeys) or journeys < 1:
        raise ValueError(f"journeys must be an integer >= 1, got {journeys!r}")
    if not is_int(seed) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(start, date):
        raise ValueError(f"start must be a date, got {start!r}")
    if not is_int(months) or months < 1:
        raise ValueError(f"months must be an integer >= 1, got {months!r}")
    if not isinstance(dirty, int | float | np.floating) or not 0.0 <= float(dirty) < 0.5:
        raise ValueError(f"dirty must be a number in [0, 0.5), got {dirty!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")


def generate(
    out_dir: Path,
    journeys: int,
    seed: int = 7,
    start: date = date(2025, 1, 1),
    months: int = 18,
    dirty: float = 0.0,
    fmt: str = "csv",
    show_progress: bool = False,
) -> dict[str, int]:
    """Write the demo extract to out_dir (created if missing); return rows written per table
    (including dirty rows)."""
    _validate(journeys, seed, start, months, dirty, fmt)
    if isinstance(start, datetime):
        start = start.date()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    journeys = int(journeys)
    end = add_months(start, months)
    t0, t1 = epoch_seconds(start), epoch_seconds(end)
    rng = np.random.default_rng(seed)

    steps: list[tuple[str, Callable[[], None]]] = []
    state: dict = {}

    def people():
        state["cal"] = Calendars(t0, t1 + 800 * DAY, read_territory_calendars())
        state["codes"] = read_reason_codes()
        state["users"] = make_users(rng, journeys)
        state["accounts"], state["jr"] = make_accounts_and_journeys(
            rng, state["cal"], journeys, t0, t1
        )

    def funnel():
        jr, users, cal = state["jr"], state["users"], state["cal"]
        sim = _Simulation(rng, cal, users, jr, state["codes"], t0, t1)
        all_j = np.arange(journeys)
        created = jr["created"]
        owner, t_assign = sim.initial_assignment(all_j, created)
        at_sal = (jr["source"] == OUTBOUND) & (rng.random(journeys) < 0.75)
        inquiries = Cohort(all_j, created, owner).take(~at_sal)
        sals = Cohort(all_j, created, owner).take(at_sal)
        recycled = sim.run(inquiries, t_assign[~at_sal], Cohort.empty(), sals)
        mqls, sals = sim.reenter(recycled)
        recycled = sim.run(Cohort.empty(), np.empty(0, dtype=np.int64), mqls, sals)
        sim.nurture(recycled, np.full(len(recycled), np.iinfo(np.int64).max))
        state["sim"] = sim

    def tidy():
        sim, jr, users = state.pop("sim"), state["jr"], state["users"]
        ev = _finish_events(rng, sim.events.arrays(), jr, t0, t1)
        act = _finish_activities(rng, sim.activities.arrays(), ev, users, t1)
        asg = sim.assignments.arrays()
        asg = {k: v[asg["t"] < t1] for k, v in asg.items()}
        asg["order"] = np.arange(len(asg["t"]))
        won = ev["stage"] == ST["closed_won"]
        won_j = np.unique(ev["j"][won])
        con = sim.contracts.arrays()
        con = {k: v[np.isin(con["j"], won_j)] for k, v in con.items()}
        order = np.argsort(con["start"] * (journeys + 1) + con["j"], kind="stable")
        state["contracts"] = {k: v[order] for k, v in con.items()}
        sig = sim.signals.arrays()
        sig = {k: v[sig["t"] < t1] for k, v in sig.items()}
        sig["order"] = np.arange(len(sig["t"]))
        state["signals"] = _time_order(sig)
        state["events"] = _time_order(ev)
        state["activities"] = _time_order(act)
        state["assignments"] = _time_order(asg)

    steps = [
        ("Simulating people and accounts", people),
        ("Simulating the funnel", funnel),
        ("Adding CRM noise", tidy),
    ]

    rows: dict[str, int] = {}
    dirty_rows: dict[str, dict[str, int]] = {}
    ids: dict[str, pa.Array] = {}

    def build(name: str) -> pa.Table:
        users, accounts, jr = state["users"], state["accounts"], state["jr"]
        if name == "users":
            ids["users"] = _ids("users", np.arange(1, users.n + 1))
            return _table(
                name,
                {
                    "user_id": ids["users"],
                    "full_name": pa.array(users.full_name, pa.string()),
                    "email": pa.array(users.email, pa.string()),
                    "role": _enum(ROLES, users.role),
                    "team": _enum(TEAMS, users.team),
                    "manager_id": _refs(ids["users"], users.manager),
                    "territory": _enum(TERRITORIES, users.territory),
                    "is_active": _booleans(users.active),
                },
            )
        if name == "accounts":
            n = accounts["n"]
            ids["accounts"] = _ids("accounts", np.arange(1, n + 1))
            words = np.array(COMPANY_WORDS, dtype=object)
            kinds = np.array(COMPANY_KINDS, dtype=object)
            name_col = pc.binary_join_element_wise(
                pa.array(words[rng.integers(0, len(words), n)], pa.string()),
                pa.array(kinds[rng.integers(0, len(kinds), n)], pa.string()),
                pc.cast(pa.array(np.arange(1, n + 1)), pa.string()),
                " ",
            )
            return _table(
                name,
                {
                    "account_id": ids["accounts"],
                    "account_name": name_col,
                    "segment": _enum(SEGMENTS, accounts["segment"]),
                    "territory": _enum(TERRITORIES, accounts["territory"]),
                    "industry": _enum(INDUSTRIES, accounts["industry"]),
                    "created_at": _timestamps(accounts["created"]),
                },
            )
        if name == "journeys":
            ids["journeys"] = _ids("journeys", np.arange(1, journeys + 1))
            return _table(
                name,
                {
                    "journey_id": ids["journeys"],
                    "account_id": _refs(ids["accounts"], jr["account"]),
                    "created_at": _timestamps(jr["created"]),
                    "source": _enum(SOURCES, jr["source"]),
                    "intent_level": _enum(INTENT_LEVELS, jr["intent"]),
                    "segment": _enum(SEGMENTS, jr["segment"]),
                    "territory": _enum(TERRITORIES, jr["territory"]),
                    "product_line": _enum(PRODUCT_LINES, jr["product"]),
                },
            )
        if name == "stage_events":
            ev = state.pop("events")
            return _table(
                name,
                {
                    "event_id": _ids(name, np.arange(1, len(ev["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], ev["j"]),
                    "stage": _enum(STAGES, ev["stage"]),
                    "occurred_at": _timestamps(ev["t"]),
                    "owner_id": _refs(ids["users"], ev["owner"]),
                    "reason_code": _enum(state["codes"].names, ev["reason"]),
                },
            )
        if name == "assignments":
            asg = state.pop("assignments")
            return _table(
                name,
                {
                    "assignment_id": _ids(name, np.arange(1, len(asg["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], asg["j"]),
                    "owner_id": _refs(ids["users"], asg["owner"]),
                    "assigned_at": _timestamps(asg["t"]),
                    "method": _enum(ASSIGNMENT_METHODS, asg["method"]),
                    "reason": _enum(ASSIGNMENT_REASONS, asg["reason"]),
                },
            )
        if name == "activities":
            act = state.pop("activities")
            return _table(
                name,
                {
                    "activity_id": _ids(name, np.arange(1, len(act["t"]) + 1)),
                    "journey_id": _refs(ids["journeys"], act["j"]),
                    "owner_id": _refs(ids["users"], act["owner"]),
                    "activity_type": _enum(ACTIVITY_TYPES, act["type"]),
                    "direction": _enum(DIRECTIONS, act["direction"]),
                    "is_automated": _booleans(act["auto"]),
                    "occurred_at": _timestamps(act["t"]),
                    "outcome": _enum(OUTCOMES, act["outcome"]),
                    "scheduled_for": _timestamps(act["scheduled"]),
                },
            )
        if name == "contracts":
            con = state.pop("contracts")
            return _table(
                name,
                {
                    "contract_id": _ids(name, np.arange(1, len(con["j"]) + 1)),
                    "journey_id": _refs(ids["journeys"], con["j"]),
                    "account_id": _refs(ids["accounts"], jr["account"][con["j"]]),
                    "start_date": _dates(con["start"]),
                    "end_date": _dates(con["end"]),
                    "arr": _numbers(con["arr"]),
                    "renewal_status": _enum(RENEWAL_STATUSES, con["status"]),
                    "renewal_arr": _numbers(con["renewal_arr"]),
                },
            )
        sig = state.pop("signals")
        return _table(
            name,
            {
                "signal_id": _ids(name, np.arange(1, len(sig["t"]) + 1)),
                "journey_id": _refs(ids["journeys"], sig["j"]),
                "detected_at": _timestamps(sig["t"]),
                "signal_type": _enum(SIGNAL_TYPES, sig["type"]),
                "severity": _enum(SEVERITIES, sig["severity"]),
            },
        )

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")  # our own bar, or none
    try:
        with _progress(show_progress) as progress:
            task = progress.add_task("Generating", total=len(steps) + len(TABLE_NAMES))
            for label, step in steps:
                progress.update(task, description=label)
                step()
                progress.advance(task)
            for name in TABLE_NAMES:
                progress.update(task, description=f"Writing {name}")
                table, counts = _add_dirty(rng, name, build(name), dirty)
                _write(con, table, out_dir / f"{name}.{fmt}", fmt)
                rows[name] = table.num_rows
                dirty_rows[name] = counts
                del table
                progress.advance(task)
    finally:
        con.close()

    manifest = {
        "seed": seed,
        "journeys": journeys,
        "start": start.isoformat(),
        "months": months,
        "dirty": dirty,
        "format": fmt,
        "end": end.isoformat(),
        "contract_version": 1,
        "rows": rows,
        "dirty_rows": dirty_rows,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return rows
