"""Send email over SMTP (smtplib): plain, STARTTLS or implicit TLS, optional login and DKIM.

One connection per message: simple, and nothing half-open survives a worker crash. SMTP
failures become a :class:`DeliveryError` whose kind says what to do (see
:func:`classify_smtp_error`). Addresses are checked before connecting: a malformed one (a
line break, no ``@`` …) is a permanent failure at once, never a retry.

Once the server accepted the message (``250`` after ``DATA``), the send has happened: the
``QUIT`` after it is best effort, with a short timeout, and its failure is not a failure of
the send, so the caller records the send as soon as possible and never resends a message
because a server hung up rudely.
"""

from __future__ import annotations

import copy
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from enum import StrEnum

from cxlens.channels.email.dkim import DkimKey, dkim_sign
from cxlens.channels.email.sender import SentEmail, address_problem, envelope_recipients
from cxlens.channels.errors import DeliveryError, FailureKind
from cxlens.core.errors import ConfigurationError

PROVIDER = "smtp"
#: Seconds the QUIT after an accepted message may take before the connection is dropped.
QUIT_TIMEOUT = 2.0
_ENHANCED = re.compile(rb"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")


class SmtpSecurity(StrEnum):
    """How the connection is protected."""

    STARTTLS = "starttls"
    """Plain connection upgraded with STARTTLS (port 587). The default."""
    SSL = "ssl"
    """TLS from the first byte (port 465)."""
    NONE = "none"
    """No TLS: only for a relay on the same host or network (port 25, a local MTA)."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to reach the SMTP server.

    ``envelope_from`` is the bounce address (MAIL FROM); without it the From address is
    used. ``ssl_context`` overrides the default (system trust store, hostname checked).
    """

    host: str
    port: int = 587
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    local_hostname: str | None = None
    envelope_from: str | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False, repr=False)


def serialise(message: EmailMessage, dkim: DkimKey | None = None) -> bytes:
    """The bytes that go on the wire (CRLF, 7-bit safe headers), DKIM-signed if a key is given.

    Bcc is left out of the headers; its addresses stay envelope recipients.
    """
    if "Bcc" in message:
        message = copy.deepcopy(message)
        del message["Bcc"]
    data = message.as_bytes(policy=policy.SMTP)
    return dkim_sign(data, dkim) if dkim is not None else data


