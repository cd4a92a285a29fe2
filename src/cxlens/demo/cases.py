"""Support cases at the helpline, by e-mail, chat, web form and in the shops."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cxlens.core.tables import CASES
from cxlens.demo import arrow, company
from cxlens.demo.calendar import US_PER_DAY
from cxlens.demo.customers import Population
from cxlens.demo.responses import Window, active_customers

US_PER_HOUR = 3_600_000_000
STATUSES = ("open", "pending", "solved", "closed")


def draw_cases(rng: np.random.Generator, pop: Population, win: Window, n: int) -> pa.Table:
    """``n`` support cases; the planted region and quarter get more and slower ones."""
    weights = win.day_weights / win.day_weights.sum()
    day = np.sort(rng.choice(win.days, size=n, p=weights))
    who, day = active_customers(rng, pop, day, win.days)
    # The planted problem: extra cases from the region while parcels are late.
    in_problem = (day >= win.planted_begin) & (day < win.planted_end)
    move = in_problem & (rng.random(n) < 0.25)
    candidates = np.flatnonzero(pop.region == win.planted_region)
    if len(candidates):
        who[move] = candidates[rng.integers(0, len(candidates), int(move.sum()))]
    hit = in_problem & (pop.region[who] == win.planted_region)

    share = np.asarray(company.CASE_CHANNEL_SHARE)
    ch = rng.choice(len(share), size=n, p=share / share.sum())
    first_h = np.asarray(company.CASE_FIRST_RESPONSE_H)[ch] * rng.lognormal(0.0, 0.8, n)
    first_h *= np.where(hit, 3.0, 1.0)
    contacts = 1 + np.where(rng.random(n) < np.where(hit, 0.55, 0.72), 0, rng.geometric(0.5, n))
    resolve_h = first_h + rng.lognormal(np.log(6.0), 1.1, n) * contacts * np.where(hit, 2.2, 1.0)
    reopened = rng.random(n) < np.where(hit, 0.15, 0.07)

    opened = win.start_us + day * US_PER_DAY + rng.integers(6, 22, n) * US_PER_HOUR
    first = opened + (first_h * US_PER_HOUR).astype(np.int64)
    resolved = opened + (resolve_h * US_PER_HOUR).astype(np.int64)
    end_us = win.start_us + win.days * US_PER_DAY
    unresolved = resolved >= end_us
    no_first = first >= end_us
    status = np.where(unresolved, np.where(no_first, 0, 1), np.where(rng.random(n) < 0.6, 3, 2))
    table = pa.table(
        {
            "case_ref": arrow.refs("CS-", np.arange(1, n + 1), 6),
            "customer_ref": arrow.refs("C", who + 1, 6),
            "channel": arrow.labels(ch, company.CASE_CHANNELS),
            "status": arrow.labels(status, STATUSES),
            "opened_at": arrow.timestamps(opened),
            "first_response_at": arrow.timestamps(first, no_first),
            "resolved_at": arrow.timestamps(resolved, unresolved),
            "contact_count": pa.array(contacts.astype(np.int32)),
            "reopened": pa.array(reopened & ~unresolved),
        },
        schema=CASES,
    )
    # In the order they were opened, numbered in that order.
    table = table.take(np.argsort(opened, kind="stable"))
    return table.set_column(0, "case_ref", arrow.refs("CS-", np.arange(1, n + 1), 6))
