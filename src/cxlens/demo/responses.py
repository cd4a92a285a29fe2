"""Survey responses: NPS, CSAT, CES, classic CXi and comments at every touchpoint."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.core.tables import RESPONSES, NormalizedResponses, QuestionColumn
from cxlens.demo import arrow, company
from cxlens.demo.calendar import US_PER_DAY
from cxlens.demo.comments import LATE, NEGATIVE, NEUTRAL, POSITIVE, write_comments
from cxlens.demo.customers import Population

QUESTIONS = (
    QuestionColumn(
        "nps", "How likely are you to recommend Northwind Goods to a friend?", "nps", 0, 10
    ),
    QuestionColumn("csat", "How satisfied were you with this experience?", "csat", 1, 5),
    QuestionColumn("ces", "Northwind Goods made it easy for me to handle my issue.", "ces", 1, 7),
    QuestionColumn("cxi_effectiveness", "Northwind Goods met my needs.", "cxi_effectiveness", 1, 5),
    QuestionColumn("cxi_ease", "Northwind Goods was easy to do business with.", "cxi_ease", 1, 5),
    QuestionColumn("cxi_emotion", "How did you feel about Northwind Goods?", "cxi_emotion", 1, 5),
    QuestionColumn("comment", "Anything you would like to tell us?", "text"),
)
DIMENSIONS = ("region", "plan")
#: Rounds of rejection sampling before a day is moved to where customers are.
MAX_REDRAWS = 50


@dataclass(frozen=True, slots=True)
class Window:
    """The demo window and the planted problem, in days from the window start."""

    start_us: int
    days: int
    day_weights: npt.NDArray[np.float64]
    planted_region: int
    planted_begin: int
    planted_end: int


def active_customers(
    rng: np.random.Generator, pop: Population, day: npt.NDArray[np.int64], days: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """A customer for each day who was a customer on that day, and the days, sorted.

    Rejection sampling; a day on which (almost) nobody was a customer, as in a tiny demo,
    is moved into the window of a customer who was.
    """
    who = rng.integers(0, pop.size, len(day))
    todo = np.flatnonzero((pop.acquired_day[who] > day) | (pop.churn_day[who] <= day))
    for _ in range(MAX_REDRAWS):
        if not len(todo):
            return who, day
        who[todo] = rng.integers(0, pop.size, len(todo))
        bad = (pop.acquired_day[who[todo]] > day[todo]) | (pop.churn_day[who[todo]] <= day[todo])
        todo = todo[bad]
    first = np.maximum(pop.acquired_day, 0)
    last = np.minimum(pop.churn_day, days)  # exclusive
    alive = np.flatnonzero(last > first)
    if not len(alive):
        raise ValueError("no customer was a customer during the window")
    who[todo] = alive[rng.integers(0, len(alive), len(todo))]
    span = last[who[todo]] - first[who[todo]]
    day[todo] = first[who[todo]] + (rng.random(len(todo)) * span).astype(np.int64)
    order = np.argsort(day, kind="stable")
    return who[order], day[order]


def _ordinal(
    latent: npt.NDArray[np.float64], centre: float, spread: float, lo: int, hi: int
) -> npt.NDArray[np.float64]:
    return np.clip(np.rint(centre + spread * latent), lo, hi)


def draw_responses(
    rng: np.random.Generator, pop: Population, win: Window, n: int
) -> NormalizedResponses:
    """``n`` responses from active customers, following the seasons."""
    day = np.sort(rng.choice(win.days, size=n, p=win.day_weights / win.day_weights.sum()))
    who, day = active_customers(rng, pop, day, win.days)
    region = pop.region[who]
    in_problem = (
        (region == win.planted_region) & (day >= win.planted_begin) & (day < win.planted_end)
    )
    tp_share = np.asarray(company.TOUCHPOINT_SHARE)
    tp = rng.choice(len(tp_share), size=n, p=tp_share / tp_share.sum())
    paid = np.asarray(company.PLANS_PAID)[pop.plan[who]]
    renewal = company.TOUCHPOINTS.index("renewal")
    usage = company.TOUCHPOINTS.index("usage")
    tp[(tp == renewal) & ~paid] = usage
    onboarding = company.TOUCHPOINTS.index("onboarding")
    new = (day - pop.acquired_day[who] < 30) & (rng.random(n) < 0.5)
    tp[new] = onboarding
    shipping = company.TOUCHPOINTS.index(company.PLANTED_TOUCHPOINT)
    tp[in_problem & (rng.random(n) < 0.25)] = shipping  # late parcels bring more feedback
    ch_cum = np.cumsum(np.asarray(company.CHANNEL_SHARE), axis=1)[tp]
    ch = (rng.random(n)[:, None] > ch_cum).sum(axis=1).clip(0, len(company.CHANNELS) - 1)

    planted_hit = in_problem & (tp == shipping)
    latent = (
        pop.mood[who]
        + np.asarray(company.TOUCHPOINT_EFFECT)[tp]
        + np.asarray(company.CHANNEL_EFFECT)[ch]
        + rng.normal(0.0, 1.0, n)
        - 1.1 * planted_hit
        - 0.2 * (in_problem & ~planted_hit)
    )
    nps = _ordinal(latent + rng.normal(0, 0.3, n), 8.0, 1.6, 0, 10)
    csat = _ordinal(latent + rng.normal(0, 0.5, n), 4.0, 0.9, 1, 5)
    ces = _ordinal(latent + rng.normal(0, 0.6, n), 5.4, 1.1, 1, 7)
    cxi = [_ordinal(latent + rng.normal(0, 0.6, n), 3.8, 0.85, 1, 5) for _ in range(3)]

    effort_tp = np.isin(
        tp,
        [
            company.TOUCHPOINTS.index(t)
            for t in ("checkout", "onboarding", "support", "shipping_returns")
        ],
    )
    no_nps = rng.random(n) < 0.06
    no_csat = rng.random(n) < 0.22
    no_ces = rng.random(n) >= np.where(effort_tp, 0.7, 0.12)
    no_cxi = rng.random(n) >= 0.15  # the periodic barometer asks the three CXi questions

    sentiment = np.where(nps >= 9, POSITIVE, np.where(nps >= 7, NEUTRAL, NEGATIVE))
    p_comment = np.where(sentiment == NEGATIVE, 0.5, np.where(sentiment == POSITIVE, 0.35, 0.25))
    p_comment = np.where(planted_hit, 0.65, p_comment)
    has_comment = rng.random(n) < p_comment
    topic = tp.copy()
    late = (
        (tp == shipping)
        & (sentiment != POSITIVE)
        & (rng.random(n) < np.where(planted_hit, 0.8, 0.08))
    )
    topic[late] = LATE
    language = np.array([loc.split("-")[0] for loc in pop.locales])[pop.locale[who]]
    idx = np.flatnonzero(has_comment)
    texts = write_comments(rng, language[idx].tolist(), topic[idx], sentiment[idx])
    position = np.cumsum(has_comment) - 1
    comment = pc.take(pa.array(texts, type=pa.string()), pa.array(position, mask=~has_comment))

    seconds = rng.normal(14.5, 3.5, n).clip(0.0, 23.99) * 3_600_000_000
    submitted = win.start_us + day * US_PER_DAY + seconds.astype(np.int64)
    b2b = pop.account[who] >= 0
    languages = tuple(sorted(set(language.tolist())))
    lang_code = np.searchsorted(np.asarray(languages), language)
    columns: dict[str, pa.Array] = {
        "response_ref": arrow.refs("R", np.arange(1, n + 1), 8),
        "submitted_at": arrow.timestamps(submitted),
        "customer_ref": arrow.refs("C", who + 1, 6),
        "account_ref": arrow.refs("A", np.maximum(pop.account[who], 0) + 1, 5, ~b2b),
        "channel": arrow.labels(ch, company.CHANNELS),
        "source": arrow.labels(np.zeros(n, np.int64), [company.SOURCE]),
        "language": arrow.labels(lang_code, languages),
        "touchpoint": arrow.labels(tp, company.TOUCHPOINTS),
        "nps": arrow.floats(nps, no_nps),
        "csat": arrow.floats(csat, no_csat),
        "ces": arrow.floats(ces, no_ces),
        "cxi_effectiveness": arrow.floats(cxi[0], no_cxi),
        "cxi_ease": arrow.floats(cxi[1], no_cxi),
        "cxi_emotion": arrow.floats(cxi[2], no_cxi),
        "comment": comment,
        "region": arrow.labels(region, [r[0] for r in company.REGIONS]),
        "plan": arrow.labels(pop.plan[who], company.PLANS),
    }
    schema = RESPONSES
    for q in QUESTIONS:
        schema = schema.append(
            pa.field(q.column, pa.string() if q.kind == "text" else pa.float64())
        )
    for d in DIMENSIONS:
        schema = schema.append(pa.field(d, pa.string()))
    # In time order, numbered in that order.
    table = pa.table(columns, schema=schema).take(np.argsort(submitted, kind="stable"))
    table = table.set_column(0, "response_ref", arrow.refs("R", np.arange(1, n + 1), 8))
    return NormalizedResponses(
        table=table,
        questions=QUESTIONS,
        dimensions=DIMENSIONS,
        survey_name=company.SURVEY_NAME,
    )
