"""Store importers: normalised Arrow tables in, rows in the system of record out.

Every importer flushes and never commits: the caller's unit of work makes an import one
transaction, so a failure leaves the store unchanged. A response is identified by
``(source, response_ref)`` (unique); its ``content_hash`` covers everything imported with
it (questions, answers, date, customer, account, touchpoint, channel, language,
dimensions). Importing the same responses twice adds nothing; importing a response again
with other values (a corrected file, a new column mapping) updates it in place and replaces
its answers. Responses and answers are built column-wise in Arrow and written in bulk (see
:func:`repository.bulk_insert`): no Python work per cell beyond the content hash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import CASES, CUSTOMERS, REFERRALS, RESPONSES, TS, NormalizedResponses
from cxlens.features.accounts import AuditAction, record_audit
from cxlens.features.imports import repository as repo
from cxlens.features.imports.questions import is_score, question_row, signature
from cxlens.features.imports.schemas import ImportResult, ProgressCallback
from cxlens.features.imports.validation import check_range, conform, require_values
from cxlens.models import LifecycleKind, utcnow

#: Responses per insert batch.
BATCH_SIZE = 20_000
#: Separates the parts of a response's identity and of its content-hash text.
_SEP = "\x1f"
_EMPTY_ANSWERS = pa.table(
    {
        "response_id": pa.array([], pa.int64()),
        "question_id": pa.array([], pa.int64()),
        "value": pa.array([], pa.float64()),
        "text": pa.array([], pa.string()),
    }
)
#: Columns of a response (besides its date, dimensions and answers) its content hash covers.
_HASHED = ("customer_ref", "account_ref", "touchpoint", "channel", "language")
#: The batch column holding each response's dimensions as JSON text.
_DIMENSIONS = "\x00dimensions"
#: Source recorded when a responses table leaves it empty.
DEFAULT_SOURCE = "import"


@dataclass(frozen=True, slots=True)
class _Context:
    """What every batch of one responses import shares."""

    data: NormalizedResponses
    qrows: Sequence[dict[str, Any]]
    qids: Mapping[str, int]
    version_id: int
    survey_id: int
    signature: str
    touchpoints: _Lookup
    accounts: _Lookup
    customers: _Lookup
    stored_sources: frozenset[str]
    ids_per_survey: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class _Lookup:
    """A ref → id mapping applied to whole Arrow columns."""

    keys: pa.Array
    ids: pa.Array

    @classmethod
    def of(cls, mapping: Mapping[str, int]) -> _Lookup:
        return cls(pa.array(list(mapping), pa.string()), pa.array(mapping.values(), pa.int64()))

    def __call__(self, refs: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
        """The id of each ref; null where the ref is null, empty or unknown."""
        if len(self.keys) == 0:
            return pa.nulls(len(refs), pa.int64())
        return pc.take(self.ids, pc.index_in(refs, value_set=self.keys))


def import_responses(
    session: Session,
    data: NormalizedResponses,
    *,
    on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    ids_per_survey: bool = False,
) -> ImportResult:
    """Load responses and their answers; skip those already stored or repeated in ``data``.

    Creates or reuses the survey (by ``data.survey_name``) and its version (by the question
    definitions), touchpoints by key, accounts and customers by ref. Rows go in by batches
    of ``batch_size`` (PostgreSQL ``COPY``, SQLite ``executemany``), all in the session's
    transaction.

    A response already stored (same ``source`` and ``response_ref``) with the same content
    hash is skipped; with another hash it is updated in place and its answers replaced
    (``result.updated``), moving it to this survey version. ``ids_per_survey`` says the
    refs only identify a response within one survey (row numbers of a generic CSV): a
    stored response of another survey is then left alone, and a warning counts them.
    """
    table = conform(data.table, RESPONSES, "responses")
    require_values(table, ["response_ref"], "responses")
    for q in data.questions:
        if q.column not in table.column_names:
            raise InputError(
                f"question column {q.column!r} is described but not in the table",
                Location(column=q.column),
                expected="a column for every question",
            )
    rows = [question_row(q, i) for i, q in enumerate(data.questions)]
    result = ImportResult(kind="responses", rows=table.num_rows, warnings=list(data.warnings))
    version_id = _survey_version(session, data.survey_name, rows, result)
    assert result.survey_id is not None

    sources = pc.fill_null(table.column("source"), DEFAULT_SOURCE)
    table = table.set_column(table.schema.get_field_index("source"), "source", sources)
    stored = frozenset(s for s in _distinct(table, "source") if repo.has_responses(session, s))
    touchpoints = repo.ensure_touchpoints(session, _distinct(table, "touchpoint"))
    accounts = repo.ensure_accounts(session, _distinct(table, "account_ref"))
    customer_accounts = _customer_accounts(table, accounts)
    customers, created = repo.ensure_customers(
        session, _distinct(table, "customer_ref"), customer_accounts
    )
    result.customers_added = created
    context = _Context(
        data=data,
        qrows=rows,
        qids=repo.question_ids(session, version_id),
        version_id=version_id,
        survey_id=result.survey_id,
        signature=signature(rows),
        touchpoints=_Lookup.of(touchpoints),
        accounts=_Lookup.of(accounts),
        customers=_Lookup.of(customers),
        stored_sources=stored,
        ids_per_survey=ids_per_survey,
        created_at=utcnow(),
    )
    first = _first_occurrences(table)
    total = table.num_rows
    elsewhere = 0
    with repo.large_page_cache(session):
        for start in range(0, total, batch_size):
            batch = table.slice(start, batch_size)
            counts = _import_batch(
                session, batch, first[start : start + batch_size], start, context
            )
            result.added += counts.added
            result.updated += counts.updated
            result.answers_added += counts.answers
            elsewhere += counts.elsewhere
            if on_progress is not None:
                on_progress(min(start + batch_size, total), total)
    result.skipped_duplicates = total - result.added - result.updated
    if elsewhere:
        result.warnings.append(
            f"{elsewhere} row(s) were not imported: their ids are stored for another survey,"
            " and ids of this kind of file only number the rows of one survey; to replace"
            " what an earlier file stored, import its correction under the earlier file's"
            " name"
        )
    session.flush()
    return result


def _survey_version(
    session: Session, name: str, rows: Sequence[dict[str, Any]], result: ImportResult
) -> int:
    sig = signature(rows)
    survey = repo.find_survey(session, name) or repo.add_survey(session, name)
    version = repo.find_version(session, survey.id, sig) or repo.add_version(
        session, survey.id, sig, rows
    )
    result.survey_id = survey.id
    result.survey_version = version.version
    return version.id


def _distinct(table: pa.Table, column: str) -> list[str]:
    values = pc.unique(pc.drop_null(table.column(column))).to_pylist()
    return [v for v in values if v]


def _customer_accounts(table: pa.Table, accounts: Mapping[str, int]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    if not accounts:
        return out
    pairs = zip(
        table.column("customer_ref").to_pylist(),
        table.column("account_ref").to_pylist(),
        strict=True,
    )
    for customer, account in pairs:
        if customer and account and customer not in out:
            out[customer] = accounts.get(account)
    return out


def _keys(table: pa.Table) -> pa.ChunkedArray | pa.Array:
    """``source`` and ``response_ref`` joined: the identity of a response."""
    return pc.binary_join_element_wise(table.column("source"), table.column("response_ref"), _SEP)


def _first_occurrences(table: pa.Table) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per row, whether it is the first with its (source, response_ref) in ``table``."""
    keys = pa.table({"k": _keys(table), "i": pa.array(np.arange(table.num_rows))})
    first = keys.group_by("k", use_threads=False).aggregate([("i", "min")]).column("i_min")
    mask = np.zeros(table.num_rows, dtype=np.bool_)
    mask[first.to_numpy()] = True
    return mask


