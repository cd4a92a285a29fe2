"""Which column feeds which metric: recognised from header text, confirmed by the values.

Header words in en/it/ro/nl/fr/de/es are matched without accents or case; a candidate is
kept only when its values fit (NPS: integers 0-10; CSAT/CES: a 5-, 7- or 10-point scale).
:class:`MappingOverrides` (the CLI's ``--nps/--csat/--ces/--text/--by``) take precedence.

A CSAT/CES column recognised by its header whose scale is only guessed from its values
(no answer labels, no "1-5" in the header) is *flagged*, not computed, when its values do
not fit the scale: no answer reaches the top boxes and it uses at most
:data:`_FEW_VALUES` distinct values (the CarpentryCon "satisfaction_session_length"
column, 1-3 for too short / right / too long, would be CSAT 0 % on 1-5). It is listed in
:attr:`ColumnMapping.flagged` with the reason; naming it (``--csat``) computes it anyway.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cxlens.analytics.scales import MetricKind, Scale
from cxlens.core.errors import InputError, Location
from cxlens.core.tables import RESPONSES, TS, NormalizedResponses, QuestionColumn
from cxlens.ingest.bad_values import BadValue, bad_values_error, sort_bad
from cxlens.ingest.dates import check_dates, parse_dates
from cxlens.ingest.formats.base import SurveyFormat
from cxlens.ingest.raw import RawTable
from cxlens.ingest.values import Converted, convert, fold

_NPS = re.compile(
    r"recommend|consiglier|raccomand|recomand|aanbeve[el]|aanrad|recommand|empfehlen|recomendar"
    r"|\bltr\b|likely.to.recommend|\bnps\b|net.promoter"
)
_CES = re.compile(
    r"\bces\b|effort|\beasy\b|\bfacil|gemakkelijk|einfach|\busor\b|sforzo|inspanning|aufwand|esfuerzo|efort|makkelijk"
)
_CSAT = re.compile(r"satisf|soddisf|tevreden|zufrieden|multumit|\bcsat\b")
_TEXT = re.compile(
    r"comment|\bwhy\b|reason|feedback|perche|opmerking|commentaire|kommentar|comentario"
    r"|motivo|suggest|\bopen.ended|\bimprove|do better|migliorar|ameliorer|verbessern|mejorar"
    r"|verbeter|imbunatat"
)
_EFFORT = re.compile(r"effort|sforzo|inspanning|aufwand|esfuerzo|efort")
_DECLARED = re.compile(r"(\d{1,2})\s*(?:-|\u2013|to|a|al|bis|tot|la|\u00e0)\s*(\d{1,2})")
_AUTO_BAD_SHARE = 0.2
#: A guessed scale is doubted when a column uses at most this many distinct values.
_FEW_VALUES = 3
#: Below this many answers a column is computed, not flagged: a few unhappy answers that
#: never reach the top boxes are a real (low-confidence) 0 %, not a sign of another scale.
_MISFIT_MIN_ANSWERS = 20
#: Header words of questions about a quantity or a frequency rather than a satisfaction.
_NOT_SATISFACTION = re.compile(
    r"length|\blong\b|\bshort\b|duration|how often|frequen|how many|number of|\bage\b"
    r"|\bprice\b|\bcost\b|\bspeed\b|\bpace\b|\bsize\b|\bamount\b"
)


@dataclass(frozen=True)
class MappingOverrides:
    """Columns named by the user; each must exist in the file."""

    nps: str | None = None
    csat: Sequence[str] = ()
    ces: Sequence[str] = ()
    text: Sequence[str] = ()
    by: Sequence[str] = ()
    time: str | None = None


@dataclass(frozen=True)
class MetricColumn:
    """A score column, the metric it feeds and its declared scale."""

    column: str
    label: str
    kind: MetricKind
    scale: Scale
    #: Why the values do not fit ``scale`` (see the module docstring); None when they do.
    misfit: str | None = None


@dataclass(frozen=True)
class ColumnMapping:
    """The mapping used for an import or an analysis (always printed)."""

    format: str
    scores: tuple[MetricColumn, ...] = ()
    text: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    time: str | None = None
    time_format: str | None = None
    time_zone: str | None = None
    id: str | None = None
    decimal_comma: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: Score columns recognised by their header whose values do not fit the scale: shown
    #: with the reason (``MetricColumn.misfit``), never computed or imported.
    flagged: tuple[MetricColumn, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description: ``{"nps": {...}, "csat": [...], ...}``.

        ``flagged`` (present when a column is) lists ``{"column", "metric", "scale",
        "reason"}`` for each score column left out because its values do not fit.
        """

        def one(m: MetricColumn) -> dict[str, Any]:
            return {
                "column": m.column,
                "label": m.label,
                "scale": [m.scale.low, m.scale.high],
                "higher_is_better": m.scale.higher_is_better,
            }

        out: dict[str, Any] = {"nps": None, "csat": [], "ces": [], "text": list(self.text)}
        for m in self.scores:
            if m.kind is MetricKind.NPS:
                out["nps"] = one(m)
            else:
                out.setdefault(str(m.kind), []).append(one(m))
        out.update(by=list(self.by), time=self.time, id=self.id)
        if self.flagged:
            out["flagged"] = [
                {
                    "column": m.column,
                    "metric": str(m.kind),
                    "scale": [m.scale.low, m.scale.high],
                    "reason": m.misfit,
                }
                for m in self.flagged
            ]
        return out


