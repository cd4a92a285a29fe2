"""The demo generator: one seed, one company, every table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from cxlens.demo import company
from cxlens.demo.calendar import day_dates, epoch_us, quarter_bounds, seasonality
from cxlens.demo.cases import draw_cases
from cxlens.demo.customers import customers_table, draw_population
from cxlens.demo.data import DemoData, PlantedProblem
from cxlens.demo.lifecycle import draw_referrals, draw_renewals
from cxlens.demo.responses import Window, draw_responses

DEFAULT_START = date(2024, 1, 1)
RESPONSES_PER_CUSTOMER_YEAR = 2.4
CASES_PER_CUSTOMER_YEAR = 0.5


def generate(
    seed: int = 42,
    customers: int = 50_000,
    years: float = 2,
    responses: int | None = None,
    start: date = DEFAULT_START,
) -> DemoData:
    """Generate Northwind Goods: customers, responses, support cases, referrals, renewals.

    The same arguments give identical tables. ``responses`` defaults to about 2.4 per
    customer and year. One problem is planted: parcels to the Netherlands run late for
    one calendar quarter (about three quarters into the window), which shows as lower
    NPS/CSAT at the shipping_returns touchpoint there and then, comments about late
    deliveries, more and slower support cases and some extra churn.
    """
    if customers < 1:
        raise ValueError(f"customers must be at least 1, not {customers}")
    if years <= 0:
        raise ValueError(f"years must be positive, not {years}")
    days = max(1, round(365.25 * years))
    n_responses = (
        round(customers * years * RESPONSES_PER_CUSTOMER_YEAR) if responses is None else responses
    )
    if n_responses < 0:
        raise ValueError(f"responses must not be negative, not {n_responses}")
    rng = np.random.default_rng(seed)
    weights = seasonality(day_dates(start, days))
    q_begin, q_end = quarter_bounds(start + timedelta(days=int(days * 0.75)))
    begin_day = (q_begin - start).days
    end_day = (q_end - start).days
    region = [r[0] for r in company.REGIONS].index(company.PLANTED_REGION)
    win = Window(epoch_us(start), days, weights, region, begin_day, end_day)

    pop = draw_population(rng, customers, days, weights, (region, begin_day, end_day))
    customer_table = customers_table(rng, pop, win.start_us, days)
    response_data = draw_responses(rng, pop, win, n_responses)
    n_cases = round(customers * years * CASES_PER_CUSTOMER_YEAR)
    case_table = draw_cases(rng, pop, win, n_cases)
    referral_table = draw_referrals(rng, pop, win.start_us)
    renewal_table = draw_renewals(pop, win.start_us, days)

    def utc(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=UTC)

    planted = PlantedProblem(
        region=company.PLANTED_REGION,
        touchpoint=company.PLANTED_TOUCHPOINT,
        start=utc(q_begin),
        end=utc(q_end),
        description=(
            f"Parcels to {company.PLANTED_REGION} ran late from {q_begin} to {q_end}: lower "
            "NPS and CSAT at shipping_returns, comments about late deliveries, more support "
            "cases and some extra churn there."
        ),
    )
    return DemoData(
        company=company.COMPANY,
        seed=seed,
        start=utc(start),
        end=utc(start + timedelta(days=days)),
        customers=customer_table,
        responses=response_data,
        cases=case_table,
        referrals=referral_table,
        renewals=renewal_table,
        planted=planted,
    )
