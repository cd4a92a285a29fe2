"""Invitation emails: compose (text + HTML, the vote inside), sign (DKIM), send (SMTP)."""

from cxlens.channels.email.compose import (
    EmailTemplate,
    InvitationEmail,
    Mailbox,
    compose_invitation,
)
from cxlens.channels.email.dkim import DkimKey, dkim_sign
from cxlens.channels.email.dsn import DeliveryReport, FailedRecipient, parse_dsn
from cxlens.channels.email.sender import (
    EmailSender,
    InMemoryEmailSender,
    SentEmail,
    address_problem,
)
from cxlens.channels.email.smtp import (
    SmtpConfig,
    SmtpEmailSender,
    SmtpSecurity,
    classify_smtp_error,
    serialise,
)
from cxlens.channels.email.verp import (
    REFERENCE_HEADER,
    tokens_in_addresses,
    tokens_in_headers,
    verp_address,
)
from cxlens.channels.email.vote import (
    LinkBuilder,
    VoteQuestion,
    VoteStyle,
    render_vote_html,
    render_vote_text,
)

__all__ = [
    "REFERENCE_HEADER",
    "DeliveryReport",
    "DkimKey",
    "EmailSender",
    "EmailTemplate",
    "FailedRecipient",
    "InMemoryEmailSender",
    "InvitationEmail",
    "LinkBuilder",
    "Mailbox",
    "SentEmail",
    "SmtpConfig",
    "SmtpEmailSender",
    "SmtpSecurity",
    "VoteQuestion",
    "VoteStyle",
    "address_problem",
    "classify_smtp_error",
    "compose_invitation",
    "dkim_sign",
    "parse_dsn",
    "render_vote_html",
    "render_vote_text",
    "serialise",
    "tokens_in_addresses",
    "tokens_in_headers",
    "verp_address",
]
