"""Build the invitation email and SMS of an invitation, in the customer's language."""

from __future__ import annotations

from dataclasses import dataclass, replace
from email.message import EmailMessage
from html import escape

from sqlalchemy.orm import Session

from cxlens.channels.email import (
    REFERENCE_HEADER,
    InvitationEmail,
    Mailbox,
    VoteQuestion,
    compose_invitation,
    verp_address,
)
from cxlens.channels.sms import ComposedSms, compose_sms
from cxlens.core.errors import ConfigurationError
from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose
from cxlens.features.collection.links import (
    open_pixel_url,
    signer_for,
    survey_url,
    unsubscribe_url,
    vote_url,
)
from cxlens.features.distribution import repository as repo
from cxlens.features.distribution.texts import (
    email_template,
    language_for,
    reminder_prefix,
    sms_templates,
)
from cxlens.models import Customer, Invitation, Question


@dataclass(frozen=True, slots=True)
class Branding:
    """Who the invitations come from: company name, signature, open tracking."""

    company: str
    signature: str
    track_opens: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> Branding:
        """Company (``CXLENS_COMPANY_NAME``) and signature (``CXLENS_EMAIL_SIGNATURE``),
        each falling back to the sender name (``CXLENS_EMAIL_FROM_NAME``)."""
        sender = settings.email_from_name or settings.company_name or "cxlens"
        return cls(
            company=settings.company_name or sender,
            signature=settings.email_signature or sender,
        )


def _vote(question: Question, language: str) -> VoteQuestion | None:
    labels = question.labels or {}
    words = labels.get(language) or next(iter(labels.values()), None) or {}
    text = str(words.get("text") or question.text or "")
    if not text or question.scale_low is None or question.scale_high is None:
        return None
    values = range(question.scale_low, question.scale_high + 1)
    if question.scale_low < 0 or len(values) > 11:
        return None
    low = words.get("low")
    high = words.get("high")
    return VoteQuestion.scale(
        text,
        list(values),
        low_label=str(low) if low else None,
        high_label=str(high) if high else None,
    )


def _with_pixel(message: EmailMessage, url: str) -> None:
    html_part = message.get_body(("html",))
    if not isinstance(html_part, EmailMessage):
        return
    content = html_part.get_content()
    pixel = (
        f'<img src="{escape(url, quote=True)}" width="1" height="1" alt="" style="display:block;">'
    )
    html_part.set_content(
        content.replace("</body>", pixel + "\n</body>", 1), subtype="html", cte="quoted-printable"
    )


def build_email(
    session: Session,
    settings: Settings,
    invitation: Invitation,
    customer: Customer,
    *,
    language: str,
    attempt: str,
    message_id: str,
    branding: Branding,
    title: str | None = None,
) -> EmailMessage:
    """The invitation email: greeting in ``language``, the first score question as vote
    links, List-Unsubscribe, and an open-tracking pixel when ``branding.track_opens``.

    ``title`` (the survey's title in ``language``, if it has one) is the subject;
    ``message_id`` is the Message-ID the delivery ledger stored for this attempt.
    """
    if not settings.email_from_address:
        raise ConfigurationError("email invitations need CXLENS_EMAIL_FROM_ADDRESS")
    question = repo.first_score_question(session, invitation.survey_version_id)
    vote = _vote(question, language) if question is not None else None
    mailto = settings.email_unsubscribe_mailto or f"mailto:{settings.email_from_address}"
    if "?" not in mailto:
        mailto += "?subject=unsubscribe"
    invitation_id = invitation.id
    template = email_template(language, branding.signature, reminder=attempt != "initial")
    if title:
        subject = (reminder_prefix(language) if attempt != "initial" else "") + _literal(title)
        template = replace(template, subject=subject, subject_without_name=subject)
    email = InvitationEmail(
        sender=Mailbox(settings.email_from_address, settings.email_from_name),
        recipient=Mailbox(customer.email or "", customer.name),
        template=template,
        company=branding.company,
        survey_url=survey_url(settings, invitation_id),
        unsubscribe_url=unsubscribe_url(settings, invitation_id),
        unsubscribe_mailto=mailto,
        invitation_id=invitation_id,
        attempt_key=attempt,
        message_id=message_id,
        language=language,
        vote=vote,
        vote_link=(lambda score: vote_url(settings, invitation_id, score)) if vote else None,
        reply_to=Mailbox(settings.email_reply_to) if settings.email_reply_to else None,
    )
    message = compose_invitation(email)
    message[REFERENCE_HEADER] = bounce_reference(settings, invitation_id)
    if branding.track_opens:
        _with_pixel(message, open_pixel_url(settings, invitation_id))
    return message


def bounce_reference(settings: Settings, invitation_id: int) -> str:
    """The signed reference (purpose ``BOUNCE``) that a returned email is traced back by."""
    return signer_for(settings).sign(invitation_id, purpose=Purpose.BOUNCE)


def envelope_sender(settings: Settings, invitation_id: int) -> str | None:
    """The VERP bounce address of an invitation (``bounces+<ref>@domain``), or ``None``
    without ``CXLENS_EMAIL_BOUNCE_ADDRESS`` (then the From address gets the bounces)."""
    if not settings.email_bounce_address:
        return None
    return verp_address(settings.email_bounce_address, bounce_reference(settings, invitation_id))


def build_sms(
    settings: Settings,
    invitation: Invitation,
    customer: Customer,
    *,
    language: str,
    branding: Branding,
    title: str | None = None,
) -> ComposedSms:
    """The invitation SMS: a short text and the signed survey link, one segment if possible.

    With a ``title`` (the survey's, in ``language``) the text is the title and the link,
    led by the company where it fits; the usual texts remain as shorter fall-backs.
    """
    templates = sms_templates(language)
    if title:
        words = _literal(" ".join(title.split()))
        templates = (f"${{company}}: {words} ${{link}}", f"{words} ${{link}}", *templates)
    return compose_sms(
        templates,
        link=survey_url(settings, invitation.id),
        company=branding.company,
        name=customer.name,
    )


def _literal(text: str) -> str:
    """``text`` safe inside a ``${placeholder}`` template (``$`` doubled)."""
    return text.replace("$", "$$")


def invitation_language(customer: Customer | None, chosen: str | None, default: str) -> str:
    """The language of an invitation: chosen, else the customer's locale, else ``default``."""
    return language_for(chosen, customer.locale if customer else None, default)
