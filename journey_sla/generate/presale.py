"""Funnel stages before the sale: inquiry, mql, sal, sql and opportunity."""

from __future__ import annotations

import numpy as np

from journey_sla.generate.actions import Actions
from journey_sla.generate.collectors import Cohort
from journey_sla.generate.constants import (
    AE_TEAM_BY_SEGMENT,
    AT,
    BD,
    BH,
    CHAT,
    DAY,
    DIR,
    HOUR,
    METHOD,
    MINUTE,
    OUTBOUND,
    OUTCOME,
    SDR_TEAM_BY_TERRITORY,
    ST,
)
from journey_sla.generate.draws import choice, group_cumsum, group_positions, lognormal

STAGE_SKIP_SHARE = 0.03  # sal -> sql or sql -> opportunity with the middle stage unrecorded


class PreSaleStages(Actions):
    """Inquiry to opportunity: each stage takes the cohort entering it and returns the
    cohort moving on (an opportunity moves on when won) plus the journeys it recycled."""

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

        # The SDR books the discovery meeting after the connecting attempt and before the
        # handover (entry criterion sql_discovery_booked), for a time 0.5-6 business days
        # after the SQL; the SDR's discipline decides how many SQLs go over without one.
        booked = progress & (rng.random(n) >= users.skips_discovery[owner])
        from_last = cal.open_before(t_last, owner_cal)
        to_sql = cal.open_before(t_sql, owner_cal) - from_last
        t_book = cal.at(from_last + rng.uniform(0.1, 0.9, n) * to_sql, owner_cal)
        t_discovery = cal.add(t_sql, rng.uniform(0.5, 6, n) * BD, owner_cal)
        self.book_meeting(j[booked], owner[booked], t_book[booked], t_discovery[booked])
        self.discovery_at[j[progress]] = np.where(booked, t_discovery, -1)[progress]
        # Now and then a rep moves a lead on to sql without recording the sal (entry criterion
        # sql_after_sal fails); never for a journey that starts at sal (nothing before it).
        skipped = progress & (t != self.jr["created"][j]) & (rng.random(n) < STAGE_SKIP_SHARE)
        kept = ~skipped
        self.events.add(j=j[kept], stage=ST["sal"], t=t[kept], owner=owner[kept])
        return Cohort(j[progress], t_sql[progress], owner[progress]), recycled

    def sql(self, c: Cohort) -> tuple[Cohort, Cohort]:
        if len(c) == 0:
            return Cohort.empty(), Cohort.empty()
        rng, cal, users, n = self.rng, self.cal, self.users, len(c)
        j, t, sdr = c.j, c.t, c.owner
        # Handoff to an AE of the segment's team: usually hours, sometimes days.
        team = AE_TEAM_BY_SEGMENT[self.jr["segment_eff"][j]]
        ae = users.pick(team, self.jr["territory_eff"][j], self.later(t), rng.random(n))
        slow = rng.random(n) < 0.12
        handoff = np.where(slow, rng.uniform(2, 6, n) * BD, lognormal(rng, 1.5 * BH, 0.9, n))
        t_ae = cal.add(t, handoff, self.ucal(sdr))
        method = choice(rng, n, (0.80, 0.15, 0.05))

        ae_cal = self.ucal(ae)
        # The discovery meeting: the one the SDR booked, unless there was none or the AE
        # took over too late for it (less than two hours before); then the AE books one.
        t_discovery = self.discovery_at[j]
        ae_books = (t_discovery < 0) | (t_ae > t_discovery - 2 * HOUR)
        t_booked = cal.add(t_ae, lognormal(rng, 4 * BH, 0.8, n), ae_cal)
        t_meeting = np.where(
            ae_books, cal.add(t_booked, rng.uniform(1, 5, n) * BD, ae_cal), t_discovery
        )
        no_show = rng.random(n) < 0.15
        self.book_meeting(j[ae_books], ae[ae_books], t_booked[ae_books], t_meeting[ae_books])
        self.meeting_outcome(
            j, ae, t_meeting, np.where(no_show, OUTCOME["no_show"], OUTCOME["held"])
        )
        t_rebooked = cal.add(
            t_meeting[no_show], rng.uniform(0.2, 4, no_show.sum()) * BH, ae_cal[no_show]
        )
        t_held = t_meeting.copy()
        t_held[no_show] = cal.add(
            t_rebooked, rng.uniform(1, 5, no_show.sum()) * BD, ae_cal[no_show]
        )
        self.meeting(j[no_show], ae[no_show], t_rebooked, t_held[no_show], OUTCOME["held"])
        t_follow, _ = self.follow_up(j, ae, t_held)

        progress = rng.random(n) < np.where(slow, 0.55, 0.72)
        # Likewise an AE now and then opens the opportunity with no sql recorded
        # (opportunity_after_discovery fails); only for journeys that become opportunities.
        kept = ~(progress & (rng.random(n) < STAGE_SKIP_SHARE))
        self.events.add(j=j[kept], stage=ST["sql"], t=t[kept], owner=sdr[kept])
        # ... and takes it over by hand: no routing rule hands an AE a journey at sal.
        method = np.where(kept, method, METHOD["manual"])
        self.assignments.add(j=j, owner=ae, t=t_ae, method=method)
        t_opp = cal.add(t_follow, rng.uniform(0.5, 4, n) * BD, ae_cal)
        t_exit = cal.add(t_follow, rng.uniform(2, 15, n) * BD, ae_cal)
        recycled = self.exits(
            Cohort(j, t_exit, ae).take(~progress),
            t_exit[~progress],
            (0.70, 0.20, 0.10),
            ("closed_lost", "recycled", None),
        )
        return Cohort(j[progress], t_opp[progress], ae[progress]), recycled

    def follow_up(self, j, ae, t_held) -> tuple[np.ndarray, np.ndarray]:
        """Follow-up after a held meeting: within hours, or late for sloppy AEs; returns
        (follow-up time, is late)."""
        rng, cal, n = self.rng, self.cal, len(j)
        late = rng.random(n) < self.users.late_followup[ae]
        delay = np.where(late, rng.uniform(1.5, 6, n) * BD, rng.uniform(0.25, 4, n) * BH)
        t_follow = cal.add(t_held, delay, self.ucal(ae))
        kinds = np.where(rng.random(n) < 0.8, AT["email"], AT["call"])
        outcome = np.where(kinds == AT["email"], OUTCOME["sent"], OUTCOME["connected"])
        self.outbound(j, ae, t_follow, kinds, outcome)
        return t_follow, late

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
        last = np.cumsum(steps) - 1
        t_close = cal.add(t_step[last], rng.uniform(1, 5, n) * BD, ae_cal)

        kind = choice(rng, m, (0.35, 0.30, 0.35))  # meeting, call, email
        mt = kind == 0
        prev = np.concatenate([[0], t_step[:-1]])
        prev = np.where(pos == 0, t[group], prev)
        late_booking = self._next_steps(j, ae, t, t_close, group, t_step, prev, mt, stalled)
        _, late_follow_up = self.follow_up(j[group[mt]], ae[group[mt]], t_step[mt])
        touch = ~mt
        kinds, outcome = self.touch_types(int(touch.sum()), (0.46, 0.54, 0.0))
        outcome = np.where(
            (kinds == AT["call"]) & (rng.random(touch.sum()) < 0.5), OUTCOME["connected"], outcome
        )
        self.outbound(j[group[touch]], ae[group[touch]], t_step[touch], kinds, outcome)

        # Stalled deals, and deals whose next steps were booked or followed up late, are won
        # less often: the chance falls with the share of the AE's bookings and follow-ups
        # that came late.
        late = np.bincount(group[mt], weights=late_follow_up, minlength=n) + late_booking[0]
        done = np.bincount(group[mt], minlength=n) + late_booking[1]
        won = rng.random(n) < np.where(stall, 0.20, 0.38) * (1 - 0.35 * late / done)
        self.exits(
            Cohort(j, t_close, ae).take(~won), t_close[~won], (0.85, 0.15), ("closed_lost", None)
        )
        return Cohort(j[won], t_close[won], ae[won]), Cohort.empty()

    def _next_steps(
        self, j, ae, t, t_close, group, t_step, prev, mt, stalled
    ) -> tuple[np.ndarray, np.ndarray]:
        """Meeting bookings through an opportunity (the next_step clock's coverage); returns
        per journey (bookings made late, bookings).

        At entry and after every held meeting (an anchor) the AE books the next meeting, or,
        for the last anchor, the decision meeting at the close. A disciplined AE logs the
        booking at the anchor or within two business hours (the visit stays covered);
        otherwise, and always before a stalled step, it is logged about three days before
        the meeting (a gap from the anchor to the booking), and a third of the bookings for
        the close never happen. ``group``/``t_step``/``prev``/``mt``/``stalled`` describe the
        steps (journey, time, previous step or entry, is a meeting, follows a stall)."""
        rng, cal, n = self.rng, self.cal, len(j)
        # The latest meeting step before each step, per journey: a running maximum over keys
        # that put each journey above every earlier one (0 = no meeting yet: the entry).
        span = np.int64(1) << np.int64(36)  # more seconds than the simulation spans
        base = self.t0 - 10 * DAY
        key = group * span + np.where(mt, t_step - base + 1, 0)
        seen = np.maximum.accumulate(key)
        before = np.concatenate([[-1], seen[:-1]]) - group * span
        anchor = np.where(before > 0, before - 1 + base, t[group])
        last = np.cumsum(np.bincount(group, minlength=n)) - 1
        at_close = seen[last] - np.arange(n) * span
        close_anchor = np.where(at_close > 0, at_close - 1 + base, t)

        who = np.concatenate([group[mt], np.arange(n)])
        owner = ae[who]
        owner_cal = self.ucal(owner)
        from_at = np.concatenate([anchor[mt], close_anchor])
        for_at = np.concatenate([t_step[mt], t_close])
        after = np.concatenate([prev[mt], t_step[last]])
        is_close = np.arange(len(who)) >= mt.sum()
        k = len(who)
        on_time = (rng.random(k) < self.users.books_next_step[owner]) & ~np.concatenate(
            [stalled[mt], np.zeros(n, dtype=bool)]
        )
        during = rng.random(k) < 0.3  # logged in the meeting itself: no gap at all
        t_on = np.where(during, from_at, cal.add(from_at, rng.uniform(0.05, 2, k) * BH, owner_cal))
        t_late = np.clip(
            cal.add(for_at - 3 * DAY, rng.uniform(0, 6, k) * BH, owner_cal), after + 1, for_at
        )
        t_booked = np.minimum(np.where(on_time, t_on, t_late), for_at - MINUTE)
        never = is_close & ~on_time & (rng.random(k) < 1 / 3)
        self.book_meeting(j[who][~never], owner[~never], t_booked[~never], for_at[~never])
        self.meeting_outcome(
            j[who][~is_close], owner[~is_close], for_at[~is_close], OUTCOME["held"]
        )
        late = np.bincount(who, weights=~on_time, minlength=n)
        return late, np.bincount(who, minlength=n)
