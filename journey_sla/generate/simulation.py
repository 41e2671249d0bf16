"""The whole funnel: a first pass, re-entry of recycled journeys, a second pass, nurture."""

from __future__ import annotations

import numpy as np

from journey_sla.generate.calendars import Calendars
from journey_sla.generate.collectors import Cohort
from journey_sla.generate.constants import AT, DAY, DIR, OUTBOUND, OUTCOME
from journey_sla.generate.customers import CustomerStages
from journey_sla.generate.draws import choice, group_cumsum, group_positions
from journey_sla.generate.people import Users
from journey_sla.generate.presale import PreSaleStages
from journey_sla.generate.reason_codes import ReasonCodes


class Simulation(PreSaleStages, CustomerStages):
    """The funnel from first inquiry to renewal, plus recycling and re-entry."""

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


def simulate_funnel(
    rng, cal: Calendars, users: Users, jr: dict, codes: ReasonCodes, t0: int, t1: int
) -> Simulation:
    """Every journey through the funnel twice: once from creation, once more for the
    recycled journeys that come back. Returns the simulation holding the emitted rows."""
    journeys = len(jr["created"])
    sim = Simulation(rng, cal, users, jr, codes, t0, t1)
    all_j = np.arange(journeys)
    created = jr["created"]
    owner, t_assign = sim.initial_assignment(all_j, created)
    # Most outbound journeys start as accepted leads (sal), not as inquiries.
    at_sal = (jr["source"] == OUTBOUND) & (rng.random(journeys) < 0.75)
    inquiries = Cohort(all_j, created, owner).take(~at_sal)
    sals = Cohort(all_j, created, owner).take(at_sal)
    recycled = sim.run(inquiries, t_assign[~at_sal], Cohort.empty(), sals)
    mqls, sals = sim.reenter(recycled)
    recycled = sim.run(Cohort.empty(), np.empty(0, dtype=np.int64), mqls, sals)
    sim.nurture(recycled, np.full(len(recycled), np.iinfo(np.int64).max))
    return sim
