"""Export or erase everything cxlens holds about one customer.

:func:`export_customer` gathers the customer's rows in every table of the map
(:mod:`.datamap`) into one JSON document; :func:`erase_customer` deletes them in the
caller's transaction (all or nothing: children before parents, foreign keys checked before
it returns), takes their comments out of theme examples and earlier audit entries, and
writes a ``customer.erased`` audit entry holding counts and a non-reversible marker, never
the reference or an address. :func:`reclaim_space` runs after the commit so that the
freed bytes are gone from the database files too. Both flush, never commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from cxlens.core.errors import NotFoundError
from cxlens.features.accounts import AuditAction, Principal, record_audit
from cxlens.features.customers.repository import customer_by_ref
from cxlens.features.distribution.reminders import SEND_KINDS
from cxlens.features.privacy import repository as repo
from cxlens.features.privacy.analytics_store import erase_from_analytics_store
from cxlens.features.privacy.datamap import CUSTOMER_LINKS, ROOT, LinkAction, tables_in_order
from cxlens.features.privacy.errors import ErasureCheckError
from cxlens.features.privacy.schemas import EXPORT_FORMAT, ErasurePlan, ErasureReport

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from cxlens.core.clock import Clock
    from cxlens.models import AuditEntry, Customer, Delivery, Job
    from cxlens.models.text import TextTheme

#: What replaces the customer's reference or address in an earlier audit entry.
ERASED = "[erased]"
#: A reference or address shorter than this is taken out of audit text only where it is the
#: whole value (a short one would match inside unrelated words).
_MIN_SUBSTRING = 6


@dataclass
class _Found:
    """Everything about one customer, collected before anything changes."""

    customer: Customer
    ids: dict[str, set[Any]]
    unlinked: dict[str, int]
    jobs: list[Job]
    deliveries: list[Delivery]
    themes: list[tuple[TextTheme, dict[str, list[str]], dict[str, Any], list[str]]]
    audit: list[AuditEntry]
    needles: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)


def _customer(session: Session, ref: str) -> Customer:
    customer = customer_by_ref(session, ref)
    if customer is None:
        raise NotFoundError(f"no customer {ref!r}", error_code="unknown_customer")
    return customer


def _reach(session: Session, customer_id: int) -> dict[str, set[Any]]:
    """Primary keys per table of every row the map's delete links reach from the customer."""
    ids: dict[str, set[Any]] = {name: set() for name in tables_in_order()}
    ids[ROOT] = {customer_id}
    changed = True
    while changed:  # a second pass catches a row reached late (a response via an invitation)
        changed = False
        for link in CUSTOMER_LINKS:
            if link.action is not LinkAction.DELETE or not ids[link.parent]:
                continue
            new = repo.ids_pointing_at(session, link.table, link.column, ids[link.parent])
            if not new <= ids[link.table]:
                ids[link.table] |= new
                changed = True
    return ids


def _texts(session: Session, ids: Mapping[str, set[Any]]) -> set[str]:
    """The customer's comments and changed answers, as written (stripped)."""
    texts: set[str] = set()
    for row in repo.rows_by_id(session, "answers", ids["answers"]):
        if row["text"] and str(row["text"]).strip():
            texts.add(str(row["text"]).strip())
    for row in repo.rows_by_id(session, "answer_changes", ids["answer_changes"]):
        for column in ("old_text", "new_text"):
            if row[column] and str(row[column]).strip():
                texts.add(str(row[column]).strip())
    return texts


def _theme_changes(
    session: Session, texts: set[str], answer_ids: set[Any]
) -> list[tuple[TextTheme, dict[str, list[str]], dict[str, Any], list[str]]]:
    """Themes whose examples copy the customer's text or whose details list their answers:
    (theme, examples without them, details without them, the examples taken out)."""
    out = []
    for theme in repo.themes(session):
        examples = {str(k): [str(e) for e in v] for k, v in (theme.examples or {}).items()}
        kept = {k: [e for e in v if e.strip() not in texts] for k, v in examples.items()}
        removed = [e for v in examples.values() for e in v if e.strip() in texts]
        details = dict(theme.details or {})
        listed = details.get("answer_ids")
        if isinstance(listed, list):
            remaining = [a for a in listed if a not in answer_ids]
            if len(remaining) != len(listed):
                details["answer_ids"] = remaining
        if removed or details != (theme.details or {}):
            out.append((theme, {k: v for k, v in kept.items() if v}, details, removed))
    return out


def _needles(customer: Customer) -> list[str]:
    return [n for n in (customer.customer_ref, customer.email, customer.phone) if n]


