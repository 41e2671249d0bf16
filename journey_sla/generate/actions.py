"""The simulation's state and the actions every funnel stage repeats."""

from __future__ import annotations

import numpy as np

from journey_sla.generate.calendars import Calendars
from journey_sla.generate.collectors import Cohort, Rows
from journey_sla.generate.constants import (
    AT,
    BH,
    DIR,
    OUTCOME,
    SDR_TEAM_BY_TERRITORY,
    ST,
)
from journey_sla.generate.draws import choice
from journey_sla.generate.people import Users
from journey_sla.generate.reason_codes import ReasonCodes


class Actions:
    """What the funnel stages share: the inputs, the rows they emit (events, activities,
    assignments, contracts, signals) and the actions every stage repeats (route, touch,
    meet, exit). The stages live in presale.py and customers.py; simulation.py joins them.
    Every method handles a whole cohort of journeys at once."""

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
        # The discovery meeting the SDR booked before handing the journey over as an SQL
        # (-1: none), written by the sal stage and read by the sql stage of the same pass.
        self.discovery_at = np.full(len(jr["created"]), -1, dtype=np.int64)

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

    def book_meeting(self, j, owner, t_booked, t_meeting):
        """A meeting booked at ``t_booked`` for ``t_meeting``: the row that books a next step
        (a Salesforce Event with its StartDateTime, a HubSpot meeting with its start time)."""
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

    def meeting_outcome(self, j, owner, t_meeting, outcome):
        self.activities.add(
            j=j,
            owner=owner,
            type=AT["meeting"],
            direction=DIR["outbound"],
            auto=False,
            t=t_meeting,
            outcome=outcome,
        )

    def meeting(self, j, owner, t_booked, t_meeting, held_outcome):
        self.book_meeting(j, owner, t_booked, t_meeting)
        self.meeting_outcome(j, owner, t_meeting, held_outcome)

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