def build_mapping(
    raw: RawTable, fmt: SurveyFormat, overrides: MappingOverrides = MappingOverrides()
) -> ColumnMapping:
    """Recognise metric, text, dimension and time columns; apply ``overrides``."""
    _check_exist(raw, overrides)
    decimal_comma = raw.delimiter not in (None, ",")
    warnings: list[str] = [*raw.notes, *fmt.notes]
    named = {overrides.nps, overrides.time, *overrides.csat, *overrides.ces, *overrides.text}
    named |= set(overrides.by)
    scores: list[MetricColumn] = []
    flagged: list[MetricColumn] = []
    text: list[str] = list(overrides.text)
    if overrides.nps:
        scores.append(_confirm(raw, fmt, overrides.nps, MetricKind.NPS, decimal_comma, True))
    for col in overrides.csat:
        scores.append(_confirm(raw, fmt, col, MetricKind.CSAT, decimal_comma, True))
    for col in overrides.ces:
        scores.append(_confirm(raw, fmt, col, MetricKind.CES, decimal_comma, True))
    for named_score in scores:
        if named_score.misfit is not None:
            warnings.append(
                f"column {named_score.column!r} is computed as {named_score.kind} because it"
                f" was named, but {named_score.misfit}"
            )
    auto_kinds = {m.kind for m in scores}
    have_nps = overrides.nps is not None
    for col in raw.header:
        if col in named or col in fmt.metadata:
            continue
        label = fold(f"{col} {fmt.label(col)}")
        kind = None if col in fmt.not_scores else _kind_from_text(label)
        if kind is None:
            if _TEXT.search(label) and not overrides.text:
                text.append(col)
            continue
        if kind is MetricKind.NPS and have_nps:
            continue
        if kind is not MetricKind.NPS and kind in auto_kinds:
            continue  # the user named the columns of this metric
        found = _try_confirm(raw, fmt, col, kind, decimal_comma, warnings)
        if found is not None and found.misfit is not None:
            flagged.append(found)
        elif found is not None:
            scores.append(found)
            have_nps = have_nps or kind is MetricKind.NPS
    time, time_format, time_zone = overrides.time, None, None
    if time is None and fmt.date_column is not None:
        time, time_format = _auto_time(raw, fmt.date_column, fmt.date_format, warnings)
        time_zone = fmt.time_zone if time is not None else None
    return ColumnMapping(
        format=fmt.name,
        scores=tuple(scores),
        text=tuple(text),
        by=tuple(overrides.by),
        time=time,
        time_format=time_format,
        time_zone=time_zone,
        id=fmt.id_column,
        decimal_comma=decimal_comma,
        warnings=tuple(warnings),
        flagged=tuple(flagged),
    )


def _auto_time(
    raw: RawTable, column: str, hint: str | None, warnings: list[str]
) -> tuple[str | None, str | None]:
    """The detected date column and its format, or ``(None, None)`` with a warning.

    Only a column the user did not name is dropped: its values are shown, and periods then
    need ``--time``.
    """
    check = check_dates(raw.table.column(column), hint)
    if check.ok:
        return column, check.format
    if check.present == 0:
        return None, None
    if check.format is not None and check.bad <= _AUTO_BAD_SHARE * check.present:
        return column, check.format  # a date column with some bad values: normalize names them
    shown = ", ".join(repr(v) for v in check.examples)
    what = (
        f"{check.bad} of {check.present} values do not parse as dates in one format"
        if check.format is not None
        else "its values are not dates in any known format"
    )
    warnings.append(
        f"column {column!r} looks like the response date but {what} (e.g. {shown}); it is not"
        " used as the time, so name a date column with --time to get periods"
    )
    return None, None


