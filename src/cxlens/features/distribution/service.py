"""Invitations, hot triggers, events, opt-outs and bounces. Flushes, never commits.

Every invitation to be sent by email or SMS gets its send job in the same transaction
(outbox): ``email.send`` / ``sms.send`` with the idempotency key
``invitation:<id>:initial``. Whether it may go out is decided when the job runs
(:mod:`cxlens.features.distribution.pressure`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cxlens.core.clock import Clock, SystemClock
from cxlens.core.errors import InputError, Location
from cxlens.core.settings import Settings
from cxlens.features.collection.links import signer_for
from cxlens.features.customers import upsert_customer
from cxlens.features.distribution import pressure_repository as pressure_repo
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.pressure import (
    HOT_OVER_COLD,
    OPT_OUT,
    SUPPRESSED_ADDRESS,
    Suppress,
    log_decision,
)
from cxlens.features.distribution.reminders import cancel_customer_reminders
from cxlens.features.distribution.schemas import EventIn, EventResult
from cxlens.jobs import enqueue
from cxlens.models import Customer, Invitation
from cxlens.models.distribution import (
    Channel,
    ContactSuppression,
    CustomerEvent,
    DispatchStatus,
    InvitationDispatch,
    InvitationKind,
    SuppressionReason,
    TriggerRule,
)

#: Channels with a send job; web and widget invitations are handed out by the caller.
SENT_CHANNELS = ("email", "sms")


def send_job_key(invitation_id: int, attempt: str) -> str:
    """The idempotency key of the send job of one attempt (``initial``, ``reminder-1`` …)."""
    return f"invitation:{invitation_id}:{attempt}"


def _channel(value: str) -> str:
    try:
        return Channel(value).value
    except ValueError as exc:
        raise InputError(
            f"unknown channel {value!r}",
            Location(field="channel"),
            expected=", ".join(c.value for c in Channel),
        ) from exc


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        raise InputError(
            "a time without a time zone", Location(field=field), expected="e.g. ...T10:00:00Z"
        )
    return moment.astimezone(UTC)


#: The longest prefill key and value taken (characters); longer ones are errors, never cut.
MAX_PREFILL_KEY, MAX_PREFILL_VALUE = 100, 500


def _prefill(values: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (values or {}).items():
        if value is None or isinstance(value, dict | list):
            continue
        name, text = str(key), str(value)
        for part, limit in ((name, MAX_PREFILL_KEY), (text, MAX_PREFILL_VALUE)):
            if len(part) > limit:
                raise InputError(
                    f"too long ({len(part):,} characters; limit {limit:,})",
                    Location(field="properties"),
                    expected=f"at most {limit:,} characters",
                    limit=limit,
                    error_code="too_long",
                )
        out[name] = text
    return out


def create_invitation(
    session: Session,
    settings: Settings,
    *,
    customer_id: int,
    survey_key: str | None = None,
    survey_id: int | None = None,
    channel: str,
    touchpoint: str | None = None,
    touchpoint_id: int | None = None,
    prefill: Mapping[str, Any] | None = None,
    language: str | None = None,
    kind: InvitationKind = InvitationKind.MANUAL,
    send_at: datetime | None = None,
    reminders: int = 0,
    reminder_interval: timedelta = timedelta(days=3),
    campaign_id: int | None = None,
    wave_id: int | None = None,
    trigger_rule_id: int | None = None,
    event_id: int | None = None,
    clock: Clock | None = None,
) -> Invitation:
    """An invitation for a customer to the latest version of a survey, with its signed token.

    Email and SMS invitations get their send job at ``send_at`` (default now) in this
    transaction; web and widget ones are live at once (``sent_at`` = now). ``prefill``
    holds hidden fields (order id, agent, store …) for the survey page.
    """
    now = (clock or SystemClock()).now()
    channel = _channel(channel)
    if reminders < 0 or (reminders and reminder_interval <= timedelta(0)):
        raise InputError(
            "reminders need a count >= 0 and a positive interval",
            Location(field="reminders"),
            expected="e.g. 1 reminder after 3 days",
        )
    if survey_id is None:
        if survey_key is None:
            raise InputError("which survey?", Location(field="survey"), expected="a survey key")
        survey_id = repo.survey_by_key(session, survey_key).id
    version = repo.latest_version(session, survey_id)
    if touchpoint_id is None:
        touchpoint_id = repo.touchpoint_id(session, touchpoint)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise InputError(f"no customer {customer_id}", Location(field="customer_id"))
    invitation = Invitation(
        survey_version_id=version.id,
        customer_id=customer_id,
        channel=channel,
        touchpoint_id=touchpoint_id,
        token=f"pending-{uuid.uuid4().hex}",
    )
    session.add(invitation)
    session.flush()
    invitation.token = signer_for(settings).sign(invitation.id)
    when = _aware(send_at, "send_at") if send_at is not None else now
    dispatch = InvitationDispatch(
        invitation_id=invitation.id,
        customer_id=customer_id,
        survey_id=survey_id,
        kind=kind.value,
        status=DispatchStatus.PENDING.value,
        language=language,
        prefill=_prefill(prefill),
        campaign_id=campaign_id,
        wave_id=wave_id,
        trigger_rule_id=trigger_rule_id,
        event_id=event_id,
        scheduled_for=when,
        reminder_count=reminders,
        reminder_interval_seconds=int(reminder_interval.total_seconds()) if reminders else 0,
        created_at=now,
    )
    session.add(dispatch)
    if channel in SENT_CHANNELS:
        enqueue(
            session,
            f"{channel}.send",
            {"invitation_id": invitation.id, "attempt": "initial"},
            run_at=when,
            idempotency_key=send_job_key(invitation.id, "initial"),
        )
    else:
        invitation.sent_at = invitation.delivered_at = now
        dispatch.status = DispatchStatus.SENT.value
        dispatch.last_sent_at = now
    if kind is InvitationKind.HOT:
        _suppress_pending_cold(session, invitation, now)
    session.flush()
    return invitation


def _suppress_pending_cold(session: Session, hot: Invitation, now: datetime) -> None:
    """Hot wins over cold: pending cold invitations of the customer are suppressed."""
    pending = repo.pending_cold_dispatches(session, hot.customer_id)
    for dispatch, invitation in pending:
        dispatch.status = DispatchStatus.SUPPRESSED.value
        decision = Suppress(HOT_OVER_COLD, f"hot wins over cold: hot invitation {hot.id} created")
        log_decision(session, invitation, dispatch, decision, now=now)


def add_trigger_rule(
    session: Session,
    *,
    event: str,
    survey_key: str,
    channel: str,
    delay: timedelta = timedelta(0),
    touchpoint: str | None = None,
    reminders: int = 0,
    reminder_interval: timedelta = timedelta(days=3),
) -> TriggerRule:
    """A hot campaign: when ``event`` arrives, invite to ``survey_key`` over ``channel``
    after ``delay``. Any event name may be used (``order.completed``, ``ticket.solved`` …)."""
    name = event.strip()
    if not name or len(name) > 100:
        raise InputError("an event name is 1-100 characters", Location(field="event"))
    if delay < timedelta(0):
        raise InputError("the delay cannot be negative", Location(field="delay"))
    survey = repo.survey_by_key(session, survey_key)
    rule = TriggerRule(
        event=name,
        survey_id=survey.id,
        channel=_channel(channel),
        delay_seconds=int(delay.total_seconds()),
        touchpoint_id=repo.touchpoint_id(session, touchpoint),
        reminder_count=reminders,
        reminder_interval_seconds=int(reminder_interval.total_seconds()) if reminders else 0,
        enabled=True,
    )
    session.add(rule)
    session.flush()
    return rule


def _result(
    session: Session,
    event: CustomerEvent,
    duplicate: bool,
    contact_ignored: tuple[str, ...] = (),
) -> EventResult:
    dispatches = repo.dispatches_of_event(session, event.id)
    return EventResult(
        event_id=event.id,
        duplicate=duplicate,
        invitation_ids=[d.invitation_id for d in dispatches],
        send_at=[d.scheduled_for for d in dispatches if d.scheduled_for is not None],
        contact_ignored=list(contact_ignored),
    )


def record_event(
    session: Session, settings: Settings, data: EventIn, *, clock: Clock | None = None
) -> EventResult:
    """Record an event and schedule the hot invitations its trigger rules ask for.

    The same ``idempotency_key`` twice gives the first result and schedules nothing more.
    Each invitation's send job runs at ``occurred_at`` + the rule's delay.

    An event creates its customer with the contact details it carries, but never changes a
    known customer's e-mail, phone or name (anyone who can post an event could otherwise
    redirect that customer's signed survey links): the fields that differ are named in the
    result's ``contact_ignored`` and the invitations go to the stored addresses.
    """
    now = (clock or SystemClock()).now()
    key = data.idempotency_key or f"event:{uuid.uuid4().hex}"
    existing = repo.event_by_key(session, key)
    if existing is not None:
        return _result(session, existing, True)
    occurred = _aware(data.occurred_at, "occurred_at") if data.occurred_at else now
    upserted = upsert_customer(session, data.customer)
    customer = upserted.customer
    event = CustomerEvent(
        idempotency_key=key,
        event=data.event,
        customer_id=customer.id,
        occurred_at=occurred,
        properties=data.properties,
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(event)
            session.flush()
    except IntegrityError:
        raced = repo.event_by_key(session, key)
        if raced is None:
            raise
        return _result(session, raced, True)
    for rule in repo.rules_for(session, data.event):
        create_invitation(
            session,
            settings,
            customer_id=customer.id,
            survey_id=rule.survey_id,
            channel=rule.channel,
            touchpoint_id=rule.touchpoint_id,
            prefill=data.properties,
            kind=InvitationKind.HOT,
            send_at=occurred + timedelta(seconds=rule.delay_seconds),
            reminders=rule.reminder_count,
            reminder_interval=timedelta(seconds=rule.reminder_interval_seconds or 1),
            trigger_rule_id=rule.id,
            event_id=event.id,
            clock=clock,
        )
    return _result(session, event, False, upserted.contact_ignored)


def record_opt_out(
    session: Session,
    customer_id: int,
    *,
    channel: str | None = None,
    detail: str | None = None,
    invitation_id: int | None = None,
    method: str | None = None,
    clock: Clock | None = None,
) -> ContactSuppression:
    """The customer wants no more invitations (on ``channel``, or on any with ``None``).

    The one way to record an opt-out, whatever its origin (the unsubscribe link gives the
    ``invitation_id`` and ``method``; the API and CLI neither). Idempotent: an opt-out that
    already covers ``channel`` is returned as it is. Their queued reminders (on that
    channel) are cancelled in the same transaction.
    """
    wanted = _channel(channel) if channel is not None else None
    existing = pressure_repo.opt_out_of(session, customer_id, wanted)
    if existing is not None:
        return existing
    now = (clock or SystemClock()).now()
    row = pressure_repo.add_suppression(
        session,
        customer_id,
        reason=SuppressionReason.OPT_OUT,
        channel=wanted,
        detail=detail,
        invitation_id=invitation_id,
        method=method,
        created_at=now,
    )
    cancel_customer_reminders(
        session,
        customer_id,
        channel=row.channel,
        rule=OPT_OUT,
        reason="the customer opted out: reminder cancelled",
        now=now,
    )
    return row


def record_bounce(
    session: Session,
    customer_id: int,
    *,
    channel: str,
    address: str,
    detail: str,
    clock: Clock | None = None,
) -> ContactSuppression:
    """``address`` bounced: no more sends to it on ``channel``.

    The customer's queued reminders on ``channel`` are cancelled in the same transaction.
    """
    now = (clock or SystemClock()).now()
    row = pressure_repo.add_suppression(
        session,
        customer_id,
        reason=SuppressionReason.BOUNCE,
        channel=_channel(channel),
        address=address,
        detail=detail[:2000],
        created_at=now,
    )
    cancel_customer_reminders(
        session,
        customer_id,
        channel=row.channel,
        rule=SUPPRESSED_ADDRESS,
        reason=f"{address} bounced: reminder cancelled",
        now=now,
    )
    return row


def invitation_prefill(session: Session, invitation_id: int) -> dict[str, Any]:
    """The hidden fields given when the invitation was made (for the survey page)."""
    dispatch = session.get(InvitationDispatch, invitation_id)
    return dict(dispatch.prefill) if dispatch is not None else {}
