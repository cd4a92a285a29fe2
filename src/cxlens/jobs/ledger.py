"""The delivery ledger: side effects keyed by an idempotency key.

Two tools, for two kinds of side effect:

- :func:`once` — for effects *inside* the database: record the key in the job's own
  transaction; a re-run of the job sees the key and skips. Exactly once, because the effect
  and the key commit together.
- :func:`begin_delivery` / :func:`mark_sent` — for effects *outside* it (SMTP, SMS, a
  webhook), which no transaction can roll back. The "sending" entry, with a Message-ID
  derived from the key, commits on its own BEFORE the send; ``mark_sent`` commits with the
  job. A re-run after a crash finds "sent" (skip) or "sending" (the outcome is unknown:
  send again with the same Message-ID, which the receiver deduplicates — or skip, for
  at-most-once). See docs/adr/0002-outbox-and-worker.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock
from cxlens.db import unit_of_work
from cxlens.jobs._sql import insert_if_absent
from cxlens.models import Delivery, DeliveryState

#: Domain part of generated Message-IDs when the caller gives none.
DEFAULT_MESSAGE_ID_DOMAIN = "cxlens.invalid"


def message_id_for(key: str, domain: str = DEFAULT_MESSAGE_ID_DOMAIN) -> str:
    """The RFC 5322 Message-ID of the delivery ``key``: the same key, the same id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def once(
    session: Session, key: str, *, job_id: int | None = None, clock: Clock | None = None
) -> bool:
    """``True`` the first time ``key`` is recorded, ``False`` if it already was.

    The entry is written in ``session``'s transaction, so it commits (or rolls back)
    together with whatever the caller does when this returns ``True``.
    """
    now = (clock or SystemClock()).now()
    values = {
        "key": key,
        "state": DeliveryState.SENT.value,
        "attempts": 1,
        "job_id": job_id,
        "created_at": now,
        "sent_at": now,
    }
    return insert_if_absent(session, Delivery, values, Delivery.key) is not None


@dataclass(frozen=True, slots=True)
class DeliveryTicket:
    """The ledger's answer before an external send.

    ``already_sent``: a previous attempt committed the send; do nothing. Otherwise send with
    ``message_id``; ``attempt > 1`` means an earlier attempt may have sent it already
    (``uncertain``): the same ``message_id`` lets the receiver drop the duplicate.
    """

    key: str
    message_id: str
    attempt: int
    already_sent: bool

    @property
    def uncertain(self) -> bool:
        """Whether an earlier attempt may have sent this already."""
        return not self.already_sent and self.attempt > 1


def begin_delivery(
    engine: Engine,
    key: str,
    *,
    job_id: int | None = None,
    domain: str = DEFAULT_MESSAGE_ID_DOMAIN,
    clock: Clock | None = None,
) -> DeliveryTicket:
    """Commit a "sending" ledger entry for ``key`` in its own transaction, before the send.

    Call it before the handler writes anything in its own session (on SQLite a second
    writer would wait for the first). Then send, then :func:`mark_sent` in the job's
    session so that "sent" commits with the job's completion.
    """
    now = (clock or SystemClock()).now()
    message_id = message_id_for(key, domain)
    with unit_of_work(engine) as session:
        values = {
            "key": key,
            "state": DeliveryState.SENDING.value,
            "message_id": message_id,
            "attempts": 1,
            "job_id": job_id,
            "created_at": now,
        }
        if insert_if_absent(session, Delivery, values, Delivery.key) is not None:
            return DeliveryTicket(key=key, message_id=message_id, attempt=1, already_sent=False)
        row = session.execute(select(Delivery).where(Delivery.key == key)).scalar_one()
        if row.state == DeliveryState.SENT.value:
            return DeliveryTicket(
                key=key,
                message_id=row.message_id or message_id,
                attempt=row.attempts,
                already_sent=True,
            )
        attempts = session.execute(
            update(Delivery)
            .where(Delivery.key == key)
            .values(attempts=Delivery.attempts + 1, job_id=job_id or Delivery.job_id)
            .returning(Delivery.attempts)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        return DeliveryTicket(
            key=key,
            message_id=row.message_id or message_id,
            attempt=int(attempts),
            already_sent=False,
        )


def mark_sent(session: Session, key: str, *, clock: Clock | None = None) -> None:
    """Record in the job's transaction that the send of ``key`` succeeded."""
    now = (clock or SystemClock()).now()
    found = session.execute(
        update(Delivery)
        .where(Delivery.key == key)
        .values(state=DeliveryState.SENT.value, sent_at=now)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    ).first()
    if found is None:
        raise LookupError(f"no ledger entry {key!r}: call begin_delivery before sending")