def _kind_from_text(label: str) -> MetricKind | None:
    if _NPS.search(label):
        return MetricKind.NPS
    if _CES.search(label):
        return MetricKind.CES
    if _CSAT.search(label):
        return MetricKind.CSAT
    return None


def _check_exist(raw: RawTable, overrides: MappingOverrides) -> None:
    names = [overrides.nps, overrides.time, *overrides.csat, *overrides.ces]
    names += [*overrides.text, *overrides.by]
    for name in names:
        if name is not None and name not in raw.header:
            raise InputError(
                f"no column named {name!r}",
                Location(file=raw.source, column=name),
                expected="one of: " + ", ".join(repr(c) for c in raw.header),
            )


def _try_confirm(
    raw: RawTable,
    fmt: SurveyFormat,
    col: str,
    kind: MetricKind,
    decimal_comma: bool,
    warnings: list[str],
) -> MetricColumn | None:
    """A column recognised by its header, kept when most of its values are scores.

    More than :data:`_AUTO_BAD_SHARE` of values that are no score (or outside every scale)
    say the header misled: the column is left out with a warning. Fewer say it is a score
    column with some bad values, which :func:`normalize` reports row by row.
    """
    converted = convert(raw.table.column(col), decimal_comma=decimal_comma)
    if converted.values.null_count == len(converted.values):
        warnings.append(
            f"column {col!r} looks like {kind} by its header but its values are not scores"
        )
        return None
    try:
        return _confirm(raw, fmt, col, kind, decimal_comma, False, converted)
    except _NotAScale as exc:
        warnings.append(
            f"column {col!r} looks like {kind} by its header but {exc}; it is not imported"
            f" (name it with --{kind} to import it and see the values that do not fit)"
        )
        return None


class _NotAScale(Exception):
    pass


def _confirm(
    raw: RawTable,
    fmt: SurveyFormat,
    col: str,
    kind: MetricKind,
    decimal_comma: bool,
    named: bool,
    converted: Converted | None = None,
) -> MetricColumn:
    if converted is None:
        converted = convert(raw.table.column(col), decimal_comma=decimal_comma)
    label = fmt.label(col)
    if kind is MetricKind.NPS and converted.labels is not None:
        _scale_error(raw, col, named, _score_expected(kind, Scale(0, 10)))
    scale = _fit_scale(kind, label, converted)
    if not named:
        bad = pc.or_(converted.bad, _outside(converted.values, kind, scale))
        n_bad = _count_true(bad)
        present = len(converted.values) - converted.values.null_count + _count_true(converted.bad)
        if present and n_bad / present > _AUTO_BAD_SHARE:
            raise _NotAScale(f"{n_bad} of {present} values are not {_score_expected(kind, scale)}")
    misfit = None
    if converted.labels is None and not _declared_scale(label):
        misfit = _misfit(kind, f"{col} {label}", scale, converted.values)
    return MetricColumn(col, label, kind, scale, misfit)


def _declared_scale(label: str) -> bool:
    """Whether the header states its scale ("1-5", "0 to 10")."""
    declared = _DECLARED.search(fold(label))
    return declared is not None and int(declared.group(1)) < int(declared.group(2)) <= 10


def _misfit(kind: MetricKind, header: str, scale: Scale, values: pa.Array) -> str | None:
    """Why a CSAT/CES column's values do not fit the ``scale`` guessed for it, or None.

    They do not when, over at least :data:`_MISFIT_MIN_ANSWERS` answers, none reaches the
    top boxes and at most :data:`_FEW_VALUES` distinct values are used: the metric would be
    0 % by construction, and the column most likely holds another kind of answer (a 1-3
    "too short / right / too long").
    """
    if kind not in (MetricKind.CSAT, MetricKind.CES) or scale.points < 5:
        return None
    inside = pc.drop_null(
        values.filter(
            pc.fill_null(
                pc.and_(pc.greater_equal(values, scale.low), pc.less_equal(values, scale.high)),
                False,
            )
        )
    )
    answered = inside.to_pylist()
    seen = sorted({float(v) for v in answered})
    if len(answered) < _MISFIT_MIN_ANSWERS or len(seen) > _FEW_VALUES:
        return None
    top = scale.top_boxes_min()
    if any(scale.orient(v) >= top for v in seen):
        return None
    boxes = (
        f"{_num(top)}-{scale.high}"
        if scale.higher_is_better
        else f"{scale.low}-{_num(scale.low + scale.high - top)}"
    )
    why = (
        f"its values ({', '.join(_num(v) for v in seen)}) never reach the top boxes ({boxes})"
        f" of the {scale.low}-{scale.high} scale they would be read on, so {kind} would be"
        f" 0 % by construction"
    )
    if _NOT_SATISFACTION.search(fold(header).replace("_", " ")):
        why += "; its header asks about a quantity, not a satisfaction"
    return why + " (state the scale in the header, e.g. '(1-3)', if it is one)"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _count_true(mask: pa.Array) -> int:
    return int(pc.sum(pc.cast(pc.fill_null(mask, False), pa.int64())).as_py() or 0)