@dataclass(frozen=True, slots=True)
class _Counts:
    added: int = 0
    updated: int = 0
    answers: int = 0
    elsewhere: int = 0


def _import_batch(
    session: Session,
    batch: pa.Table,
    first: np.ndarray[Any, np.dtype[np.bool_]],
    offset: int,
    ctx: _Context,
) -> _Counts:
    """Insert the new responses of ``batch`` and update the stored ones whose values changed.

    A response already stored with the same content hash is skipped; with ``ids_per_survey``
    one stored for another survey is left alone (counted in ``elsewhere``).
    """
    questions: dict[str, pa.ChunkedArray] = {}
    for q, qrow in zip(ctx.data.questions, ctx.qrows, strict=True):
        col = batch.column(q.column)
        if is_score(qrow["type"]):
            col = _as_float(col, q.column, offset)
            if qrow["scale_low"] is not None and qrow["scale_high"] is not None:
                check_range(col, qrow["scale_low"], qrow["scale_high"], q.column, offset)
        elif col.type != pa.string():
            col = col.cast(pa.string())
        questions[q.column] = col

    keep = pa.array(first)
    batch = batch.filter(keep).combine_chunks()
    questions = {k: v.filter(keep) for k, v in questions.items()}
    if batch.num_rows == 0:
        return _Counts()
    batch = batch.append_column(_DIMENSIONS, _dimensions_json(batch, ctx.data.dimensions))
    hashes = _content_hashes(batch, questions, ctx)
    stored = _stored(session, batch, ctx.stored_sources)
    new = np.ones(batch.num_rows, dtype=np.bool_)
    changed_ids: list[int] = []
    changed = np.zeros(batch.num_rows, dtype=np.bool_)
    elsewhere = 0
    if stored:
        keys = _keys(batch).to_pylist()
        for i, (key, digest) in enumerate(zip(keys, hashes.to_pylist(), strict=True)):
            found = stored.get(key)
            if found is None:
                continue
            new[i] = False
            rid, old_digest, survey_id = found
            if ctx.ids_per_survey and survey_id != ctx.survey_id:
                elsewhere += 1
            elif old_digest != digest:
                changed[i] = True
                changed_ids.append(rid)
    added = answers = 0
    if new.any():
        mask = pa.array(new)
        kept = batch.filter(mask)
        kept_questions = {k: v.filter(mask) for k, v in questions.items()}
        ids = repo.allocate_response_ids(session, kept.num_rows)
        rows = _response_rows(kept, ids, kept_questions, hashes.filter(mask), ctx)
        repo.bulk_insert(session, "responses", rows)
        new_answers = _answer_rows(ids, kept_questions, ctx)
        repo.bulk_insert(session, "answers", new_answers)
        added, answers = kept.num_rows, new_answers.num_rows
    if changed_ids:
        mask = pa.array(changed)
        ids = pa.array(changed_ids, pa.int64())
        part = batch.filter(mask)
        part_questions = {k: v.filter(mask) for k, v in questions.items()}
        rows = _response_rows(part, ids, part_questions, hashes.filter(mask), ctx)
        repo.update_responses(session, rows.drop_columns(["response_ref", "source", "created_at"]))
        answers += _replace_answers(session, ids, _answer_rows(ids, part_questions, ctx), ctx)
    return _Counts(added, len(changed_ids), answers, elsewhere)


