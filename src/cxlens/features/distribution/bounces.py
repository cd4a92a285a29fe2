"""Asynchronous bounces: a DSN that came back hours after the SMTP server took the message.

:func:`process_dsn` reads one returned message, finds the invitation by the signed
reference it carries (the VERP envelope address ``bounces+<ref>@…`` it was sent to, or the
``X-Cxlens-Invitation`` header of the returned original), and for a permanent failure
(``5.x.x``) records the bounce: the address is suppressed on email (``record_bounce``, which
cancels queued reminders), the invitation is marked failed and no longer counts as
delivered, and the suppression log says why. A transient report (``4.x.x``, delayed) changes
nothing. Only a genuine reference is acted on: a forged or unsigned report cannot suppress
anyone. Processing the same report again changes nothing (``already``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from cxlens.channels.email import (
    DeliveryReport,
    FailedRecipient,
    parse_dsn,
    tokens_in_addresses,
    tokens_in_headers,
)
from cxlens.core.clock import Clock, SystemClock
from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose, Signer, TokenError
from cxlens.features.collection.links import signer_for
from cxlens.features.distribution import pressure
from cxlens.features.distribution.service import record_bounce
from cxlens.models import Customer, Invitation
from cxlens.models.distribution import (
    DispatchStatus,
    InvitationDispatch,
)

#: The suppression-log rule of a bounce (synchronous or reported later).
BOUNCE_RULE = "bounce"


class BounceOutcome(StrEnum):
    """What processing one returned message did."""

    BOUNCED = "bounced"
    """A permanent failure: the address is now suppressed."""
    ALREADY = "already"
    """This bounce was recorded before: nothing changed."""
    TRANSIENT = "transient"
    """A delay or temporary failure: nothing changed."""
    UNMATCHED = "unmatched"
    """A DSN without a genuine cxlens reference (not ours, or tampered with)."""
    NOT_DSN = "not_dsn"
    """Not a delivery-status notification (an auto-reply, a free-text bounce): skipped."""


@dataclass(frozen=True, slots=True)
class BounceResult:
    """The outcome of one message, with the invitation and address where known."""

    outcome: BounceOutcome
    invitation_id: int | None = None
    address: str | None = None
    status: str | None = None
    detail: str | None = None


def _invitation_ids(signer: Signer, tokens: list[str]) -> list[int]:
    out: list[int] = []
    for token in tokens:
        try:
            claims = signer.verify(token, purpose=Purpose.BOUNCE)
        except TokenError:
            continue
        if claims.invitation_id not in out:
            out.append(claims.invitation_id)
    return out


def find_invitations(settings: Settings, report: DeliveryReport) -> list[int]:
    """The invitations a DSN is about, by the genuine references it carries."""
    tokens: list[str] = []
    if settings.email_bounce_address:
        tokens += tokens_in_addresses(settings.email_bounce_address, report.sent_to)
    tokens += tokens_in_headers(report.returned_headers, settings.email_bounce_address)
    return _invitation_ids(signer_for(settings), tokens)


def _describe(failed: FailedRecipient) -> str:
    words = f"{failed.status} {failed.diagnostic or ''}".strip()
    return f"bounced later (DSN): {failed.recipient}: {words}"


def _address(customer: Customer, failed: FailedRecipient) -> str:
    """The customer's address if the report is about it, else the address that failed."""
    current = pressure.address_of(customer, "email")
    if current is not None and current.lower() in (failed.recipient, failed.original_recipient):
        return current
    return failed.original_recipient or failed.recipient


def apply_bounce(
    session: Session,
    invitation: Invitation,
    dispatch: InvitationDispatch,
    customer: Customer,
    *,
    address: str,
    detail: str,
    now: datetime,
    clock: Clock | None = None,
) -> bool:
    """Record a permanent bounce of ``invitation`` to ``address``; ``False`` if known already.

    Suppresses the address (once), marks the invitation failed and not delivered (unless
    the customer answered anyway), and logs rule ``bounce``.
    """
    known = pressure.address_suppressed(session, customer.id, invitation.channel, address)
    failed = dispatch.status == DispatchStatus.FAILED.value and dispatch.failure_reason
    if known and failed:
        return False
    if not known:
        record_bounce(
            session,
            customer.id,
            channel=invitation.channel,
            address=address,
            detail=detail,
            clock=clock,
        )
    if invitation.started_at is None and invitation.completed_at is None:
        invitation.delivered_at = None
    dispatch.status = DispatchStatus.FAILED.value
    dispatch.failure_reason = detail[:2000]
    pressure.log_decision(
        session, invitation, dispatch, pressure.Suppress(BOUNCE_RULE, detail), now=now
    )
    return True


def process_dsn(
    session: Session, settings: Settings, raw: bytes, *, clock: Clock | None = None
) -> BounceResult:
    """Process one returned message (RFC 822 bytes); see the module's docstring."""
    now = (clock or SystemClock()).now()
    report = parse_dsn(raw)
    if report is None:
        return BounceResult(BounceOutcome.NOT_DSN)
    failed = report.permanent
    first = (failed or report.recipients)[0]
    ids = find_invitations(settings, report)
    if not ids:
        return BounceResult(BounceOutcome.UNMATCHED, address=first.recipient, status=first.status)
    if not failed:
        return BounceResult(
            BounceOutcome.TRANSIENT,
            invitation_id=ids[0],
            address=first.recipient,
            status=first.status,
            detail=first.diagnostic,
        )
    result = BounceResult(BounceOutcome.UNMATCHED, address=first.recipient, status=first.status)
    for invitation_id in ids:
        invitation = session.get(Invitation, invitation_id)
        dispatch = session.get(InvitationDispatch, invitation_id)
        if invitation is None or dispatch is None or invitation.channel != "email":
            continue
        customer = session.get(Customer, invitation.customer_id) if invitation.customer_id else None
        if customer is None:
            continue
        address = _address(customer, first)
        detail = _describe(first)
        changed = apply_bounce(
            session,
            invitation,
            dispatch,
            customer,
            address=address,
            detail=detail,
            now=now,
            clock=clock,
        )
        outcome = BounceOutcome.BOUNCED if changed else BounceOutcome.ALREADY
        result = BounceResult(outcome, invitation_id, address, first.status, first.diagnostic)
    session.flush()
    return result
