"""Job handlers: ``email.send``, ``sms.send`` (invitations and reminders), ``campaign.wave``,
``reminders.sweep`` (cancels reminders no longer wanted, :mod:`.reminders`).

Handlers need settings and senders, which exist only once an entry point built them, so
they are registered by :func:`register` (the worker command calls it), not at import.

A send runs: pressure rules (suppress, defer, or go) → ledger ``begin_delivery`` (commits
a "sending" entry holding the Message-ID, derived from the invitation and attempt) → send
with exactly that Message-ID → the ledger entry marked sent in its own commit at once (so a
crash after that cannot send again: the re-run finds "sent" and only redoes the
bookkeeping) → funnel timestamps, the next reminder, the silent-customer flag, all committed
with the job. A crash between the server's acceptance and the "sent" commit resends the
same message with the same Message-ID (at-least-once; receivers drop the duplicate): see
docs/worker.md.

A permanent failure (a 5xx for the recipient or the message, a malformed address, an
address with a line break) is never retried: the invitation is marked failed, a bad
address is suppressed, and the log line names the kind and code, never the address.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.channels.email import EmailSender, address_problem
from cxlens.channels.errors import DeliveryError, FailureKind
from cxlens.channels.sms import SmsSender
from cxlens.core.settings import Settings
from cxlens.db import unit_of_work
from cxlens.features.distribution import pressure
from cxlens.features.distribution.campaigns import start_wave
from cxlens.features.distribution.messages import (
    Branding,
    build_email,
    build_sms,
    envelope_sender,
    invitation_language,
)
from cxlens.features.distribution.reminders import REMINDER_SWEEP, schedule_sweep, sweep
from cxlens.features.distribution.senders import email_sender, sms_sender
from cxlens.features.distribution.service import record_bounce, send_job_key
from cxlens.features.distribution.sms_reports import expects_delivery_reports
from cxlens.features.surveys.schemas import localized
from cxlens.jobs import (
    HandlerRegistry,
    JobContext,
    PermanentJobError,
    begin_delivery,
    enqueue,
    mark_sent,
)
from cxlens.models import Customer, Invitation, SurveyVersion
from cxlens.models.distribution import DispatchStatus, InvitationDispatch

log = logging.getLogger("cxlens.distribution")
_ADDRESS = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")

EMAIL_SEND = "email.send"
SMS_SEND = "sms.send"
CAMPAIGN_WAVE = "campaign.wave"


class InvitationSender:
    """Sends invitations over email and SMS; ``handle`` is the job handler of both kinds."""

    def __init__(
        self,
        settings: Settings,
        *,
        email: EmailSender | None = None,
        sms: SmsSender | None = None,
        branding: Branding | None = None,
    ) -> None:
        self.settings = settings
        self.email = email
        self.sms = sms
        self.branding = branding or Branding.from_settings(settings)

    def handle(self, session: Session, payload: dict[str, Any], context: JobContext) -> None:
        """Send (or suppress, or defer) one attempt of one invitation."""
        invitation_id = int(payload["invitation_id"])
        attempt = str(payload.get("attempt", "initial"))
        invitation = session.get(Invitation, invitation_id)
        dispatch = session.get(InvitationDispatch, invitation_id)
        if invitation is None or dispatch is None:
            raise PermanentJobError(f"invitation {invitation_id} does not exist")
        reminder = attempt != "initial"
        if dispatch.status in (DispatchStatus.SUPPRESSED.value, DispatchStatus.FAILED.value):
            return
        if not reminder and dispatch.status == DispatchStatus.SENT.value:
            return
        customer = session.get(Customer, invitation.customer_id) if invitation.customer_id else None
        if customer is None:
            raise PermanentJobError(f"invitation {invitation_id} has no customer")
        now = context.clock.now()
        policy = pressure.load_policy(session, dispatch.survey_id)
        key = f"{invitation.channel}:{send_job_key(invitation_id, attempt)}"
        decision = pressure.decide(
            session, invitation, dispatch, customer, now=now, policy=policy, reminder=reminder
        )
        if isinstance(decision, pressure.Defer):
            pressure.log_decision(session, invitation, dispatch, decision, now=now)
            enqueue(
                session,
                context.kind,
                {"invitation_id": invitation_id, "attempt": attempt},
                run_at=decision.until,
                idempotency_key=f"{send_job_key(invitation_id, attempt)}:at:"
                f"{decision.until.isoformat()}",
            )
            if reminder:
                schedule_sweep(session, decision.until)
            return
        if isinstance(decision, pressure.Suppress):
            pressure.log_decision(session, invitation, dispatch, decision, now=now)
            if not reminder:
                dispatch.status = DispatchStatus.SUPPRESSED.value
            return
        unusable = self._unusable_address(invitation.channel, customer)
        if unusable is not None:
            self._failed(session, invitation, dispatch, customer, unusable, reminder, now)
            return
        ticket = begin_delivery(
            context.engine, key, job_id=context.job_id, domain=self._domain(), clock=context.clock
        )
        if not ticket.already_sent:
            try:
                provider_id = self._send(
                    session, invitation, dispatch, customer, attempt, key, ticket.message_id
                )
            except DeliveryError as exc:
                if exc.permanent:
                    self._failed(session, invitation, dispatch, customer, exc, reminder, now)
                    return
                raise
            # The server has the message: record it at once (the window for a duplicate is
            # this one commit), then the bookkeeping, which commits with the job.
            with unit_of_work(context.engine) as ledger:
                mark_sent(ledger, key, clock=context.clock)
            dispatch.provider_id = provider_id
        self._sent(session, invitation, dispatch, reminder, now, policy, context.kind)

    @staticmethod
    def _unusable_address(channel: str, customer: Customer) -> DeliveryError | None:
        """A permanent failure when the customer's email address cannot work at all."""
        if channel != "email":
            return None
        problem = address_problem(customer.email or "")
        if problem is None:
            return None
        return DeliveryError(FailureKind.BOUNCE, f"the email address {problem}", provider="email")

    def _delivered_on_accept(self, channel: str) -> bool:
        """Whether acceptance by the server/provider counts as delivered (no reports come)."""
        return channel != "sms" or not expects_delivery_reports(self.settings)

    def _domain(self) -> str:
        address = self.settings.email_from_address or "cxlens.invalid"
        return address.rsplit("@", 1)[-1] or "cxlens.invalid"

    def _send(
        self,
        session: Session,
        invitation: Invitation,
        dispatch: InvitationDispatch,
        customer: Customer,
        attempt: str,
        key: str,
        message_id: str,
    ) -> str | None:
        version = session.get(SurveyVersion, invitation.survey_version_id)
        definition = (version.definition if version is not None else None) or {}
        default = str(definition.get("default_language") or "en")
        language = invitation_language(customer, dispatch.language, default)
        title = localized(definition.get("title"), language, default)
        if invitation.channel == "email":
            if self.email is None:
                raise PermanentJobError("no email sender: set CXLENS_SMTP_HOST")
            message = build_email(
                session,
                self.settings,
                invitation,
                customer,
                language=language,
                attempt=attempt,
                message_id=message_id,
                branding=self.branding,
                title=title,
            )
            sent = self.email.send(
                message, envelope_from=envelope_sender(self.settings, invitation.id)
            )
            return sent.message_id
        if self.sms is None:
            raise PermanentJobError("no SMS sender: set CXLENS_SMS_PROVIDER")
        sms = build_sms(
            self.settings,
            invitation,
            customer,
            language=language,
            branding=self.branding,
            title=title,
        )
        result = self.sms.send(customer.phone or "", sms.text, idempotency_key=key)
        return result.provider_id

    def _failed(
        self,
        session: Session,
        invitation: Invitation,
        dispatch: InvitationDispatch,
        customer: Customer,
        exc: DeliveryError,
        reminder: bool,
        now: datetime,
    ) -> None:
        reason = str(exc)
        log.warning(
            "invitation %s (%s, %s): permanent %s failure%s, not retried: %s",
            invitation.id,
            invitation.channel,
            "reminder" if reminder else "initial",
            exc.kind.value,
            f" ({exc.code})" if exc.code is not None else "",
            _ADDRESS.sub("<address>", exc.detail),
        )
        if not reminder:
            dispatch.status = DispatchStatus.FAILED.value
        dispatch.failure_reason = reason[:2000]
        if exc.suppress_recipient:
            address = pressure.address_of(customer, invitation.channel) or ""
            record_bounce(
                session,
                customer.id,
                channel=invitation.channel,
                address=address,
                detail=reason,
            )
        rule = "bounce" if exc.suppress_recipient else "rejected"
        pressure.log_decision(
            session, invitation, dispatch, pressure.Suppress(rule, reason), now=now
        )

    def _sent(
        self,
        session: Session,
        invitation: Invitation,
        dispatch: InvitationDispatch,
        reminder: bool,
        now: datetime,
        policy: pressure.PressurePolicy,
        kind: str,
    ) -> None:
        if invitation.sent_at is None:
            invitation.sent_at = now
        if invitation.delivered_at is None and self._delivered_on_accept(invitation.channel):
            invitation.delivered_at = now  # accepted by the server / provider = delivered
        dispatch.status = DispatchStatus.SENT.value
        dispatch.last_sent_at = now
        if reminder:
            dispatch.reminders_sent += 1
        done = dispatch.reminders_sent
        if done < dispatch.reminder_count and dispatch.reminder_interval_seconds > 0:
            attempt = f"reminder-{done + 1}"
            due = now + timedelta(seconds=dispatch.reminder_interval_seconds)
            enqueue(
                session,
                kind,
                {"invitation_id": invitation.id, "attempt": attempt},
                run_at=due,
                idempotency_key=send_job_key(invitation.id, attempt),
            )
            schedule_sweep(session, due)
        session.flush()
        if invitation.customer_id is not None:
            pressure.refresh_silent_flag(
                session, invitation.customer_id, threshold=policy.silent_after, now=now
            )


def register(
    registry: HandlerRegistry,
    settings: Settings,
    *,
    email: EmailSender | None = None,
    sms: SmsSender | None = None,
    branding: Branding | None = None,
) -> InvitationSender:
    """Register ``email.send``, ``sms.send``, ``campaign.wave`` and ``reminders.sweep``.

    Senders default to those the settings describe (SMTP, Twilio or an HTTP gateway).
    """
    sender = InvitationSender(
        settings,
        email=email if email is not None else email_sender(settings),
        sms=sms if sms is not None else sms_sender(settings),
        branding=branding,
    )
    registry.register(EMAIL_SEND, sender.handle)
    registry.register(SMS_SEND, sender.handle)

    def wave(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        scheduled = payload.get("scheduled_for")
        when = datetime.fromisoformat(scheduled) if scheduled else context.clock.now()
        start_wave(session, settings, int(payload["campaign_id"]), when, clock=context.clock)

    registry.register(CAMPAIGN_WAVE, wave)

    def sweep_reminders(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        until = datetime.fromisoformat(str(payload["until"]))
        sweep(session, until=until, now=context.clock.now())

    registry.register(REMINDER_SWEEP, sweep_reminders)
    return sender