def _find(session: Session, ref: str) -> _Found:
    customer = _customer(session, ref)
    ids = _reach(session, customer.id)
    unlinked: dict[str, int] = {}
    for link in CUSTOMER_LINKS:
        if link.action is LinkAction.UNLINK and ids[link.parent]:
            reached = repo.ids_pointing_at(session, link.table, link.column, ids[link.parent])
            count = len(reached - ids.get(link.table, set()))
            if count:
                unlinked[link.table] = unlinked.get(link.table, 0) + count
    needles = _needles(customer)
    return _Found(
        customer=customer,
        ids=ids,
        unlinked=unlinked,
        jobs=repo.send_jobs(session, SEND_KINDS, ids["invitations"]),
        deliveries=repo.deliveries_of_invitations(session, ids["invitations"]),
        themes=_theme_changes(session, _texts(session, ids), ids["answers"]),
        audit=[e for e in repo.audit_entries_mentioning(session, needles) if _mentions(e, needles)],
        needles=needles,
        suppressed=sorted(
            {
                str(row["channel"] or "any")
                for row in repo.rows_by_id(
                    session, "contact_suppressions", ids["contact_suppressions"]
                )
            }
        ),
    )


def _plan(found: _Found) -> ErasurePlan:
    deleted = {name: len(ids) for name, ids in found.ids.items() if ids}
    if found.jobs:
        deleted["jobs"] = len(found.jobs)
    if found.deliveries:
        deleted["deliveries"] = len(found.deliveries)
    scrubbed: dict[str, int] = {}
    if found.themes:
        scrubbed["text_themes"] = len(found.themes)
    if found.audit:
        scrubbed["audit_log"] = len(found.audit)
    return ErasurePlan(
        customer_id=found.customer.id,
        deleted=deleted,
        unlinked=dict(found.unlinked),
        scrubbed=scrubbed,
        suppressed_channels=found.suppressed,
    )


def erasure_plan(session: Session, ref: str) -> ErasurePlan:
    """What :func:`erase_customer` would delete, unlink and scrub for ``ref`` (reads only)."""
    return _plan(_find(session, ref))


def marker(ref: str, key: str | bytes) -> str:
    """The non-reversible marker of ``ref``: HMAC-SHA-256 under ``key``, hex."""
    secret = key.encode() if isinstance(key, str) else key
    return hmac.new(secret, ref.encode(), hashlib.sha256).hexdigest()


# --------------------------------------------------------------------------- export


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return float(value)
    return value


def _json_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k): _json_value(v) for k, v in row.items()}


def _orm_row(obj: Any) -> dict[str, Any]:
    return _json_row({c.key: getattr(obj, c.key) for c in obj.__table__.columns})


