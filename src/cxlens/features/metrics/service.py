"""Metrics from the store: bucket counts grouped in SQL, formulas applied once in Python.

:func:`store_metrics` gives the survey metrics (NPS, CSAT, CES, classic CXi);
:func:`operational_metrics` response rate, FCR, ART, churn, retention and referral rate.
With a period, every value carries its change from the previous period and its test,
with false-discovery control over each metric's changes. Both return
:class:`~cxlens.analytics.results.MetricValues`: a metric with no data behind it is in
``no_data`` with the reason, never a value. Touchpoints come in journey order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from cxlens.analytics import compare as cmp
from cxlens.analytics import formulas as fm
from cxlens.analytics.counts import (
    DurationCounts,
    NpsCounts,
    ProportionCounts,
    RetentionCounts,
    ScoreCounts,
)
from cxlens.analytics.periods import check_period, period_label, zone
from cxlens.analytics.results import MetricValue, MetricValues, NoData
from cxlens.analytics.scales import Scale
from cxlens.core.clock import as_utc
from cxlens.core.errors import InputError, Location
from cxlens.core.vocabulary import CXI_TYPES
from cxlens.features.metrics import repository as repo
from cxlens.features.metrics.folding import (
    Key,
    Keys,
    Order,
    bounds,
    clean_keys,
    emit,
    labels_between,
)
from cxlens.features.metrics.repository.dimensions import (
    BUILT_IN,
    COMMON,
    Dimensions,
    Filters,
    UnknownDimensionError,
    built_in_dimensions,
)
from cxlens.features.metrics.repository.timebuckets import bucket_label, granularity_for


def _prepare(period: str | None, tz: str) -> str | None:
    zone(tz)
    if period is None:
        return None
    check_period(period)
    return granularity_for(tz)


def check_dimensions(session: Session, names: Sequence[str]) -> None:
    """Raise :class:`UnknownDimensionError` (listing the valid ones) for an unknown name.

    A name is valid when some kind of fact has it (survey, touchpoint, channel, status,
    account, a customer attribute ...) or some response carries it as an extra dimension.
    """
    known = set(COMMON).union(*BUILT_IN.values())
    for name in names:
        if name in known or repo.has_response_dimension(session, name):
            continue
        extra = repo.response_dimension_names(session)
        raise UnknownDimensionError(name, sorted({*built_in_dimensions(), *extra}))


def _order(session: Session, by: Sequence[str]) -> Order:
    return {"touchpoint": repo.touchpoint_positions(session)} if "touchpoint" in by else {}


def _finish(values: Sequence[MetricValue], reason: str = "no answers") -> MetricValues:
    """Changes adjusted for multiple tests; values without data moved to ``no_data``."""
    return MetricValues.of(cmp.adjust_for_multiple_tests(values), reason)


def store_metrics(
    session: Session,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    tz: str = "UTC",
    min_n: int = fm.DEFAULT_MIN_N,
    survey: str | None = None,
    filters: Filters | None = None,
) -> MetricValues:
    """NPS, CSAT, CES and classic CXi per group (``by``) and period, from the store.

    ``by`` names dimensions: survey, touchpoint, channel, language, source, question,
    account, a customer attribute (region, plan, ...) or a response dimension; an unknown
    one is an :class:`UnknownDimensionError` listing the valid ones. ``filters``
    restricts dimensions to values. Responses without a date are left out when a period
    is asked for.
    """
    by = tuple(by)
    granularity = _prepare(period, tz)
    check_dimensions(session, (*by, *(filters or {})))
    order = _order(session, by)
    rows: Sequence[Any] = repo.score_buckets(
        session, by=by, granularity=granularity, survey=survey, filters=filters
    )
    nps: dict[Key, NpsCounts] = defaultdict(NpsCounts)
    scores: dict[str, dict[Key, ScoreCounts]] = defaultdict(lambda: defaultdict(ScoreCounts))
    ces_scales: dict[Key, Counter[tuple[int, int]]] = defaultdict(Counter)
    width = len(by)
    for row in rows:
        kind, low, high = row[0], row[1], row[2]
        keys = clean_keys(row[3 : 3 + width])
        label = None
        if period is not None and granularity is not None:
            label = bucket_label(row[3 + width], granularity, period, tz)
        key = (keys, label)
        if kind == "nps":
            nps[key] += NpsCounts(
                int(row.n),
                int(row.promoters),
                int(row.passives),
                int(row.detractors),
                int(row.ultra),
            )
            continue
        scores[kind][key] += ScoreCounts(
            int(row.n),
            int(row.positive),
            int(row.negative),
            float(row.total),
            float(row.total_sq),
        )
        if kind == "ces" and low is not None and high is not None:
            ces_scales[key][(int(low), int(high))] += int(row.n)

    def ces_scale(key: Key) -> Scale:
        common = ces_scales[key].most_common(1)
        low, high = common[0][0] if common else (1, 7)
        return Scale(low, high)

    out = emit(
        by,
        period,
        nps,
        lambda c, g, p: fm.nps_value(c, min_n=min_n, group=g, period=p),
        cmp.compare_nps,
        order,
    )
    out += emit(
        by,
        period,
        scores.get("csat", {}),
        lambda c, g, p: fm.csat_value(c, min_n=min_n, group=g, period=p),
        cmp.compare_positive_share,
        order,
    )
    ces = scores.get("ces", {})
    out += emit(
        by,
        period,
        ces,
        lambda c, g, p: fm.ces_value(
            c, ces_scale(_key_of(by, g, p)), min_n=min_n, group=g, period=p
        ),
        cmp.compare_scores_mean,
        order,
    )
    out += _cxi(by, period, scores, min_n, order)
    return _finish(out, "not every question has answers")


def _key_of(by: Sequence[str], group: dict[str, str | None], label: str | None) -> Key:
    return tuple(group[name] for name in by), label


def _cxi(
    by: Sequence[str],
    period: str | None,
    scores: dict[str, dict[Key, ScoreCounts]],
    min_n: int,
    order: Order,
) -> list[MetricValue]:
    keys: set[Key] = set()
    for kind in CXI_TYPES:
        keys.update(scores.get(kind, {}))
    triples: dict[Key, tuple[ScoreCounts, ScoreCounts, ScoreCounts]] = {
        key: (
            scores.get(CXI_TYPES[0], {}).get(key, ScoreCounts()),
            scores.get(CXI_TYPES[1], {}).get(key, ScoreCounts()),
            scores.get(CXI_TYPES[2], {}).get(key, ScoreCounts()),
        )
        for key in keys
    }
    return emit(
        by,
        period,
        triples,
        lambda c, g, p: fm.cxi_value(*c, min_n=min_n, group=g, period=p),
        cmp.compare_cxi,
        order,
    )


def operational_metrics(
    session: Session,
    *,
    by: Sequence[str] = (),
    period: str | None = "month",
    tz: str = "UTC",
    min_n: int = fm.DEFAULT_MIN_N,
    survey: str | None = None,
    filters: Filters | None = None,
) -> MetricValues:
    """Response rate, FCR, ART, churn, retention and referral rate, from the store.

    A family is left out, with a note in ``no_data``, when it cannot be sliced by every
    dimension of ``by`` and ``filters`` (e.g. churn by touchpoint) or when the store holds
    nothing to compute it from: no delivered invitation, no case, no referral, no churn
    date. Churn and retention need a period, and start at the first period with a churn;
    the referral rate starts at the first period with a referral.
    """
    by = tuple(by)
    granularity = _prepare(period, tz)
    names = (*by, *(filters or {}))
    check_dimensions(session, names)
    order = _order(session, by)

    def fits(fact: str, *metrics: str) -> bool:
        dims = Dimensions(fact)
        bad = next((name for name in names if not dims.supports(name)), None)
        if bad is not None:
            for metric in metrics:
                missing.append(NoData(metric, f"cannot be sliced by {bad!r}"))
        return bad is None

    out: list[MetricValue] = []
    missing: list[NoData] = []
    if fits("invitations", "response_rate"):
        rows = repo.invitation_buckets(
            session, by=by, granularity=granularity, survey=survey, filters=filters
        )
        if not _counted(rows):
            missing.append(NoData("response_rate", "no delivered invitations"))
        else:
            out += _rates("response_rate", by, period, granularity, tz, rows, min_n, order)
    if fits("cases", "fcr", "art"):
        rows = repo.case_buckets(session, by=by, granularity=granularity, filters=filters)
        if not _counted(rows):
            missing += [NoData("fcr", "no support cases"), NoData("art", "no support cases")]
        else:
            out += _rates("fcr", by, period, granularity, tz, rows, min_n, order)
            art = _art(session, by, period, tz, filters, min_n, order)
            if not art:
                missing.append(NoData("art", "no resolved support cases"))
            out += art
    if fits("customers", "churn", "retention", "referral_rate"):
        values, notes = _customer_metrics(session, by, period, tz, filters, min_n, order)
        out += values
        missing += notes
    result = _finish(out, "nothing to count in this group and period")
    return MetricValues(result, [*missing, *result.no_data])


def _counted(rows: Sequence[Any]) -> bool:
    """Whether bucket rows (``..., n, hits``) count anything (an ungrouped count gives 0)."""
    return any(int(row[-2]) for row in rows)


def _rates(
    metric: str,
    by: Sequence[str],
    period: str | None,
    granularity: str | None,
    tz: str,
    rows: Sequence[Any],
    min_n: int,
    order: Order,
) -> list[MetricValue]:
    counts: dict[Key, ProportionCounts] = defaultdict(ProportionCounts)
    width = len(by)
    for row in rows:
        label = None
        if period is not None and granularity is not None:
            label = bucket_label(row[width], granularity, period, tz)
        counts[(clean_keys(row[:width]), label)] += ProportionCounts(int(row[-2]), int(row[-1]))
    return emit(
        by,
        period,
        counts,
        lambda c, g, p: fm.proportion_value(metric, c, min_n=min_n, group=g, period=p),
        cmp.compare_rates,
        order,
    )


def _art(
    session: Session,
    by: Sequence[str],
    period: str | None,
    tz: str,
    filters: Filters | None,
    min_n: int,
    order: Order,
) -> list[MetricValue]:
    width = len(by)
    hours: dict[Key, list[float]] = defaultdict(list)
    for row in repo.resolution_times(session, by=by, filters=filters):
        opened, resolved = as_utc(row[width]), as_utc(row[width + 1])
        if resolved < opened:
            continue
        label = period_label(resolved, period, tz) if period else None
        hours[(clean_keys(row[:width]), label)].append((resolved - opened).total_seconds() / 3600)
    counts: dict[Key, DurationCounts] = {}
    for key, values in hours.items():
        arr = np.asarray(values, dtype=float)
        counts[key] = DurationCounts(
            n=int(arr.size),
            total=float(arr.sum()),
            total_sq=float((arr * arr).sum()),
            median=float(np.percentile(arr, 50)),
            p90=float(np.percentile(arr, 90)),
        )
    return emit(
        by,
        period,
        counts,
        lambda c, g, p: fm.art_value(c, min_n=min_n, group=g, period=p),
        cmp.compare_scores_mean,
        order,
    )


_NEVER = float("inf")


def _customer_metrics(
    session: Session,
    by: Sequence[str],
    period: str | None,
    tz: str,
    filters: Filters | None,
    min_n: int,
    order: Order,
) -> tuple[list[MetricValue], list[NoData]]:
    """Churn, retention and referral rate, and the notes on what has no data.

    A store that holds no referral cannot tell "nobody referred anyone" from "referrals
    were never imported", and one without churn dates cannot tell "nobody left" from
    "departures were not recorded": those rates are no data, not 0 %. With a period they
    start at the first period that has a referral (a churn): earlier ones are no data.
    """
    width = len(by)
    rows = repo.customer_lifetimes(session, by=by, filters=filters)
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    acquired = np.asarray(
        [as_utc(r[width + 1]).timestamp() if r[width + 1] else np.nan for r in rows], dtype=float
    )
    churned = np.asarray(
        [as_utc(r[width + 2]).timestamp() if r[width + 2] else _NEVER for r in rows], dtype=float
    )
    groups: dict[Keys, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[clean_keys(r[1 : 1 + width])].append(i)
    referrals = repo.referral_moments(session)
    position = {int(v): i for i, v in enumerate(ids)}
    ref_idx = np.asarray([position.get(a, -1) for a, _ in referrals], dtype=np.int64)
    ref_at = np.asarray(
        [as_utc(at).timestamp() if at else np.nan for _, at in referrals], dtype=float
    )
    known = ref_idx >= 0
    ref_idx, ref_at = ref_idx[known], ref_at[known]
    notes: list[NoData] = []
    if not rows:
        reason = "no customers"
        return [], [NoData(m, reason) for m in ("churn", "retention", "referral_rate")]
    if not referrals:
        notes.append(NoData("referral_rate", "no referrals in the store"))

    if period is None:
        notes += [NoData(m, "needs a period (--period)") for m in ("churn", "retention")]
        if not referrals:
            return [], notes
        referred = np.zeros(len(rows), dtype=bool)
        referred[ref_idx] = True
        totals: dict[Key, ProportionCounts] = {
            (keys, None): ProportionCounts(len(idx), int(referred[idx].sum()))
            for keys, idx in groups.items()
        }
        return _referral_values(by, None, totals, min_n, order), notes

    dated = ~np.isnan(acquired)
    has_churn = bool((churned[dated] < _NEVER).any())
    if not dated.any():
        reason = "no customer has an acquisition date"
        notes += [NoData(m, reason) for m in ("churn", "retention")]
        if referrals:
            notes.append(NoData("referral_rate", reason))
        return [], notes
    if not has_churn:
        reason = "no customer has a churn date: churn is unknown, not 0 %"
        notes += [NoData(m, reason) for m in ("churn", "retention")]
    first = float(np.nanmin(acquired))
    last = max(
        float(np.nanmax(acquired)), float(np.max(churned, where=churned < _NEVER, initial=first))
    )
    labels = labels_between(
        period_label(_dt(first), period, tz), period_label(_dt(last), period, tz), period
    )
    first_churn = _first_label(churned[dated & (churned < _NEVER)], period, tz)
    first_referral = _first_label(ref_at[~np.isnan(ref_at)], period, tz)
    if has_churn and first_churn is not None and labels[0] < first_churn:
        reason = f"no churn recorded before {first_churn}: earlier periods have no data"
        notes += [NoData(m, reason) for m in ("churn", "retention")]
    if first_referral is not None and labels[0] < first_referral:
        reason = f"no referral recorded before {first_referral}: earlier periods have no data"
        notes.append(NoData("referral_rate", reason))
    retention: dict[Key, RetentionCounts] = {}
    referral: dict[Key, ProportionCounts] = {}
    for label in labels:
        start, end = bounds(label, period, tz)
        in_period = (ref_at >= start) & (ref_at < end)
        referred = np.zeros(len(rows), dtype=bool)
        referred[ref_idx[in_period]] = True
        churn_known = first_churn is not None and label >= first_churn
        referral_known = first_referral is not None and label >= first_referral
        for keys, idx_list in groups.items():
            idx = np.asarray(idx_list, dtype=np.int64)
            a, c = acquired[idx], churned[idx]
            ok = ~np.isnan(a)
            a, c, idx = a[ok], c[ok], idx[ok]
            before = (a < start) & (c >= start)
            moves = RetentionCounts(
                at_start=int(before.sum()),
                at_end=int(((a < end) & (c >= end)).sum()),
                acquired=int(((a >= start) & (a < end)).sum()),
                lost=int((before & (c < end)).sum()),
            )
            if churn_known and (moves.at_start or moves.acquired):
                retention[(keys, label)] = moves
            active = (a < end) & (c >= start)
            if referral_known and active.any():
                referral[(keys, label)] = ProportionCounts(
                    int(active.sum()), int(referred[idx[active]].sum())
                )
    out = emit(
        by,
        period,
        retention,
        lambda c, g, p: fm.churn_value(c, min_n=min_n, group=g, period=p),
        lambda c, prev: cmp.compare_proportions(c.lost, c.at_start, prev.lost, prev.at_start),
        order,
    )
    out += emit(
        by,
        period,
        retention,
        lambda c, g, p: fm.retention_value(c, min_n=min_n, group=g, period=p),
        lambda c, prev: cmp.compare_proportions(
            c.at_end - c.acquired, c.at_start, prev.at_end - prev.acquired, prev.at_start
        ),
        order,
    )
    return out + _referral_values(by, period, referral, min_n, order), notes


def _first_label(moments: np.ndarray[Any, Any], period: str, tz: str) -> str | None:
    """Label of the period of the earliest of ``moments`` (POSIX seconds), if any."""
    if moments.size == 0:
        return None
    return period_label(_dt(float(moments.min())), period, tz)


def _referral_values(
    by: Sequence[str],
    period: str | None,
    counts: dict[Key, ProportionCounts],
    min_n: int,
    order: Order,
) -> list[MetricValue]:
    return emit(
        by,
        period,
        counts,
        lambda c, g, p: fm.proportion_value("referral_rate", c, min_n=min_n, group=g, period=p),
        cmp.compare_rates,
        order,
    )


def _dt(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


#: Days in each period, for the estimate of how many periods a time span holds.
_PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "quarter": 91.31, "year": 365.25}


class QueryTooCostlyError(InputError):
    """A metrics request that would split the data into more groups than allowed (422)."""


def estimated_groups(
    session: Session,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    filters: Filters | None = None,
) -> int:
    """An upper bound of the groups a request makes: the values of each ``by`` dimension
    (those of its filter when it has one) times the periods the responses span."""
    groups = 1
    for name in by:
        wanted = (filters or {}).get(name)
        if wanted is not None:
            count = 1 if isinstance(wanted, str) else len(wanted)
        else:
            count = repo.dimension_cardinality(session, name)
        groups *= max(1, count)
    if period is not None:
        first, last = repo.response_time_span(session)
        if first is not None and last is not None:
            days = (as_utc(last) - as_utc(first)).total_seconds() / 86400
            groups *= int(days / _PERIOD_DAYS[period]) + 2
    return groups


def check_query_cost(
    session: Session,
    *,
    by: Sequence[str] = (),
    period: str | None = None,
    filters: Filters | None = None,
    max_groups: int,
) -> None:
    """Refuse (``query_too_costly``, 422) a request estimated above ``max_groups`` groups.

    Checked before the metrics query runs, so a request that would group 10 M responses by
    three dimensions and by day is answered at once instead of running for minutes.
    """
    check_dimensions(session, (*by, *(filters or {})))
    if period is not None:
        check_period(period)
    groups = estimated_groups(session, by=by, period=period, filters=filters)
    if groups > max_groups:
        sliced = " × ".join([*by, *([period] if period else [])]) or "nothing"
        raise QueryTooCostlyError(
            f"slicing by {sliced} makes up to {groups:,} groups, more than {max_groups:,}",
            Location(field="query.by"),
            expected="fewer dimensions, a filter, or a coarser period",
            limit=max_groups,
            error_code="query_too_costly",
        )


def partial_responses(session: Session, *, survey: str | None = None) -> int:
    """How many responses were started and never counted (of ``survey``, or all).

    Reported beside the metrics, never in them: see
    :mod:`cxlens.features.collection.counting_repository` for what a counted response is.
    """
    return repo.partial_count(session, survey=survey)
