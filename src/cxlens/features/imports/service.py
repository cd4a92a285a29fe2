"""Store importers: normalised Arrow tables in, rows in the system of record out.

Every importer flushes and never commits: the caller's unit of work makes an import one
transaction, so a failure leaves the store unchanged. Importing the same responses twice
adds nothing (``(source, response_ref)`` is unique and checked before inserting).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import CASES, CUSTOMERS, REFERRALS, RESPONSES, NormalizedResponses
from cxlens.features.imports import repository as repo
from cxlens.features.imports.questions import is_score, question_row, signature
from cxlens.features.imports.schemas import ImportResult, ProgressCallback
from cxlens.features.imports.validation import check_range, conform, require_values
from cxlens.models import LifecycleKind, utcnow

#: Responses per insert batch.
BATCH_SIZE = 10_000
#: Source recorded when a responses table leaves it empty.
DEFAULT_SOURCE = "import"


def import_responses(
    session: Session,
    data: NormalizedResponses,
    *,
    on_progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Load responses and their answers; skip those already stored.

    Creates or reuses the survey (by ``data.survey_name``) and its version (by the question
    definitions), touchpoints by key, accounts and customers by ref.
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
    qids = repo.question_ids(session, version_id)

    sources = pc.fill_null(table.column("source"), DEFAULT_SOURCE)
    table = table.set_column(table.schema.get_field_index("source"), "source", sources)
    touchpoints = repo.ensure_touchpoints(session, _distinct(table, "touchpoint"))
    accounts = repo.ensure_accounts(session, _distinct(table, "account_ref"))
    customer_accounts = _customer_accounts(table, accounts)
    customers, created = repo.ensure_customers(
        session, _distinct(table, "customer_ref"), customer_accounts
    )
    result.customers_added = created

    seen: set[tuple[str, str]] = set()
    total = table.num_rows
    for start in range(0, total, batch_size):
        batch = table.slice(start, batch_size)
        added, answers = _import_batch(
            session,
            batch,
            start,
            data,
            rows,
            qids,
            version_id,
            touchpoints,
            accounts,
            customers,
            seen,
        )
        result.added += added
        result.answers_added += answers
        if on_progress is not None:
            on_progress(min(start + batch_size, total), total)
    result.skipped_duplicates = total - result.added
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
    pairs = zip(
        table.column("customer_ref").to_pylist(),
        table.column("account_ref").to_pylist(),
        strict=True,
    )
    for customer, account in pairs:
        if customer and account and customer not in out:
            out[customer] = accounts.get(account)
    return out


def _import_batch(
    session: Session,
    batch: pa.Table,
    offset: int,
    data: NormalizedResponses,
    qrows: Sequence[dict[str, Any]],
    qids: Mapping[str, int],
    version_id: int,
    touchpoints: Mapping[str, int],
    accounts: Mapping[str, int],
    customers: Mapping[str, int],
    seen: set[tuple[str, str]],
) -> tuple[int, int]:
    values: dict[str, list[Any]] = {}
    for q, qrow in zip(data.questions, qrows, strict=True):
        col = batch.column(q.column)
        if is_score(qrow["type"]):
            col = _as_float(col, q.column, offset)
            if qrow["scale_low"] is not None and qrow["scale_high"] is not None:
                check_range(col, qrow["scale_low"], qrow["scale_high"], q.column, offset)
        elif col.type != pa.string():
            col = col.cast(pa.string())
        values[q.column] = col.to_pylist()

    refs = batch.column("response_ref").to_pylist()
    srcs = batch.column("source").to_pylist()
    keep = _new_rows(session, refs, srcs, seen)
    if not keep:
        return 0, 0

    cols = {name: batch.column(name).to_pylist() for name in RESPONSES.names}
    dims = {
        name: batch.column(name).to_pylist()
        for name in data.dimensions
        if name in batch.column_names
    }
    now = utcnow()
    response_rows: list[dict[str, Any]] = []
    for i in keep:
        customer = cols["customer_ref"][i]
        account = cols["account_ref"][i]
        touchpoint = cols["touchpoint"][i]
        submitted = cols["submitted_at"][i]
        answer_values = [values[q.column][i] for q in data.questions]
        response_rows.append(
            {
                "survey_version_id": version_id,
                "invitation_id": None,
                "customer_id": customers.get(customer) if customer else None,
                "account_id": accounts.get(account) if account else None,
                "response_ref": refs[i],
                "content_hash": _content_hash(submitted, customer, answer_values),
                "source": srcs[i],
                "channel": cols["channel"][i],
                "language": cols["language"][i],
                "touchpoint_id": touchpoints.get(touchpoint) if touchpoint else None,
                "started_at": None,
                "submitted_at": submitted,
                "dimensions": {k: v[i] for k, v in dims.items() if v[i] is not None},
                "created_at": now,
            }
        )
    ids = repo.insert_responses(session, response_rows)
    answer_rows: list[tuple[int, int, float | None, str | None]] = []
    for q, qrow in zip(data.questions, qrows, strict=True):
        qid = qids[q.column]
        column = values[q.column]
        if is_score(qrow["type"]):
            answer_rows.extend(
                (rid, qid, column[i], None)
                for rid, i in zip(ids, keep, strict=True)
                if column[i] is not None
            )
        else:
            answer_rows.extend(
                (rid, qid, None, column[i])
                for rid, i in zip(ids, keep, strict=True)
                if column[i] is not None and column[i] != ""
            )
    repo.insert_answers(session, answer_rows)
    return len(ids), len(answer_rows)


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


def _new_rows(
    session: Session, refs: Sequence[str], sources: Sequence[str], seen: set[tuple[str, str]]
) -> list[int]:
    """Indexes of rows neither stored already nor repeated earlier in the input."""
    by_source: dict[str, list[str]] = {}
    for ref, src in zip(refs, sources, strict=True):
        by_source.setdefault(src, []).append(ref)
    stored = {
        (src, ref)
        for src, src_refs in by_source.items()
        for ref in repo.existing_response_refs(session, src, src_refs)
    }
    keep: list[int] = []
    for i, key in enumerate(zip(sources, refs, strict=True)):
        if key in stored or key in seen:
            continue
        seen.add(key)
        keep.append(i)
    return keep


def _content_hash(submitted: datetime | None, customer: str | None, answers: Sequence[Any]) -> str:
    text = "\x1f".join(
        ["" if submitted is None else submitted.isoformat(), customer or ""]
        + ["" if a is None else repr(a) for a in answers]
    )
    return hashlib.sha256(text.encode()).hexdigest()


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


def import_customers(session: Session, table: pa.Table) -> ImportResult:
    """Load customers (CUSTOMERS schema), upserting by ``customer_ref``.

    Null values never overwrite stored ones; extra columns go into ``attributes``. Writes
    ``acquired``/``churned`` lifecycle events for the dates given (once each).
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
    for part in repo.chunks(new, BATCH_SIZE):
        repo.insert_customers(session, part)
    for part in repo.chunks(old, BATCH_SIZE):
        repo.update_customers(session, part)
    result.added, result.updated = len(new), len(old)
    result.skipped_duplicates = table.num_rows - len(last)
    result.events_added = _lifecycle_events(session, last)
    session.flush()
    return result


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