def _replace_answers(
    session: Session, response_ids: pa.Array, answers: pa.Table, ctx: _Context
) -> int:
    """Make the stored answers of ``response_ids`` the given ones; the number inserted.

    An answer whose text is unchanged is kept (re-keyed to this survey version's question,
    its value set), so its text analyses and labels stay; a changed text is a new answer.
    """
    keys = {qid: key for key, qid in ctx.qids.items()}
    old = {
        (rid, key): (aid, text)
        for aid, rid, key, _value, text in repo.response_answers(session, response_ids.to_pylist())
    }
    updates: list[dict[str, Any]] = []
    inserts: list[int] = []
    deletes: list[int] = []
    columns = [
        answers.column(n).to_pylist() for n in ("response_id", "question_id", "value", "text")
    ]
    for i, (rid, qid, value, text) in enumerate(zip(*columns, strict=True)):
        found = old.pop((rid, keys[qid]), None)
        if found is not None and found[1] == text:
            updates.append({"id": found[0], "question_id": qid, "value": value})
        else:
            inserts.append(i)
            if found is not None:
                deletes.append(found[0])
    deletes.extend(aid for aid, _text in old.values())  # questions no longer answered
    repo.delete_answers(session, deletes)
    repo.update_answers(session, updates)
    repo.bulk_insert(session, "answers", answers.take(pa.array(inserts, pa.int64())))
    return len(inserts)


