"""The notebook API: ``cxlens.nps(values)``, ``cxlens.metrics(table, by=..., period=...)``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cxlens.analytics import arrays
from cxlens.analytics import formulas as f
from cxlens.analytics.engine import MetricSpec, ScoreColumn, as_relation, compute_metrics
from cxlens.analytics.results import MetricValue, MetricValues
from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import ConfigurationError

#: Time columns picked, in this order, when a period is asked for without ``time=``.
TIME_COLUMNS = ("submitted_at", "timestamp", "time", "date", "created_at")


def _nps_scale(scale: tuple[int, int]) -> Scale:
    if tuple(scale) not in ((0, 10), (1, 10)):
        raise ConfigurationError(
            f"NPS scale {scale!r} is not supported; use (0, 10) or a declared (1, 10)"
        )
    return Scale(scale[0], scale[1])


def _scale(scale: int | tuple[int, int] | Scale, **kw: Any) -> Scale:
    if isinstance(scale, Scale):
        return scale
    if isinstance(scale, int):
        return Scale(1, scale, **kw)
    return Scale(scale[0], scale[1], **kw)


def nps(
    values: Iterable[Any], *, scale: tuple[int, int] = (0, 10), min_n: int = f.DEFAULT_MIN_N
) -> MetricValue:
    """Net Promoter Score of 0-10 answers (or a declared 1-10 scale), never shifted.

    ``None`` and NaN are ignored; a value outside the scale raises ``InputError`` with its
    1-based position.
    """
    sc = _nps_scale(scale)
    x = arrays.to_float_array(values)
    arrays.check_scale(x, sc)
    return f.nps_value(arrays.nps_counts(x), min_n=min_n)


def csat(
    values: Iterable[Any],
    scale: int | tuple[int, int] | Scale = 5,
    positive_min: float | None = None,
    *,
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValue:
    """CSAT: share of positive answers x100 (default top two boxes; 9-10 on 10 points).

    ``scale`` is the number of points (1..scale), a ``(low, high)`` pair or a ``Scale``.
    """
    sc = _scale(scale, positive_min=positive_min)
    x = arrays.to_float_array(values)
    arrays.check_scale(x, sc)
    return f.csat_value(arrays.score_counts(x, sc), min_n=min_n)


def ces(
    values: Iterable[Any],
    scale: int | tuple[int, int] | Scale = 7,
    higher_is_better: bool = True,
    *,
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValue:
    """Customer Effort Score: mean oriented so that higher = easier, and % easy.

    ``higher_is_better=False`` declares a reversed scale (e.g. 1 = very low effort).
    """
    sc = _scale(scale, higher_is_better=higher_is_better)
    x = arrays.to_float_array(values)
    arrays.check_scale(x, sc)
    return f.ces_value(arrays.score_counts(x, sc), sc, min_n=min_n)


def cxi(
    effectiveness: Iterable[Any],
    ease: Iterable[Any],
    emotion: Iterable[Any],
    *,
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValue:
    """Classic CXi from three 5-point questions: mean of their %top-2 - %bottom-2."""
    sc = Scale(1, 5)
    parts = []
    for name, values in (("effectiveness", effectiveness), ("ease", ease), ("emotion", emotion)):
        x = arrays.to_float_array(values, name=name)
        arrays.check_scale(x, sc, name=name)
        parts.append(arrays.score_counts(x, sc))
    return f.cxi_value(parts[0], parts[1], parts[2], min_n=min_n)


Columns = str | ScoreColumn | Sequence[str | ScoreColumn] | None


def _columns(arg: Columns, kind: MetricKind, scale: Scale) -> list[ScoreColumn]:
    """One column or several (``csat=["sat", "sat_staff"]``) as score columns."""
    if arg is None:
        return []
    items = [arg] if isinstance(arg, str | ScoreColumn) else list(arg)
    out: list[ScoreColumn] = []
    for item in items:
        if isinstance(item, ScoreColumn):
            out.append(item)
        elif isinstance(item, str):
            out.append(ScoreColumn(item, kind, scale))
        else:
            raise ConfigurationError(
                f"{kind.value}= takes a column name, a ScoreColumn or a list of them, "
                f"not {type(item).__name__}"
            )
    return out


def metrics(
    table: Any,
    by: str | Sequence[str] = (),
    period: str | None = None,
    *,
    nps: Columns = None,
    csat: Columns = None,
    ces: Columns = None,
    scores: Sequence[ScoreColumn] = (),
    time: str | None = None,
    tz: str = "UTC",
    min_n: int = f.DEFAULT_MIN_N,
) -> MetricValues:
    """Metrics of a pandas, polars, pyarrow, Ibis or DuckDB table, by group and period.

    Name the score columns with ``nps=``/``csat=``/``ces=`` (a name or a list of names;
    default scales 0-10, 1-5 and 1-7 agree; pass a :class:`ScoreColumn` to declare
    another) or ``scores=``; with none
    given, columns literally named ``nps``, ``csat`` and ``ces`` are used. ``period`` is
    day, week, month, quarter or year in time zone ``tz``, over the ``time`` column
    (default: the first of ``submitted_at``, ``timestamp``, ``time``, ``date``,
    ``created_at``). ``by`` names columns of the table; an unknown one is an error listing
    the columns. Changes between periods are tested (exact tests at small n) with
    false-discovery control; a metric with no answers in a group is in ``no_data``.
    """
    rel = as_relation(table)
    columns = list(rel.columns)
    chosen = [
        *_columns(nps, MetricKind.NPS, Scale(0, 10)),
        *_columns(csat, MetricKind.CSAT, Scale(1, 5)),
        *_columns(ces, MetricKind.CES, Scale(1, 7)),
        *scores,
    ]
    if not chosen:
        lower = {c.lower(): c for c in columns}
        defaults = (
            ("nps", MetricKind.NPS, Scale(0, 10)),
            ("csat", MetricKind.CSAT, Scale(1, 5)),
            ("ces", MetricKind.CES, Scale(1, 7)),
        )
        chosen = [ScoreColumn(lower[n], k, s) for n, k, s in defaults if n in lower]
    if not chosen:
        raise ConfigurationError(
            "no score column: name one with nps=, csat=, ces= or scores=, or call the "
            f"columns nps, csat or ces (columns: {', '.join(columns)})"
        )
    if period is not None and time is None:
        time = next((c for c in TIME_COLUMNS if c in columns), None)
        if time is None:
            raise ConfigurationError(
                f"period {period!r} needs a time column: pass time= (columns: {', '.join(columns)})"
            )
    by_cols = (by,) if isinstance(by, str) else tuple(by)
    spec = MetricSpec(tuple(chosen), time=time)
    return compute_metrics(rel, spec, by=by_cols, period=period, tz=tz, min_n=min_n)