def _enhanced_class(text: bytes) -> tuple[int, int] | None:
    match = _ENHANCED.match(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _reply_kind(code: int, text: bytes, *, stage: str) -> FailureKind:
    if 400 <= code < 500:
        return FailureKind.TEMPORARY
    if not 500 <= code < 600:
        return FailureKind.TEMPORARY
    enhanced = _enhanced_class(text)
    subject = enhanced[1] if enhanced else None
    if stage == "rcpt":
        # 5.7.x is policy (relaying denied, not authorised): our problem, not the mailbox's.
        return FailureKind.REJECTED if subject == 7 else FailureKind.BOUNCE
    if stage == "data":
        # Some servers refuse a single recipient only after DATA: 5.1.x/5.2.x is the mailbox.
        return FailureKind.BOUNCE if subject in (1, 2) else FailureKind.REJECTED
    if stage in ("mail", "helo", "auth"):
        return FailureKind.CONFIGURATION
    return FailureKind.REJECTED


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def classify_smtp_error(exc: BaseException) -> DeliveryError:
    """The :class:`DeliveryError` for an smtplib / socket / TLS failure.

    5xx for the recipient → bounce (suppress); 5xx for the message → rejected; 4xx,
    disconnects, refused connections and timeouts → temporary; refused login, refused
    sender, missing STARTTLS, untrusted certificate → configuration.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        kinds = {_reply_kind(code, text, stage="rcpt") for code, text in replies}
        code, text = replies[0] if replies else (None, b"")
        if kinds == {FailureKind.BOUNCE}:
            kind = FailureKind.BOUNCE
        elif FailureKind.TEMPORARY in kinds:
            kind = FailureKind.TEMPORARY
        else:
            kind = FailureKind.REJECTED
        return DeliveryError(kind, _text(text), code=code, provider=PROVIDER)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(
            FailureKind.CONFIGURATION,
            f"login refused: {_text(exc.smtp_error)}",
            code=exc.smtp_code,
            provider=PROVIDER,
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        return DeliveryError(
            FailureKind.TEMPORARY, _text(exc.smtp_error), code=exc.smtp_code, provider=PROVIDER
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        stage = "other"
        if isinstance(exc, smtplib.SMTPSenderRefused):
            stage = "mail"
        elif isinstance(exc, smtplib.SMTPDataError):
            stage = "data"
        elif isinstance(exc, smtplib.SMTPHeloError):
            stage = "helo"
        text = exc.smtp_error if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error).encode()
        return DeliveryError(
            _reply_kind(exc.smtp_code, text, stage=stage),
            _text(exc.smtp_error),
            code=exc.smtp_code,
            provider=PROVIDER,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryError(FailureKind.CONFIGURATION, str(exc), provider=PROVIDER)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return DeliveryError(
            FailureKind.CONFIGURATION,
            f"the server's TLS certificate is not trusted: {exc.verify_message}",
            provider=PROVIDER,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return DeliveryError(
            FailureKind.TEMPORARY, f"the server closed the connection: {exc}", provider=PROVIDER
        )
    if isinstance(exc, TimeoutError):
        return DeliveryError(
            FailureKind.TEMPORARY, "the server did not answer in time", provider=PROVIDER
        )
    if isinstance(exc, OSError):
        return DeliveryError(
            FailureKind.TEMPORARY, f"cannot reach the server: {exc}", provider=PROVIDER
        )
    return DeliveryError(FailureKind.TEMPORARY, repr(exc), provider=PROVIDER)


class SmtpEmailSender:
    """An :class:`~cxlens.channels.email.sender.EmailSender` over real SMTP."""

    def __init__(self, config: SmtpConfig, *, dkim: DkimKey | None = None) -> None:
        if (config.username is None) != (config.password is None):
            raise ConfigurationError("SMTP login needs both a username and a password")
        self._config = config
        self._dkim = dkim

    def _context(self) -> ssl.SSLContext:
        return self._config.ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        c = self._config
        if c.security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(
                c.host,
                c.port,
                local_hostname=c.local_hostname,
                timeout=c.timeout,
                context=self._context(),
            )
        return smtplib.SMTP(c.host, c.port, local_hostname=c.local_hostname, timeout=c.timeout)

    def send(self, message: EmailMessage, *, envelope_from: str | None = None) -> SentEmail:
        """Send ``message``; raises :class:`DeliveryError` when the server does not take it.

        ``envelope_from`` (``MAIL FROM``, e.g. a VERP address) wins over the configured one.
        """
        for name in ("To", "Cc", "Bcc"):
            if any("\r" in str(v) or "\n" in str(v) for v in message.get_all(name, [])):
                raise DeliveryError(
                    FailureKind.BOUNCE,
                    f"the {name} header contains a line break (header injection)",
                    provider=PROVIDER,
                )
        recipients = envelope_recipients(message)
        if not recipients:
            raise DeliveryError(
                FailureKind.REJECTED, "the message has no recipient", provider=PROVIDER
            )
        for address in recipients:
            problem = address_problem(address)
            if problem is not None:
                raise DeliveryError(
                    FailureKind.BOUNCE, f"the recipient address {problem}", provider=PROVIDER
                )
        envelope_from = (
            envelope_from or self._config.envelope_from or parseaddr(str(message["From"]))[1]
        )
        problem = address_problem(envelope_from) if envelope_from else "is empty"
        if problem is not None:
            raise DeliveryError(
                FailureKind.CONFIGURATION, f"the sender address {problem}", provider=PROVIDER
            )
        try:
            data = serialise(message, self._dkim)
        except ValueError as exc:  # a header smtplib's policy cannot write (a raw CR/LF …)
            raise DeliveryError(
                FailureKind.REJECTED, f"the message cannot be serialised: {exc}", provider=PROVIDER
            ) from exc
        c = self._config
        smtp: smtplib.SMTP | None = None
        try:
            smtp = self._connect()
            smtp.ehlo()
            if c.security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if c.username is not None and c.password is not None:
                smtp.login(c.username, c.password)
            refused = smtp.sendmail(envelope_from, list(recipients), data)
        except (smtplib.SMTPException, OSError) as exc:
            if smtp is not None:
                smtp.close()
            raise classify_smtp_error(exc) from exc
        except ValueError as exc:  # smtplib refuses a line break or a non-ASCII command
            if smtp is not None:
                smtp.close()
            raise DeliveryError(
                FailureKind.REJECTED,
                "an address or command cannot go over SMTP (a line break or non-ASCII text)",
                provider=PROVIDER,
            ) from exc
        _quit(smtp)
        accepted = tuple(r for r in recipients if r not in refused)
        return SentEmail(message_id=str(message["Message-ID"]), recipients=accepted)


def _quit(smtp: smtplib.SMTP) -> None:
    """Say QUIT after an accepted message, best effort: the message is sent whatever comes."""
    try:
        if smtp.sock is not None:
            smtp.sock.settimeout(QUIT_TIMEOUT)
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        smtp.close()