def _fit_scale(kind: MetricKind, label: str, converted: Converted) -> Scale:
    """The scale of a score column: NPS 0-10, a label scale, declared, or from the values.

    Values outside 0-10 fit no scale, so they do not widen it (they are bad values).
    """
    if kind is MetricKind.NPS:
        return Scale(0, 10)
    if converted.labels is not None:
        return Scale(1, converted.labels.points, converted.labels.higher_is_better)
    values = converted.values
    plausible = values.filter(
        pc.fill_null(pc.and_(pc.greater_equal(values, 0), pc.less_equal(values, 10)), False)
    )
    if len(plausible) == 0:
        plausible = pc.drop_null(values)
    low = pc.min(plausible).as_py() if len(plausible) else None
    high = pc.max(plausible).as_py() if len(plausible) else None
    if low is None or high is None:
        return _default_scale(kind, label, 0, 0)
    return _default_scale(kind, label, low, high)


def _outside(values: pa.Array, kind: MetricKind, scale: Scale) -> pa.Array:
    """True where a score is outside ``scale`` (or, for NPS, not a whole number)."""
    out = pc.or_(pc.less(values, scale.low), pc.greater(values, scale.high))
    if kind is MetricKind.NPS:
        out = pc.or_(out, pc.not_equal(values, pc.round(values)))
    return pc.fill_null(out, False)


def _score_expected(kind: MetricKind, scale: Scale) -> str:
    if kind is MetricKind.NPS:
        return f"integers from {scale.low} to {scale.high}"
    return f"scores from {scale.low} to {scale.high}"


def _default_scale(kind: MetricKind, label: str, low: float, high: float) -> Scale:
    folded = fold(label)
    declared = _DECLARED.search(folded)
    reverse = kind is MetricKind.CES and bool(_EFFORT.search(folded))
    if declared and int(declared.group(1)) < int(declared.group(2)) <= 10:
        return Scale(int(declared.group(1)), int(declared.group(2)), not reverse)
    top = 5 if high <= 5 else 7 if high <= 7 else 10
    bottom = 0 if low < 1 else 1
    return Scale(bottom, top, not reverse)


def _scale_error(raw: RawTable, col: str, named: bool, expected: str) -> None:
    if not named:
        raise _NotAScale(f"its values are not {expected}")
    raise InputError(
        "the values are answer labels, not scores",
        Location(file=raw.source, column=col),
        expected=expected,
    )


_NOT_A_SCORE = (
    "a number, a label of one known answer scale (Very satisfied … Very dissatisfied),"
    " or NA, N/A, ?, - or empty for a missing answer"
)


def _score_cells(
    raw: RawTable, metric: MetricColumn, decimal_comma: bool
) -> tuple[pa.Array, pa.Array, list[BadValue]]:
    """A score column as float64, the mask of its bad cells and those cells described."""
    column = raw.table.column(metric.column)
    converted = convert(column, decimal_comma=decimal_comma)
    outside = _outside(converted.values, metric.kind, metric.scale)
    bad_mask = pc.or_(converted.bad, outside)
    bad: list[BadValue] = []
    expected = _score_expected(metric.kind, metric.scale)
    for index in pc.indices_nonzero(bad_mask).to_pylist():
        value = column[index].as_py()
        if converted.bad[index].as_py():
            problem, wanted = f"{value!r} is not a score", _NOT_A_SCORE
        else:
            problem = f"score {value!r} does not fit the column's scale"
            wanted = f"{expected} ({metric.kind} column)"
        bad.append(BadValue(raw.source, raw.file_row(index), metric.column, value, problem, wanted))
    values = pc.if_else(bad_mask, pa.scalar(None, pa.float64()), converted.values)
    return values, bad_mask, bad


