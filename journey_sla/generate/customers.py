"""After the sale: contract, onboarding, adoption, renewal, churn and risk signals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from journey_sla.generate.actions import Actions
from journey_sla.generate.collectors import Cohort
from journey_sla.generate.constants import (
    AM_TEAM,
    AT,
    BD,
    BH,
    CS_TEAM,
    DAY,
    DIR,
    HOUR,
    METHOD,
    OUTCOME,
    ST,
)
from journey_sla.generate.draws import choice, choice_rows, group_cumsum, group_positions, lognormal

# Adoption check-ins: the checkpoints of the shipped policy adoption_check_ins (7|30|60|90
# days after adoption entry), with the entry as the first window's start.
CHECK_IN_DAYS = (0, 7, 30, 60, 90)


class CustomerStages(Actions):
    """Everything that happens to a closed-won journey. The steps run in a fixed order
    because each draws from the shared generator: same seed, same bytes."""

    def closed_won(self, c: Cohort) -> None:
        if len(c) == 0:
            return
        j, t, ae = c.j, c.t, c.owner
        self.events.add(j=j, stage=ST["closed_won"], t=t, owner=ae)
        territory = self.jr["territory_eff"][j]
        end_day, status, churn_prone = self._contract(j, t, self.jr["segment_eff"][j])
        cs, t_cs, t_onb = self._onboarding(j, t, ae, territory)
        self._kickoff(j, cs, t_cs, t_onb)
        self._adoption(j, cs, t_onb)
        end_ts = end_day * DAY
        am, t_am, t_churn = self._renewal(j, territory, end_ts, status)
        self._risk_signals(
            j,
            cs,
            am,
            t_onb,
            t_am,
            horizon=np.where(status == 1, t_churn, end_ts),
            prone=churn_prone,
        )

    def _contract(self, j, t, segment):
        """One contract per closed-won journey, a 12-month term; returns (end day,
        renewal status, churn-prone flag)."""
        rng, n = self.rng, len(j)
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
        return end_day, status, churn_prone

    def _onboarding(self, j, t, ae, territory):
        """Customer success takes over. The CSM usually owns the customer before onboarding
        starts, sometimes only days later (a slow AE -> CS handoff); returns (CSM, handoff
        time, onboarding start)."""
        rng, cal, n = self.rng, self.cal, len(j)
        ae_cal = self.ucal(ae)
        cs = self.users.pick(CS_TEAM, territory, self.later(t), rng.random(n))
        slow_handoff = rng.random(n) < 0.2
        handoff = np.where(slow_handoff, rng.uniform(2, 6, n) * BD, rng.uniform(0.1, 8, n) * BH)
        t_cs = cal.add(t, handoff, ae_cal)
        self.assignments.add(j=j, owner=cs, t=t_cs, method=METHOD["rule"])
        t_onb = cal.add(t, rng.uniform(0.5, 4, n) * BD, ae_cal)
        self.events.add(j=j, stage=ST["onboarding"], t=t_onb, owner=np.where(t_cs <= t_onb, cs, ae))
        return cs, t_cs, t_onb

    def _kickoff(self, j, cs, t_cs, t_onb) -> None:
        """Kickoff booked within days (weeks for some CSMs), then held; then a success plan."""
        rng, cal, n = self.rng, self.cal, len(j)
        cs_cal = self.ucal(cs)
        late = rng.random(n) < self.users.late_kickoff[cs]
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

    def _adoption(self, j, cs, t_onb) -> None:
        """Adoption starts weeks later; first value follows within a month, or later; the
        CSM checks in around the playbook's checkpoints (``_check_ins``)."""
        rng, cal, n = self.rng, self.cal, len(j)
        cs_cal = self.ucal(cs)
        t_adopt = cal.add(t_onb, rng.uniform(15, 40, n) * BD, cs_cal)
        self.events.add(j=j, stage=ST["adoption"], t=t_adopt, owner=cs)
        slow_value = rng.random(n) < 0.15 + self.users.late_kickoff[cs]
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
        self._check_ins(j, cs, t_adopt)

    def _check_ins(self, j, cs, t_adopt) -> None:
        """One check-in per window between the adoption_check_ins checkpoints (day 0, 7, 30,
        60, 90 of adoption): in the window for most; after its end (late: it also counts for
        the next window) or not at all for a CSM's ``late_check_in`` share, four late ones
        in ten missed. A call, an e-mail or a held meeting."""
        rng, cal = self.rng, self.cal
        bounds = np.array(CHECK_IN_DAYS) * DAY
        windows = len(bounds) - 1
        group, pos = group_positions(np.full(len(j), windows))
        k = len(group)
        owner = cs[group]
        owner_cal = self.ucal(owner)
        opens_at = t_adopt[group] + bounds[pos]
        due_at = t_adopt[group] + bounds[pos + 1]
        u = rng.random(k)
        off = self.users.late_check_in[owner]
        missed, late = u < 0.4 * off, u < off
        in_time = opens_at + ((due_at - opens_at) * rng.uniform(0.1, 0.85, k)).astype(np.int64)
        after = due_at + (rng.uniform(0.5, 12, k) * DAY).astype(np.int64)
        t_check = cal.add(np.where(late, after, in_time), 0, owner_cal)
        kinds, outcome = self.touch_types(k, (0.5, 0.35, 0.0))
        meeting = rng.random(k) < 0.15
        kinds = np.where(meeting, AT["meeting"], kinds)
        outcome = np.where(meeting, OUTCOME["held"], outcome)
        done = ~missed
        self.outbound(j[group][done], owner[done], t_check[done], kinds[done], outcome[done])

    def _renewal(self, j, territory, end_ts, status):
        """An AM takes over and the renewal stage starts 60-120 days before the term ends
        (a quarter of them start late, 20-59 days before); churners churn before the end.
        Returns (AM, AM assignment time, churn time)."""
        rng, cal, n = self.rng, self.cal, len(j)
        lead_days = np.where(rng.random(n) < 0.75, rng.uniform(60, 120, n), rng.uniform(20, 59, n))
        t_renewal_raw = end_ts - (lead_days * DAY).astype(np.int64)
        am = self.users.pick(AM_TEAM, territory, self.later(t_renewal_raw), rng.random(n))
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
        return am, t_am, t_churn

    def _risk_signals(self, j, cs, am, t_onb, t_am, horizon, prone) -> None:
        """Risk signals between onboarding and ``horizon`` (churn or term end): ~30% of
        customers, more (and more severe) for the churn-``prone``; answered by the CSM, or
        the AM once the renewal is theirs, within a day or two, sometimes late, sometimes
        never."""
        rng, n = self.rng, len(j)
        has = rng.random(n) < np.where(prone, 0.7, 0.2)
        count = np.where(has, np.where(prone, rng.integers(2, 4, n), rng.integers(1, 3, n)), 0)
        group, _ = group_positions(count)
        k = len(group)
        t_sig = t_onb[group] + ((horizon[group] - t_onb[group]) * rng.random(k)).astype(np.int64)
        sig_type = choice(rng, k, (0.30, 0.20, 0.10, 0.10, 0.20, 0.10))
        severity_probs = np.where(prone[group, None], [[0.2, 0.35, 0.45]], [[0.5, 0.4, 0.1]])
        severity = choice_rows(rng, severity_probs)  # low, medium, high
        self.signals.add(j=j[group], t=t_sig, type=sig_type, severity=severity)
        responder = np.where(t_sig >= t_am[group], am[group], cs[group])
        answer = choice(rng, k, (0.75, 0.15, 0.10))
        delay = np.where(answer == 0, rng.uniform(0.5, 16, k) * BH, rng.uniform(4, 10, k) * BD)
        t_answer = self.cal.add(t_sig, delay, self.ucal(responder))
        kinds, outcome = self.touch_types(k, (0.6, 0.4, 0.0))
        a = answer < 2
        self.outbound(j[group][a], responder[a], t_answer[a], kinds[a], outcome[a])