def _stored(
    session: Session, batch: pa.Table, sources: frozenset[str]
) -> dict[str, tuple[int, str, int]]:
    """Identity key → (id, content hash, survey id) of the responses of ``batch`` stored."""
    if not sources:
        return {}
    srcs = batch.column("source").to_pylist()
    refs = batch.column("response_ref").to_pylist()
    by_source: dict[str, list[str]] = {}
    for src, ref in zip(srcs, refs, strict=True):
        if src in sources:
            by_source.setdefault(src, []).append(ref)
    return {
        f"{src}{_SEP}{ref}": found
        for src, src_refs in by_source.items()
        for ref, found in repo.existing_responses(session, src, src_refs).items()
    }


def _response_rows(
    kept: pa.Table,
    ids: pa.Array,
    questions: Mapping[str, pa.ChunkedArray],
    hashes: pa.Array,
    ctx: _Context,
) -> pa.Table:
    n = kept.num_rows
    return pa.table(
        {
            "id": ids,
            "survey_version_id": pa.repeat(pa.scalar(ctx.version_id, pa.int64()), n),
            "customer_id": ctx.customers(kept.column("customer_ref")),
            "account_id": ctx.accounts(kept.column("account_ref")),
            "response_ref": kept.column("response_ref"),
            "content_hash": hashes,
            "source": kept.column("source"),
            "channel": kept.column("channel"),
            "language": kept.column("language"),
            "touchpoint_id": ctx.touchpoints(kept.column("touchpoint")),
            "submitted_at": kept.column("submitted_at"),
            "dimensions": kept.column(_DIMENSIONS),
            "created_at": pa.repeat(pa.scalar(ctx.created_at, TS), n),
        }
    )


def _answer_rows(
    ids: pa.Array, questions: Mapping[str, pa.ChunkedArray], ctx: _Context
) -> pa.Table:
    """One answer per response and question with a value (scores) or a non-empty text."""
    parts: list[pa.Table] = []
    for q, qrow in zip(ctx.data.questions, ctx.qrows, strict=True):
        col = questions[q.column]
        if is_score(qrow["type"]):
            present = pc.fill_null(pc.invert(pc.is_nan(col)), False)
            value = col.filter(present)
            text = pa.nulls(len(value), pa.string())
        else:
            present = pc.fill_null(pc.greater(pc.utf8_length(col), 0), False)
            text = col.filter(present)
            value = pa.nulls(len(text), pa.float64())
        qid = pa.scalar(ctx.qids[q.column], pa.int64())
        parts.append(
            pa.table(
                {
                    "response_id": ids.filter(present),
                    "question_id": pa.repeat(qid, len(value)),
                    "value": value,
                    "text": text,
                }
            )
        )
    return pa.concat_tables(parts) if parts else _EMPTY_ANSWERS


def _content_hashes(
    kept: pa.Table, questions: Mapping[str, pa.ChunkedArray], ctx: _Context
) -> pa.Array:
    """SHA-256 (hex) of all a response brings: its questions and answers, date, customer,
    account, touchpoint, channel, language and dimensions, as imported.

    Two imports of the same values give the same hash; any changed value (a corrected
    score, a column mapped now that was not before) gives another, so the stored response
    is updated.
    """
    parts = [
        repo.utc_text(kept.column("submitted_at")),
        *(kept.column(name) for name in _HASHED),
        kept.column(_DIMENSIONS),
        *(questions[q.column].cast(pa.string()) for q in ctx.data.questions),
    ]
    joined = pc.binary_join_element_wise(
        *parts, _SEP, null_handling="replace", null_replacement="\x00"
    ).cast(pa.binary())
    prefix = ctx.signature.encode() + _SEP.encode()
    return pa.array([sha256(prefix + b).hexdigest() for b in joined.to_pylist()], pa.string())