def normalize(
    raw: RawTable, mapping: ColumnMapping, *, tz: str = "UTC", source: str | None = None
) -> NormalizedResponses:
    """Build the normalised responses table (core.tables.RESPONSES plus question columns).

    Raises :class:`InputError` naming the first value that does not fit its column (file,
    row, column, expected form); see :func:`normalize_rows` to skip such rows instead.
    """
    return normalize_rows(raw, mapping, tz=tz, source=source)[0]


def normalize_rows(
    raw: RawTable,
    mapping: ColumnMapping,
    *,
    tz: str = "UTC",
    source: str | None = None,
    skip_bad_rows: bool = False,
) -> tuple[NormalizedResponses, tuple[BadValue, ...]]:
    """The normalised responses and the values left out with their rows.

    Every value of a mapped column must fit it: a score its scale, a date the column's
    format. A value that does not is an error (all or nothing), unless ``skip_bad_rows``:
    then the rows holding such values are left out and returned, one :class:`BadValue`
    per cell, in file order. Nothing is nulled or dropped silently.
    """
    n = raw.table.num_rows
    bad: list[BadValue] = []
    bad_rows = np.zeros(n, dtype=np.bool_)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {}
    if mapping.id is not None:
        columns["response_ref"] = raw.table.column(mapping.id)
    else:
        columns["response_ref"] = pa.array(_row_hashes(raw), pa.string())
    if mapping.time is not None:
        parsed = parse_dates(
            raw.table.column(mapping.time),
            mapping.time_format,
            tz=mapping.time_zone or tz,
            source=raw.source,
            column=mapping.time,
            file_row=raw.file_row,
            keep_bad=True,
        )
        columns["submitted_at"] = parsed.values
        values = raw.table.column(mapping.time)
        for index in parsed.bad:
            bad_rows[index] = True
            bad.append(
                BadValue(
                    raw.source,
                    raw.file_row(index),
                    mapping.time,
                    values[index].as_py(),
                    f"{values[index].as_py()!r} is not a date in the column's format"
                    f" {parsed.format}",
                    f"a date like the other values ({parsed.format})",
                )
            )
    else:
        columns["submitted_at"] = pa.nulls(n, TS)
    nulls = pa.nulls(n, pa.string())
    for name in ("customer_ref", "account_ref", "language", "touchpoint"):
        columns[name] = nulls
    columns["channel"] = pa.array(["import"] * n, pa.string())
    columns["source"] = pa.array([source or mapping.format] * n, pa.string())
    questions: list[QuestionColumn] = []
    for m in mapping.scores:
        scores, mask, cells = _score_cells(raw, m, mapping.decimal_comma)
        columns[m.column] = scores
        if cells:
            bad_rows |= mask.to_numpy(zero_copy_only=False)
            bad.extend(cells)
        questions.append(
            QuestionColumn(
                m.column, m.label, str(m.kind), m.scale.low, m.scale.high, m.scale.higher_is_better
            )
        )
    for col in mapping.text:
        columns[col] = raw.table.column(col)
        questions.append(QuestionColumn(col, col, "text"))
    for col in mapping.by:
        columns[col] = raw.table.column(col)
    if bad and not skip_bad_rows:
        raise bad_values_error(bad)
    base = [RESPONSES.field(i).name for i in range(len(RESPONSES))]
    ordered = base + [c for c in columns if c not in base]
    table = pa.table({c: columns[c] for c in ordered})
    if bad:
        table = table.filter(pa.array(~bad_rows))
    data = NormalizedResponses(
        table, tuple(questions), tuple(mapping.by), warnings=mapping.warnings
    )
    return data, tuple(sort_bad(bad))


def _row_hashes(raw: RawTable) -> list[str]:
    """A sha256 of each row's cells and of how often the same cells came before.

    Re-importing the same file gives the same hashes (idempotent), while two identical
    rows of one file (two people giving the same answers, no id column) stay two responses.
    """
    joined = pc.binary_join_element_wise(
        *[pc.fill_null(raw.table.column(i), "\x00") for i in range(raw.table.num_columns)], "\x1f"
    )
    seen: dict[str, int] = {}
    hashes: list[str] = []
    for value in joined.to_pylist():
        digest = hashlib.sha256(value.encode()).hexdigest()
        occurrence = seen.get(digest, 0)
        seen[digest] = occurrence + 1
        hashes.append(digest if occurrence == 0 else f"{digest}#{occurrence}")
    return hashes
