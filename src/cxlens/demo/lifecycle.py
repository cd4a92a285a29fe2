"""Referrals (who brought whom) and renewals of paid plans."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cxlens.core.tables import REFERRALS, TS
from cxlens.demo import arrow, company
from cxlens.demo.calendar import US_PER_DAY
from cxlens.demo.customers import Population

#: Renewals of paid plans: an extra table of the demo (the core contract has none).
RENEWALS = pa.schema([("customer_ref", pa.string()), ("renewed_at", TS)])


def draw_referrals(
    rng: np.random.Generator, pop: Population, start_us: int, share: float = 0.12
) -> pa.Table:
    """Some newcomers were referred by an earlier customer; happier customers refer more.

    Each referral is a tournament: of three customers acquired before the newcomer and
    still customers then, the happiest is the referrer.
    """
    order = np.argsort(pop.acquired_day, kind="stable")
    acquired_sorted = pop.acquired_day[order]
    referred = np.flatnonzero((pop.acquired_day >= 0) & (rng.random(pop.size) < share))
    earlier = np.searchsorted(acquired_sorted, pop.acquired_day[referred], side="left")
    referred = referred[earlier > 0]
    earlier = earlier[earlier > 0]
    cand = order[(rng.random((len(referred), 3)) * earlier[:, None]).astype(np.int64)]
    day = pop.acquired_day[referred][:, None]
    score = pop.mood[cand] - 100.0 * (pop.churn_day[cand] <= day)
    referrer = cand[np.arange(len(referred)), score.argmax(axis=1)]
    keep = pop.churn_day[referrer] > pop.acquired_day[referred]
    referrer, referred = referrer[keep], referred[keep]
    at = start_us + pop.acquired_day[referred] * US_PER_DAY
    return pa.table(
        {
            "referrer_ref": arrow.refs("C", referrer + 1, 6),
            "referred_ref": arrow.refs("C", referred + 1, 6),
            "referred_at": arrow.timestamps(at),
        },
        schema=REFERRALS,
    ).sort_by("referred_at")


def draw_renewals(pop: Population, start_us: int, days: int) -> pa.Table:
    """Yearly renewals of paid plans inside the window, while the customer stays."""
    paid = np.asarray(company.PLANS_PAID)[pop.plan]
    who_parts, day_parts = [], []
    years = (days - int(pop.acquired_day.min())) // 365 + 1
    for k in range(1, years + 1):
        day = pop.acquired_day + 365 * k
        ok = paid & (day >= 0) & (day < days) & (day < pop.churn_day)
        who_parts.append(np.flatnonzero(ok))
        day_parts.append(day[ok])
    who = np.concatenate(who_parts)
    day = np.concatenate(day_parts)
    return pa.table(
        {
            "customer_ref": arrow.refs("C", who + 1, 6),
            "renewed_at": arrow.timestamps(start_us + day * US_PER_DAY + 9 * 3_600_000_000),
        },
        schema=RENEWALS,
    ).sort_by("renewed_at")
