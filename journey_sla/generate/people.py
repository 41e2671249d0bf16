"""The people: users in teams and territories, and the accounts and journeys they work."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journey_sla.contract import ROLES, SEGMENTS
from journey_sla.generate.calendars import Calendars
from journey_sla.generate.constants import (
    DAY,
    HOUR,
    INTENT_BY_SOURCE,
    LATAM,
    N_FIXED_USERS,
    OUTBOUND,
    SEGMENT_SHARE,
    SOURCE_SHARE,
    TEAM_MIN,
    TEAM_ROLE,
    TEAM_TERRITORY,
    TEAM_WEIGHT,
    TEAMS,
    TERRITORIES,
    TERRITORY_SHARE,
)
from journey_sla.generate.draws import choice, choice_rows


@dataclass
class Users:
    n: int
    role: np.ndarray
    team: np.ndarray  # -1 = none
    manager: np.ndarray  # -1 = none
    territory: np.ndarray  # -1 = none
    active: np.ndarray
    cal: np.ndarray
    speed: np.ndarray  # SDR response-time multiplier
    lazy: np.ndarray  # SDR gives up early / uses one channel
    late_followup: np.ndarray  # AE: P(follow-up after a meeting comes late)
    late_kickoff: np.ndarray  # CS: P(kickoff is scheduled late)
    skips_discovery: np.ndarray  # SDR: P(an SQL is handed over with no discovery meeting booked)
    books_next_step: np.ndarray  # AE: P(the next step is booked right after a meeting)
    late_check_in: np.ndarray  # CS: P(an adoption check-in comes late or not at all)
    full_name: np.ndarray
    email: np.ndarray
    pool_members: np.ndarray
    pool_offset: np.ndarray
    pool_count: np.ndarray

    SYSTEM = 0

    def pick(self, team, territory, late, u) -> np.ndarray:
        """A member of ``team`` working ``territory`` (active only if ``late``)."""
        key = self._key(team, territory, late)
        pos = np.floor(u * self.pool_count[key]).astype(np.int64)
        return self.pool_members[self.pool_offset[key] + pos]

    def pick_other(self, team, territory, late, u, current) -> np.ndarray:
        """Like ``pick`` but never ``current`` (when the pool has someone else)."""
        key = self._key(team, territory, late)
        count = self.pool_count[key]
        pos = np.floor(u * count).astype(np.int64)
        chosen = self.pool_members[self.pool_offset[key] + pos]
        nxt = self.pool_members[self.pool_offset[key] + (pos + 1) % count]
        return np.where(chosen == current, nxt, chosen)

    @staticmethod
    def _key(team, territory, late):
        territory = np.where(np.asarray(territory) == LATAM, 0, territory)
        return (np.asarray(team) * len(TERRITORIES) + territory) * 2 + np.asarray(late)


FIRST_NAMES = (
    "Ava",
    "Ben",
    "Chloe",
    "Diego",
    "Emma",
    "Felix",
    "Grace",
    "Hiro",
    "Isla",
    "Jonas",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wei",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Carmen",
    "Dev",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jamal",
    "Kenji",
    "Lena",
    "Mateo",
    "Nina",
)
LAST_NAMES = (
    "Adams",
    "Becker",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Meyer",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Wong",
    "Xu",
    "Yilmaz",
    "Zimmer",
    "Alvarez",
    "Brown",
    "Costa",
    "Dias",
)

COMPANY_WORDS = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Wonka",
    "Gringotts",
    "Monarch",
    "Nakatomi",
)
COMPANY_KINDS = (
    "Labs",
    "Systems",
    "Group",
    "Partners",
    "Holdings",
    "Works",
    "Analytics",
    "Logistics",
)


def _team_sizes(n_members: int) -> list[int]:
    raw = np.array(TEAM_WEIGHT) * n_members
    sizes = np.maximum(np.floor(raw).astype(int), TEAM_MIN)
    frac_order = np.argsort(-(raw - np.floor(raw)), kind="stable")
    i = 0
    while sizes.sum() < n_members:
        sizes[frac_order[i % len(TEAMS)]] += 1
        i += 1
    while sizes.sum() > n_members:
        candidates = np.where(sizes > np.array(TEAM_MIN))[0]
        sizes[candidates[np.argmax(sizes[candidates])]] -= 1
    return sizes.tolist()


def make_users(rng: np.random.Generator, journeys: int) -> Users:
    n = max(30, journeys // 400 + 40)
    sizes = _team_sizes(n - N_FIXED_USERS)
    role = [ROLES.index("system"), ROLES.index("manager")]
    team, manager, territory = [-1, -1], [-1, -1], [-1, 0]  # -2 below: drawn at random
    is_member = [False, False]
    for t, size in enumerate(sizes):
        manager_idx = len(role)
        team_territory = TEAM_TERRITORY[t]
        role.append(ROLES.index("manager"))
        team.append(t)
        manager.append(-1 if TEAMS[t] == "marketing" else 1)  # team managers report to the VP
        territory.append(team_territory if team_territory >= 0 else -2)
        is_member.append(False)
        role.extend([ROLES.index(TEAM_ROLE[t])] * size)
        team.extend([t] * size)
        manager.extend([manager_idx] * size)
        territory.extend([team_territory if team_territory >= 0 else -2] * size)
        is_member.extend([True] * size)
    role_a = np.array(role, dtype=np.int64)
    team_a = np.array(team, dtype=np.int64)
    territory_a = np.array(territory, dtype=np.int64)
    member = np.array(is_member)
    # Everyone outside the SDR teams lives in one of the four mapped territories.
    free = territory_a == -2
    territory_a[free] = choice(rng, int(free.sum()), TERRITORY_SHARE[:4])

    active = np.ones(n, dtype=bool)
    for t in range(len(TEAMS)):  # ~5% have left; every team keeps at least two active
        idx = np.where(member & (team_a == t))[0]
        n_off = min(int(round(0.05 * len(idx) + rng.random() * 0.5)), max(0, len(idx) - 2))
        if n_off:
            active[rng.choice(idx, size=n_off, replace=False)] = False

    cal = np.where(territory_a < 0, 0, territory_a)
    is_sdr = role_a == ROLES.index("sdr")
    speed = np.exp(0.35 * rng.standard_normal(n)) * np.where(rng.random(n) < 0.2, 3.5, 1.0)
    lazy = is_sdr & (rng.random(n) < 0.25)
    late_followup = rng.uniform(0.05, 0.35, n)
    late_kickoff = rng.uniform(0.03, 0.30, n)
    # Discipline knobs of issue 8's rules (stage entry criteria, next steps, check-ins): most
    # people follow the playbook most of the time; lazy SDRs skip the discovery booking more
    # often, and about a third of the AEs book next steps only now and then.
    skips_discovery = rng.uniform(0.04, 0.18, n) + np.where(lazy, 0.15, 0.0)
    books_next_step = np.where(
        rng.random(n) < 0.3, rng.uniform(0.30, 0.65, n), rng.uniform(0.80, 0.98, n)
    )
    late_check_in = rng.uniform(0.05, 0.35, n)

    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    full_name = np.char.add(np.char.add(first, " "), last).astype(object)
    number = np.char.mod("%d", np.arange(1, n + 1))
    local = np.char.add(np.char.add(np.char.lower(first), "."), np.char.lower(last))
    email = np.char.add(np.char.add(local, number), "@example.com").astype(object)
    full_name[0], email[0] = "Automation Bot", "automation@example.com"
    full_name[1] = "Vera Vance"
    email[1] = "vera.vance@example.com"

    members, offsets, counts = [], [], []
    offset = 0
    for t in range(len(TEAMS)):
        for terr in range(len(TERRITORIES)):
            for late in (0, 1):
                ok = member & (team_a == t) & (active if late else True)
                pool = np.where(ok & (territory_a == terr))[0]
                if len(pool) == 0:
                    pool = np.where(ok)[0]
                members.append(pool)
                offsets.append(offset)
                counts.append(len(pool))
                offset += len(pool)
    return Users(
        n=n,
        role=role_a,
        team=team_a,
        manager=np.array(manager, dtype=np.int64),
        territory=territory_a,
        active=active,
        cal=cal,
        speed=speed,
        lazy=lazy,
        late_followup=late_followup,
        late_kickoff=late_kickoff,
        skips_discovery=skips_discovery,
        books_next_step=books_next_step,
        late_check_in=late_check_in,
        full_name=full_name,
        email=email,
        pool_members=np.concatenate(members).astype(np.int64),
        pool_offset=np.array(offsets, dtype=np.int64),
        pool_count=np.array(counts, dtype=np.int64),
    )


def make_accounts_and_journeys(rng, cal: Calendars, n_journeys: int, t0: int, t1: int):
    n_acc = max(1, int(round(n_journeys * 0.7)))
    acc_segment = choice(rng, n_acc, SEGMENT_SHARE)
    acc_territory = choice(rng, n_acc, TERRITORY_SHARE)
    acc_industry = choice(rng, n_acc, (0.22, 0.14, 0.11, 0.12, 0.1, 0.08, 0.07, 0.09, 0.07))
    # ~4% of accounts have no industry filled in (entry criterion renewal_account_industry_set).
    acc_industry = np.where(rng.random(n_acc) < 0.04, -1, acc_industry)
    weight = np.array([1.0, 1.4, 2.0])[acc_segment]
    account = np.searchsorted(np.cumsum(weight / weight.sum()), rng.random(n_journeys), "right")
    account = np.minimum(account, n_acc - 1)

    source = choice(rng, n_journeys, SOURCE_SHARE)
    intent = choice_rows(rng, INTENT_BY_SOURCE[source])
    product = np.where(
        rng.random(n_journeys) < 0.03, -1, choice(rng, n_journeys, (0.55, 0.30, 0.15))
    )

    def override(values, k):  # ~10% filled in, 30% of those differ from the account
        filled = rng.random(n_journeys) < 0.10
        differ = filled & (rng.random(n_journeys) < 0.30)
        own = np.where(differ, (values + rng.integers(1, k, n_journeys)) % k, values)
        return np.where(filled, own, -1)

    j_segment = override(acc_segment[account], len(SEGMENTS))
    j_territory = override(acc_territory[account], len(TERRITORIES))
    segment_eff = np.where(j_segment >= 0, j_segment, acc_segment[account])
    territory_eff = np.where(j_territory >= 0, j_territory, acc_territory[account])

    # created_at: busier towards the end; mostly local business hours, else any time.
    a = 0.6

    def ramp(n):
        return (np.sqrt(1 + 2 * a * (1 + a / 2) * rng.random(n)) - 1) / a

    business = (source == OUTBOUND) | (rng.random(n_journeys) < 0.7)
    c = territory_eff
    lo, hi = (
        cal.open_before(np.full(n_journeys, t0), c),
        cal.open_before(np.full(n_journeys, t1), c),
    )
    t_business = cal.at(lo + (hi - lo) * ramp(n_journeys), c)
    t_any = t0 + (ramp(n_journeys) * (t1 - t0 - 1)).astype(np.int64)
    created = np.where(business, t_business, t_any)

    order = np.argsort(created, kind="stable")
    jr = {
        "account": account[order],
        "created": created[order],
        "source": source[order],
        "intent": intent[order],
        "segment": j_segment[order],
        "territory": j_territory[order],
        "segment_eff": segment_eff[order],
        "territory_eff": territory_eff[order],
        "product": product[order],
    }

    # Accounts exist before their first journey; accounts without one at any time.
    first = np.full(n_acc, t1, dtype=np.int64)
    np.minimum.at(first, jr["account"], jr["created"])
    has = first < t1
    lead = np.minimum(rng.exponential(60 * DAY, n_acc) + HOUR, first - t0) * rng.random(n_acc)
    acc_created = np.where(
        has,
        first - lead.astype(np.int64),
        t0 + (rng.random(n_acc) * (t1 - t0 - 1)).astype(np.int64),
    )
    acc_order = np.argsort(acc_created, kind="stable")
    rank = np.empty(n_acc, dtype=np.int64)
    rank[acc_order] = np.arange(n_acc)
    jr["account"] = rank[jr["account"]]
    accounts = {
        "created": acc_created[acc_order],
        "segment": acc_segment[acc_order],
        "territory": acc_territory[acc_order],
        "industry": acc_industry[acc_order],
        "n": n_acc,
    }
    return accounts, jr
