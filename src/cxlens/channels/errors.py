"""The one error every channel adapter raises when a message could not be handed over."""

from __future__ import annotations

from enum import StrEnum

from cxlens.core.errors import CxlensError


class FailureKind(StrEnum):
    """Why a send failed, in the terms the caller acts on."""

    BOUNCE = "bounce"
    """Permanent, and about this recipient (no such mailbox, invalid number, opted out at the
    provider): do not retry, and suppress future sends to this address or number."""
    REJECTED = "rejected"
    """Permanent for this message (policy, content, too long): do not retry it, but the
    recipient itself is not known to be bad."""
    TEMPORARY = "temporary"
    """Try again later with backoff (4xx, rate limit, connection refused or timed out, 5xx
    from an HTTP gateway)."""
    CONFIGURATION = "configuration"
    """Our side is set up wrong (credentials, sender address, TLS): tell the operator; retry
    once the setting is fixed. Never a reason to suppress the recipient."""


class DeliveryError(CxlensError):
    """A message was not accepted by the SMTP server or the SMS provider.

    ``kind`` says what to do; ``code`` is the provider's code where there is one (an SMTP
    reply code such as ``550``, a Twilio error code such as ``21211``, an HTTP status);
    ``detail`` is the provider's own words.
    """

    http_status = 502
    error_code = "delivery_failed"

    def __init__(
        self,
        kind: FailureKind,
        detail: str,
        *,
        code: int | None = None,
        provider: str = "",
    ) -> None:
        self.kind = kind
        self.detail = detail
        self.code = code
        self.provider = provider
        prefix = f"{provider}: " if provider else ""
        with_code = f" ({code})" if code is not None else ""
        super().__init__(f"{prefix}{kind.value} delivery failure{with_code}: {detail}")

    @property
    def permanent(self) -> bool:
        """True when retrying this message cannot help."""
        return self.kind in (FailureKind.BOUNCE, FailureKind.REJECTED)

    @property
    def temporary(self) -> bool:
        """True when the same message should be retried later."""
        return not self.permanent

    @property
    def suppress_recipient(self) -> bool:
        """True when future sends to this recipient should be suppressed (a bounce)."""
        return self.kind is FailureKind.BOUNCE
