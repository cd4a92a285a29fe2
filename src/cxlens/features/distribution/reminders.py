"""Cancel queued reminder jobs that are no longer wanted: status ``cancelled`` in the outbox.

Two ways, both outside the survey-submission hot path:

* **In the same transaction** as the change, where that change happens in distribution:
  :func:`cancel_customer_reminders` is called by ``record_opt_out``, ``record_bounce`` and
  the processing of bounce reports (DSNs, SMS delivery reports).
* **A sweep just before the reminders are due** (:func:`sweep`, job ``reminders.sweep``):
  whenever a reminder is queued (or deferred), a sweep is queued for the start of its
  15-minute slot (one per slot, by idempotency key), a minute ahead. It cancels every
  queued reminder due before the end of the slot whose invitation was completed, failed or
  suppressed, or whose customer opted out (in any way: the unsubscribe link included) or
  bounced on that channel. Completing a survey therefore costs nothing more at submit time.

A reminder that slips past both (the sweep failed, or a worker far behind claimed the sweep
and the reminder in one batch) is still not sent: the send job checks the same rules when
it runs (``pressure.decide``) and logs ``completed`` (action ``suppressed``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from cxlens.features.distribution import pressure
from cxlens.features.distribution import pressure_repository as pressure_repo
from cxlens.features.distribution import repository as repo
from cxlens.jobs import enqueue
from cxlens.models import Customer, Invitation, Job
from cxlens.models.distribution import DispatchStatus, InvitationDispatch, SuppressionLogEntry

REMINDER_SWEEP = "reminders.sweep"
#: The slot one sweep covers.
SWEEP_SLOT = timedelta(minutes=15)
#: How long before its slot a sweep runs (so a worker claims it alone, ahead of the slot).
SWEEP_LEAD = timedelta(minutes=1)
SEND_KINDS = ("email.send", "sms.send")
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
#: The suppression-log action of a cancelled reminder.
CANCELLED = "cancelled"


def reminder_keys(invitation_id: int, count: int) -> list[str]:
    """The idempotency keys of the reminder jobs of an invitation with ``count`` reminders."""
    return [f"invitation:{invitation_id}:reminder-{n}" for n in range(1, count + 1)]


def _log(
    session: Session, invitation_ids: Iterable[int], rule: str, reason: str, now: datetime
) -> None:
    entries: list[SuppressionLogEntry] = []
    for invitation_id in invitation_ids:
        invitation = session.get(Invitation, invitation_id)
        dispatch = session.get(InvitationDispatch, invitation_id)
        if invitation is None or dispatch is None:
            continue
        entries.append(
            SuppressionLogEntry(
                customer_id=invitation.customer_id,
                survey_id=dispatch.survey_id,
                invitation_id=invitation_id,
                channel=invitation.channel,
                rule=rule,
                action=CANCELLED,
                reason=reason,
                at=now,
            )
        )
    pressure_repo.add_log_entries(session, entries)


def cancel_reminders(
    session: Session, invitation_ids: Iterable[int], *, rule: str, reason: str, now: datetime
) -> int:
    """Cancel the queued reminder jobs of these invitations; returns how many were cancelled.

    Each cancellation is logged in the suppression log (``rule``, action ``cancelled``).
    """
    wanted = sorted(set(invitation_ids))
    if not wanted:
        return 0
    counts = repo.reminder_counts(session, wanted)
    keys = [k for invitation_id, n in counts for k in reminder_keys(invitation_id, n)]
    if not keys:
        return 0
    cancelled = repo.cancel_queued_jobs_by_key(session, keys, reason, now)
    _log(session, cancelled, rule, reason, now)
    return len(cancelled)


def cancel_customer_reminders(
    session: Session,
    customer_id: int,
    *,
    channel: str | None,
    rule: str,
    reason: str,
    now: datetime,
) -> int:
    """Cancel the queued reminders of a customer's invitations (on ``channel``, or all)."""
    ids = repo.invitations_with_reminders_left(session, customer_id, channel)
    return cancel_reminders(session, ids, rule=rule, reason=reason, now=now)


def _slot(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    slots = (moment - _EPOCH) // SWEEP_SLOT
    return _EPOCH + slots * SWEEP_SLOT


def schedule_sweep(session: Session, due: datetime) -> Job:
    """Queue the sweep of the slot of a reminder due at ``due`` (once per slot)."""
    start = _slot(due)
    return enqueue(
        session,
        REMINDER_SWEEP,
        {"until": (start + SWEEP_SLOT).isoformat()},
        run_at=start - SWEEP_LEAD,
        idempotency_key=f"{REMINDER_SWEEP}:{start.isoformat()}",
    )


def _why(
    session: Session,
    invitation: Invitation | None,
    dispatch: InvitationDispatch | None,
) -> tuple[str, str] | None:
    """``(rule, reason)`` when a reminder of this invitation must not go out, else ``None``."""
    if invitation is None or dispatch is None:
        return ("missing", "the invitation no longer exists")
    if invitation.completed_at is not None:
        return (pressure.COMPLETED, "the invitation was completed: reminder cancelled")
    if dispatch.status in (DispatchStatus.FAILED.value, DispatchStatus.SUPPRESSED.value):
        return (dispatch.status, f"the invitation is {dispatch.status}: reminder cancelled")
    customer = session.get(Customer, invitation.customer_id) if invitation.customer_id else None
    if customer is None:
        return None
    channel = invitation.channel
    if pressure.opted_out(session, customer.id, channel):
        return (pressure.OPT_OUT, f"the customer opted out of {channel}: reminder cancelled")
    address = pressure.address_of(customer, channel)
    if address is not None and pressure.address_suppressed(session, customer.id, channel, address):
        return (pressure.SUPPRESSED_ADDRESS, f"{address} bounced: reminder cancelled")
    return None


def sweep(session: Session, *, until: datetime, now: datetime) -> int:
    """Cancel queued reminders due before ``until`` that must not go out; returns the count.

    Reads only queued send jobs up to ``until`` (the ``(status, run_at)`` index).
    """
    cancelled = 0
    for job_id, payload in repo.queued_reminder_jobs(session, until, SEND_KINDS):
        invitation_id = int(payload.get("invitation_id", 0))
        why = _why(
            session,
            session.get(Invitation, invitation_id),
            session.get(InvitationDispatch, invitation_id),
        )
        if why is None:
            continue
        rule, reason = why
        done = repo.cancel_queued_job(session, job_id, reason, now)
        if done:
            _log(session, done, rule, reason, now)
            cancelled += 1
    return cancelled
