"""Customers and their B2B accounts, with lifecycle dates and profile attributes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.tables import CUSTOMERS
from cxlens.demo import arrow, company
from cxlens.demo.calendar import US_PER_DAY

#: Days before the window start over which the existing customer base was acquired.
HISTORY_DAYS = 5 * 365


@dataclass(frozen=True, slots=True)
class Population:
    """The customers as numpy arrays, shared by the other generators.

    Days count from the window start (negative = before it). ``churn_day`` is
    ``days`` (past the window) for customers who stay.
    """

    region: npt.NDArray[np.int64]
    locale: npt.NDArray[np.int64]  # index into ``locales``
    locales: tuple[str, ...]
    plan: npt.NDArray[np.int64]
    account: npt.NDArray[np.int64]  # -1 for consumers
    mood: npt.NDArray[np.float64]  # latent satisfaction, standard normal-ish
    acquired_day: npt.NDArray[np.int64]
    churn_day: npt.NDArray[np.int64]

    @property
    def size(self) -> int:
        return len(self.region)


def _choice(rng: np.random.Generator, n: int, shares: tuple[float, ...]) -> npt.NDArray[np.int64]:
    p = np.asarray(shares, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum())


def draw_population(
    rng: np.random.Generator,
    n: int,
    days: int,
    day_weights: npt.NDArray[np.float64],
    planted: tuple[int, int, int],
) -> Population:
    """Draw ``n`` customers; ``planted`` is (region index, first day, end day) of the problem."""
    region_shares = tuple(r[1] for r in company.REGIONS)
    locales = tuple(sorted({loc for r in company.REGIONS for loc, _ in r[3]}))
    b2b = rng.random(n) < company.B2B_SHARE
    n_b2b = int(b2b.sum())
    n_accounts = max(1, round(n_b2b / company.MEAN_ACCOUNT_SIZE))
    account_region = _choice(rng, n_accounts, region_shares)
    # Account sizes are skewed: a few large companies, many small ones.
    account_weight = rng.pareto(1.6, n_accounts) + 1.0
    account = np.full(n, -1, dtype=np.int64)
    account[b2b] = rng.choice(n_accounts, size=n_b2b, p=account_weight / account_weight.sum())
    region = _choice(rng, n, region_shares)
    region[b2b] = account_region[account[b2b]]

    locale = np.empty(n, dtype=np.int64)
    for r, (_, _, _, locs) in enumerate(company.REGIONS):
        idx = np.flatnonzero(region == r)
        picks = _choice(rng, len(idx), tuple(s for _, s in locs))
        codes = np.array([locales.index(loc) for loc, _ in locs])
        locale[idx] = codes[picks]

    plan = np.where(
        b2b, _choice(rng, n, company.B2B_PLAN_SHARE), _choice(rng, n, company.B2C_PLAN_SHARE)
    )
    mood = rng.normal(0.0, 1.0, n) + np.asarray(company.PLAN_EFFECT)[plan]

    # Existing base (acquired before the window) and newcomers following the seasons.
    existing = rng.random(n) < 0.55
    acquired_day = np.where(
        existing,
        -rng.integers(1, HISTORY_DAYS, n),
        rng.choice(days, size=n, p=day_weights / day_weights.sum()),
    )
    # Churn: a yearly hazard that falls with satisfaction; paid plans churn less.
    paid = np.asarray(company.PLANS_PAID)[plan]
    hazard = 0.16 * np.exp(-0.45 * mood) * np.where(paid, 0.7, 1.0) / 365.0
    churn_day = np.maximum(acquired_day, 0) + rng.exponential(1.0 / hazard).astype(np.int64)
    # The planted problem: late deliveries push some customers of that region out.
    p_region, p_begin, p_end = planted
    hit = (region == p_region) & (acquired_day < p_end) & (churn_day > p_begin)
    hit &= rng.random(n) < 0.06
    churn_day = np.where(hit, rng.integers(p_begin, p_end + 30, n), churn_day)
    churn_day = np.where(churn_day >= days, days, np.maximum(churn_day, acquired_day + 1))
    return Population(region, locale, locales, plan, account, mood, acquired_day, churn_day)


def customers_table(
    rng: np.random.Generator, pop: Population, start_us: int, days: int
) -> pa.Table:
    """The CUSTOMERS table of ``pop``."""
    n = pop.size
    b2b = pop.account >= 0
    n_accounts = int(pop.account.max()) + 1 if b2b.any() else 1
    industry = rng.choice(len(company.INDUSTRIES), n_accounts, p=company.INDUSTRY_SHARE)
    size = rng.choice(len(company.COMPANY_SIZES), n_accounts, p=company.COMPANY_SIZE_SHARE)
    acct = np.maximum(pop.account, 0)
    language = np.array([loc.split("-")[0] for loc in pop.locales])[pop.locale]
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    for lang in np.unique(language):
        idx = np.flatnonzero(language == lang)
        firsts = np.array(company.FIRST_NAMES[lang], dtype=object)
        lasts = np.array(company.LAST_NAMES[lang], dtype=object)
        first[idx] = firsts[rng.integers(0, len(firsts), len(idx))]
        last[idx] = lasts[rng.integers(0, len(lasts), len(idx))]
    numbers = np.arange(1, n + 1)
    name = pc.utf8_title(pc.binary_join_element_wise(pa.array(first), pa.array(last), " "))
    handle = pc.replace_substring(
        pc.binary_join_element_wise(pa.array(first), pa.array(last), "."), " ", ""
    )
    email = pc.binary_join_element_wise(
        handle, pc.cast(pa.array(numbers), pa.string()), pa.scalar("@example.com"), ""
    )
    email = pc.if_else(pa.array(rng.random(n) < 0.03), pa.scalar(None, pa.string()), email)
    prefixes = [company.PHONE_PREFIX[r[0]] for r in company.REGIONS]
    phone = pc.binary_join_element_wise(
        arrow.labels(pop.region, prefixes),
        arrow.refs("6", rng.integers(0, 100_000_000, n), 8),
        " ",
    )
    phone = pc.if_else(pa.array(rng.random(n) < 0.15), pa.scalar(None, pa.string()), phone)
    zones = [r[2] for r in company.REGIONS]
    value = np.where(b2b, rng.lognormal(8.1, 0.9, n), rng.lognormal(5.3, 0.8, n))
    churned = pop.churn_day >= days
    return pa.table(
        {
            "customer_ref": arrow.refs("C", numbers, 6),
            "account_ref": arrow.refs("A", acct + 1, 5, ~b2b),
            "email": email,
            "phone": phone,
            "name": name,
            "locale": arrow.labels(pop.locale, pop.locales),
            "time_zone": arrow.labels(pop.region, zones),
            "age_band": arrow.labels(
                rng.choice(len(company.AGE_BANDS), n, p=company.AGE_SHARE), company.AGE_BANDS
            ),
            "gender": arrow.labels(
                rng.choice(len(company.GENDERS), n, p=company.GENDER_SHARE), company.GENDERS
            ),
            "industry": arrow.labels(industry[acct], company.INDUSTRIES, ~b2b),
            "company_size": arrow.labels(size[acct], company.COMPANY_SIZES, ~b2b),
            "plan": arrow.labels(pop.plan, company.PLANS),
            "region": arrow.labels(pop.region, [r[0] for r in company.REGIONS]),
            "value": pa.array(np.round(value, 2)),
            "acquired_at": arrow.timestamps(
                start_us + pop.acquired_day * US_PER_DAY + rng.integers(0, US_PER_DAY, n)
            ),
            "churned_at": arrow.timestamps(
                start_us + pop.churn_day * US_PER_DAY + rng.integers(0, US_PER_DAY, n), churned
            ),
        },
        schema=CUSTOMERS,
    )