def export_customer(
    session: Session,
    ref: str,
    *,
    key: str | bytes,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> dict[str, Any]:
    """Everything cxlens holds about customer ``ref``, as one JSON-ready document.

    ``tables`` holds the customer's rows of every table of the map (and their send jobs and
    ledger entries), ``theme_examples`` the theme examples copied from their comments,
    ``audit_log`` the earlier entries naming them. Records a ``customer.exported`` audit
    entry (counts and the marker of ``ref`` under ``key``). Shape: docs/privacy.md.
    """
    found = _find(session, ref)
    now = clock.now() if clock is not None else datetime.now(UTC)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in tables_in_order()[1:]:
        tables[name] = [_json_row(r) for r in repo.rows_by_id(session, name, found.ids[name])]
    for link in CUSTOMER_LINKS:
        if link.action is LinkAction.UNLINK and found.ids[link.parent]:
            reached = repo.ids_pointing_at(session, link.table, link.column, found.ids[link.parent])
            rows = repo.rows_by_id(session, link.table, reached)
            tables.setdefault(link.table, []).extend(_json_row(r) for r in rows)
    tables["jobs"] = [_orm_row(j) for j in found.jobs]
    tables["deliveries"] = [_orm_row(d) for d in found.deliveries]
    document = {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "customer": _orm_row(found.customer),
        "tables": tables,
        "theme_examples": [
            {"theme": theme.key, "text": text}
            for theme, _, _, removed in found.themes
            for text in removed
        ],
        "audit_log": [_orm_row(e) for e in found.audit],
        "analytics_store": None,
    }
    counts = {name: len(rows) for name, rows in tables.items() if rows}
    record_audit(
        session,
        AuditAction.CUSTOMER_EXPORTED,
        actor=actor,
        source=source,
        target=f"customer:{found.customer.id}",
        details={"customer_id": found.customer.id, "marker": marker(ref, key), "rows": counts},
        clock=clock,
    )
    session.flush()
    return document


# --------------------------------------------------------------------------- erase


def _scrub_text(value: str, needles: list[str]) -> str:
    """``value`` with each needle (any case) replaced by :data:`ERASED`: a short needle only
    where it is the whole value."""
    for needle in needles:
        if value.casefold() == needle.casefold():
            return ERASED
        if len(needle) >= _MIN_SUBSTRING:
            value = re.sub(re.escape(needle), ERASED, value, flags=re.IGNORECASE)
    return value


def _scrub(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        return _scrub_text(value, needles)
    if isinstance(value, list):
        return [_scrub(v, needles) for v in value]
    if isinstance(value, dict):
        return {_scrub_text(str(k), needles): _scrub(v, needles) for k, v in value.items()}
    return value


def _mentions(entry: AuditEntry, needles: list[str]) -> bool:
    target_changed: bool = _scrub(entry.target, needles) != entry.target
    details_changed: bool = _scrub(entry.details, needles) != entry.details
    return target_changed or details_changed


def erase_customer(
    session: Session,
    ref: str,
    *,
    key: str | bytes,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> ErasureReport:
    """Delete everything cxlens holds about customer ``ref``, in the caller's transaction.

    Every row the map reaches is deleted, children before parents; rows that are not the
    customer's (an incentive code they were given) lose only their pointer; their comments
    leave the theme examples and their reference and addresses leave earlier audit entries.
    On SQLite the erasure runs with ``PRAGMA secure_delete`` (freed bytes are zeroed). A
    delete refused by a foreign key the map does not know, or (SQLite) a non-empty
    ``PRAGMA foreign_key_check``, raises :class:`ErasureCheckError`: the caller's
    transaction rolls back and nothing is erased. Writes a
    ``customer.erased`` audit entry: counts per table and the marker of ``ref`` under
    ``key`` (the first signing key). Call :func:`reclaim_space` after the commit.
    """
    found = _find(session, ref)
    plan = _plan(found)
    customer_id = found.customer.id
    tag = marker(ref, key)
    before = repo.set_secure_delete(session, True)
    try:
        for theme, examples, details, _removed in found.themes:
            theme.examples = examples
            theme.details = details
        for entry in found.audit:
            entry.target = _scrub(entry.target, found.needles)
            entry.details = _scrub(entry.details, found.needles)
        for obj in [*found.jobs, *found.deliveries]:
            session.delete(obj)
        session.flush()
        session.expunge(found.customer)
        for link in CUSTOMER_LINKS:
            if link.action is LinkAction.UNLINK and found.ids[link.parent]:
                repo.clear_pointer(session, link.table, link.column, found.ids[link.parent])
        for name in reversed(tables_in_order()):
            try:
                repo.delete_by_id(session, name, found.ids[name])
            except IntegrityError as error:  # a table that points here is not in the map
                raise ErasureCheckError(
                    f"erasing customer {customer_id}: rows still point at {name}, from a "
                    "table missing from the privacy map: nothing was erased"
                ) from error
        violations = repo.foreign_key_violations(session)
        if violations:
            tables = sorted({str(v[0]) for v in violations})
            raise ErasureCheckError(
                f"erasing customer {customer_id} would leave {len(violations)} rows pointing "
                f"at deleted ones (in {', '.join(tables)}): nothing was erased"
            )
        analytics = erase_from_analytics_store(session, customer_id, found.ids)
        entry = record_audit(
            session,
            AuditAction.CUSTOMER_ERASED,
            actor=actor,
            source=source,
            target=f"customer:{customer_id}",
            details={
                "customer_id": customer_id,
                "marker": tag,
                "deleted": plan.deleted,
                "unlinked": plan.unlinked,
                "scrubbed": plan.scrubbed,
                "suppressed_channels": plan.suppressed_channels,
            },
            clock=clock,
        )
        session.flush()
    finally:
        if before is not None and not before:
            # after a failed statement the connection waits for the rollback: leave it on
            with suppress(SQLAlchemyError):
                repo.set_secure_delete(session, False)
    return ErasureReport(
        **plan.model_dump(), marker=tag, audit_id=entry.id, analytics_store=analytics
    )


def reclaim_space(engine: Engine) -> str:
    """After an erasure is committed: SQLite checkpoints and truncates the WAL (the zeroed
    pages reach the file, older page versions leave the WAL); PostgreSQL runs ``VACUUM`` on
    the map's tables. Says what was done. Run it outside any transaction."""
    names = [*tables_in_order(), "jobs", "deliveries", "text_themes", "audit_log"]
    return repo.reclaim(engine, names)
