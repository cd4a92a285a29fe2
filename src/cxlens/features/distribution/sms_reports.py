"""SMS delivery reports: ``delivered`` counts in the funnel, a bounce suppresses the number.

A report is found by the provider's message id (``invitation_dispatches.provider_id``,
indexed). ``delivered`` sets the invitation's ``delivered_at`` (once); ``undelivered`` or
``failed`` clears it and marks the invitation failed, and with a bounce error code (Twilio's
invalid-number codes, :data:`~cxlens.channels.sms.DELIVERY_BOUNCE_CODES`, or the gateway's
configured ones) the number is suppressed and queued reminders cancelled, as for a bounce
at send time. ``queued`` and ``sent`` change nothing. The same report twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from cxlens.channels.sms import SmsReport, SmsStatus
from cxlens.core.clock import Clock, SystemClock
from cxlens.core.settings import Settings, reveal
from cxlens.features.distribution import pressure
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.bounces import BOUNCE_RULE, apply_bounce
from cxlens.models import Customer
from cxlens.models.distribution import DispatchStatus

#: Where Twilio posts status callbacks (under ``CXLENS_PUBLIC_BASE_URL``).
TWILIO_STATUS_PATH = "/webhooks/twilio/status"
#: Where a generic gateway posts delivery reports.
GATEWAY_STATUS_PATH = "/webhooks/sms-gateway/status"
#: The suppression-log rule of an SMS that did not arrive for another reason.
UNDELIVERED_RULE = "undelivered"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def twilio_status_callback(settings: Settings) -> str | None:
    """The ``StatusCallback`` URL sent with each Twilio message.

    ``CXLENS_TWILIO_STATUS_CALLBACK`` if set, else ``{public_base_url}/webhooks/twilio/status``
    when the public base URL is one Twilio can reach (not loopback); else ``None``.
    """
    if settings.twilio_status_callback:
        return settings.twilio_status_callback
    base = settings.public_base_url.rstrip("/")
    if urlsplit(base).hostname in _LOOPBACK:
        return None
    return base + TWILIO_STATUS_PATH


def expects_delivery_reports(settings: Settings) -> bool:
    """Whether SMS delivery reports will come: then an SMS counts as delivered only when
    its report says so (else: when the provider accepted it)."""
    if settings.sms_provider == "twilio":
        return twilio_status_callback(settings) is not None
    if settings.sms_provider == "http":
        return reveal(settings.sms_gateway_callback_secret) is not None
    return False


@dataclass(frozen=True, slots=True)
class SmsReportResult:
    """What a report did: ``delivered``, ``bounced``, ``undelivered``, ``already``,
    ``ignored`` (queued/sent) or ``unmatched`` (no invitation has that message id)."""

    outcome: str
    invitation_id: int | None = None
    status: str | None = None


def apply_sms_report(
    session: Session,
    report: SmsReport,
    *,
    bounce_codes: Iterable[int | str],
    clock: Clock | None = None,
) -> SmsReportResult:
    """Apply one delivery report (see the module's docstring)."""
    now = (clock or SystemClock()).now()
    row = repo.sms_dispatch_by_provider_id(session, report.provider_id)
    if row is None:
        return SmsReportResult("unmatched", status=report.status.value)
    dispatch, invitation = row
    result = SmsReportResult("already", invitation.id, report.status.value)
    if report.status is SmsStatus.DELIVERED:
        if invitation.delivered_at is not None or dispatch.status == DispatchStatus.FAILED.value:
            return result
        invitation.delivered_at = now
        return SmsReportResult("delivered", invitation.id, report.status.value)
    if not report.failed:
        return SmsReportResult("ignored", invitation.id, report.status.value)
    words = f"{report.error_code or ''} {report.detail or ''}".strip() or report.status.value
    detail = f"SMS {report.status.value} (delivery report): {words}"
    customer = session.get(Customer, invitation.customer_id) if invitation.customer_id else None
    if report.is_bounce(bounce_codes) and customer is not None:
        address = pressure.address_of(customer, "sms") or ""
        changed = apply_bounce(
            session, invitation, dispatch, customer, address=address, detail=detail, now=now,
            clock=clock,
        )  # fmt: skip
        return SmsReportResult("bounced" if changed else "already", invitation.id, "bounce")
    if dispatch.status == DispatchStatus.FAILED.value:
        return result
    if invitation.started_at is None and invitation.completed_at is None:
        invitation.delivered_at = None
    dispatch.status = DispatchStatus.FAILED.value
    dispatch.failure_reason = detail[:2000]
    pressure.log_decision(
        session, invitation, dispatch, pressure.Suppress(UNDELIVERED_RULE, detail), now=now
    )
    return SmsReportResult("undelivered", invitation.id, report.status.value)


__all__ = [
    "BOUNCE_RULE",
    "GATEWAY_STATUS_PATH",
    "TWILIO_STATUS_PATH",
    "SmsReportResult",
    "apply_sms_report",
    "expects_delivery_reports",
    "twilio_status_callback",
]