def _dimensions_json(kept: pa.Table, dimensions: Sequence[str]) -> pa.Array:
    """The extra dimensions of each response as JSON text (null values left out)."""
    names = [d for d in dimensions if d in kept.column_names]
    if not names:
        return pa.repeat(pa.scalar("{}"), kept.num_rows)
    columns = [kept.column(d).to_pylist() for d in names]
    return pa.array(
        [
            json.dumps({k: v for k, v in zip(names, values, strict=True) if v is not None})
            for values in zip(*columns, strict=True)
        ],
        pa.string(),
    )


def _as_float(col: pa.ChunkedArray, column: str, offset: int) -> pa.ChunkedArray:
    if pa.types.is_floating(col.type):
        return col
    try:
        return col.cast(pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(
            f"score column holds non-numeric values ({exc})",
            Location(row=offset + 1, column=column),
            expected="numbers",
        ) from exc


# --- support cases ------------------------------------------------------------------------


def import_cases(session: Session, table: pa.Table) -> ImportResult:
    """Load support cases (CASES schema), upserting by ``case_ref``: the last row wins."""
    table = conform(table, CASES, "cases")
    require_values(table, ["case_ref"], "cases")
    result = ImportResult(kind="cases", rows=table.num_rows)
    customers, result.customers_added = repo.ensure_customers(
        session, _distinct(table, "customer_ref")
    )
    cols = {name: table.column(name).to_pylist() for name in CASES.names}
    last: dict[str, dict[str, Any]] = {}
    for i, ref in enumerate(cols["case_ref"]):
        customer = cols["customer_ref"][i]
        count = cols["contact_count"][i]
        if count is not None and count < 0:
            raise InputError(
                f"contact count {count} is negative",
                Location(row=i + 1, column="contact_count"),
                expected="a count of 0 or more",
            )
        last[ref] = {
            "case_ref": ref,
            "customer_id": customers.get(customer) if customer else None,
            "channel": cols["channel"][i],
            "status": cols["status"][i],
            "opened_at": cols["opened_at"][i],
            "first_response_at": cols["first_response_at"][i],
            "resolved_at": cols["resolved_at"][i],
            "contact_count": count,
            "reopened": bool(cols["reopened"][i]),
        }
    existing = repo.case_ids(session, list(last))
    new = [row for ref, row in last.items() if ref not in existing]
    old = [row for ref, row in last.items() if ref in existing]
    for part in repo.chunks(new, BATCH_SIZE):
        repo.insert_cases(session, part)
    for part in repo.chunks(old, BATCH_SIZE):
        repo.update_cases(session, part)
    result.added, result.updated = len(new), len(old)
    result.skipped_duplicates = table.num_rows - len(last)
    session.flush()
    return result


# --- customers ----------------------------------------------------------------------------

_CUSTOMER_FIELDS = tuple(n for n in CUSTOMERS.names if n not in ("customer_ref", "account_ref"))


#: The contact columns whose change for a stored customer is written to the audit log.
_AUDITED_CONTACT = ("email", "phone", "name", "locale", "time_zone")


def import_customers(session: Session, table: pa.Table, *, source: str = "cli") -> ImportResult:
    """Load customers (CUSTOMERS schema), upserting by ``customer_ref``.

    Null values never overwrite stored ones; extra columns go into ``attributes``. Writes
    ``acquired``/``churned`` lifecycle events for the dates given (once each).

    An import is the operator's authenticated path: it may change the contact details of
    stored customers, and each customer whose e-mail, phone, name, locale or time zone it
    changes gets a ``customer.contact_changed`` audit entry naming the fields (at
    ``source``), never the values.
    """
    table = conform(table, CUSTOMERS, "customers")
    require_values(table, ["customer_ref"], "customers")
    result = ImportResult(kind="customers", rows=table.num_rows)
    accounts = repo.ensure_accounts(session, _distinct(table, "account_ref"))
    cols = {name: table.column(name).to_pylist() for name in table.column_names}
    extra = [n for n in table.column_names if n not in CUSTOMERS.names]
    last: dict[str, dict[str, Any]] = {}
    for i, ref in enumerate(cols["customer_ref"]):
        account = cols["account_ref"][i]
        row: dict[str, Any] = {"customer_ref": ref, "account_id": accounts.get(account or "")}
        row.update({name: cols[name][i] for name in _CUSTOMER_FIELDS})
        attributes = {n: cols[n][i] for n in extra if cols[n][i] is not None}
        row["attributes"] = attributes or None
        last[ref] = row
    existing = repo.customer_ids(session, list(last))
    now = utcnow()
    new = [
        {**row, "attributes": row["attributes"] or {}, "created_at": now}
        for ref, row in last.items()
        if ref not in existing
    ]
    old = [row for ref, row in last.items() if ref in existing]
    _audit_contact_changes(session, old, source)
    for part in repo.chunks(new, BATCH_SIZE):
        repo.insert_customers(session, part)
    for part in repo.chunks(old, BATCH_SIZE):
        repo.update_customers(session, part)
    result.added, result.updated = len(new), len(old)
    result.skipped_duplicates = table.num_rows - len(last)
    result.events_added = _lifecycle_events(session, last)
    session.flush()
    return result


def _audit_contact_changes(
    session: Session, rows: Sequence[Mapping[str, Any]], source: str
) -> None:
    """One audit entry per stored customer whose contact details ``rows`` change."""
    if not rows:
        return
    stored = repo.customer_contacts(session, [r["customer_ref"] for r in rows], _AUDITED_CONTACT)
    for row in rows:
        before = stored.get(row["customer_ref"], {})
        changed = [
            f
            for f in _AUDITED_CONTACT
            if row.get(f) is not None and row[f] != before.get(f)  # a null keeps the value
        ]
        if changed:
            record_audit(
                session,
                AuditAction.CUSTOMER_CONTACT_CHANGED,
                source=source,
                target=row["customer_ref"],
                details={"fields": changed, "via": "import"},
            )


def _lifecycle_events(session: Session, customers: Mapping[str, Mapping[str, Any]]) -> int:
    ids = repo.customer_ids(session, list(customers))
    stored = repo.existing_events(session, list(ids.values()))
    rows: list[dict[str, Any]] = []
    for ref, row in customers.items():
        for kind, column in (
            (LifecycleKind.ACQUIRED, "acquired_at"),
            (LifecycleKind.CHURNED, "churned_at"),
        ):
            at = row[column]
            if at is None:
                continue
            key = (ids[ref], kind.value, _naive_utc(at))
            if key not in stored:
                stored.add(key)
                rows.append({"customer_id": ids[ref], "kind": kind.value, "at": at})
    for part in repo.chunks(rows, BATCH_SIZE):
        repo.insert_events(session, part)
    return len(rows)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# --- referrals ----------------------------------------------------------------------------


def import_referrals(session: Session, table: pa.Table) -> ImportResult:
    """Load referrals (REFERRALS schema); a pair already stored is skipped."""
    table = conform(table, REFERRALS, "referrals")
    require_values(table, ["referrer_ref", "referred_ref"], "referrals")
    result = ImportResult(kind="referrals", rows=table.num_rows)
    refs = _distinct(table, "referrer_ref") + _distinct(table, "referred_ref")
    customers, result.customers_added = repo.ensure_customers(session, refs)
    referrers = table.column("referrer_ref").to_pylist()
    referred = table.column("referred_ref").to_pylist()
    ats = table.column("referred_at").to_pylist()
    stored = repo.existing_referrals(session, sorted({customers[r] for r in referrers}))
    rows: list[dict[str, Any]] = []
    for i, (a, b, at) in enumerate(zip(referrers, referred, ats, strict=True)):
        if a == b:
            raise InputError(
                f"customer {a!r} refers themself",
                Location(row=i + 1, column="referred_ref"),
                expected="a different customer than the referrer",
            )
        key = (customers[a], customers[b])
        if key in stored:
            continue
        stored.add(key)
        rows.append({"referrer_id": key[0], "referred_id": key[1], "at": at})
    for part in repo.chunks(rows, BATCH_SIZE):
        repo.insert_referrals(session, part)
    result.added = len(rows)
    result.skipped_duplicates = table.num_rows - len(rows)
    session.flush()
    return result
