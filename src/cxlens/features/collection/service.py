"""What the public links do: open a survey, vote, open pixel, unsubscribe. Flushes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import ExpiredTokenError, Purpose, Signer, TokenClaims, TokenError
from cxlens.features.collection.forms import SurveyForm, frozen_form
from cxlens.models import Customer, Invitation, OptOut


class LinkExpiredError(NotFoundError):
    """A genuine survey or vote link past its expiry (the pages say so, with status 410)."""


@dataclass(frozen=True, slots=True)
class InvitationVisit:
    """A verified invitation with its survey form."""

    invitation: Invitation
    form: SurveyForm
    claims: TokenClaims


def open_invitation(
    session: Session, signer: Signer, token: str, purpose: Purpose
) -> InvitationVisit:
    """The invitation a token names, checked for ``purpose``.

    Raises :class:`LinkExpiredError` for a genuine token past its expiry, ``NotFoundError``
    for a token that is not genuine, for another purpose, or names no invitation (the pages
    answer all of these with the same 404).
    """
    try:
        claims = signer.verify(token, purpose=purpose)
    except ExpiredTokenError as exc:
        raise LinkExpiredError("this link has expired") from exc
    except TokenError as exc:
        raise NotFoundError("this link is not valid") from exc
    invitation = session.get(Invitation, claims.invitation_id)
    if invitation is None:
        raise NotFoundError("this link is not valid")
    # an invitation points at the version, so it is in use and will not change
    return InvitationVisit(invitation, frozen_form(session, invitation.survey_version_id), claims)


def invitation_language(session: Session, invitation: Invitation) -> str | None:
    """The invitation's language, else its customer's locale, else ``None``."""
    language = getattr(invitation, "language", None)
    if isinstance(language, str) and language:
        return language
    if invitation.customer_id is not None:
        customer = session.get(Customer, invitation.customer_id)
        if customer is not None and customer.locale:
            return customer.locale
    return None


def record_open(session: Session, signer: Signer, token: str) -> bool:
    """Record that an invitation email was opened (first time only); ``False`` if not genuine."""
    try:
        claims = signer.verify(token, purpose=Purpose.OPEN)
    except TokenError:
        return False
    invitation = session.get(Invitation, claims.invitation_id)
    if invitation is None:
        return False
    if invitation.opened_at is None:
        invitation.opened_at = datetime.now(UTC)
    return True


def unsubscribe(session: Session, signer: Signer, token: str, *, method: str) -> Invitation:
    """Opt the invitation's customer out of further invitations (idempotent).

    Raises ``NotFoundError`` for a link that is not genuine.
    """
    visit_claims = _claims(signer, token, Purpose.UNSUBSCRIBE)
    invitation = session.get(Invitation, visit_claims.invitation_id)
    if invitation is None:
        raise NotFoundError("this link is not valid")
    if invitation.customer_id is not None and not is_opted_out(session, invitation.customer_id):
        try:
            with session.begin_nested():
                session.add(
                    OptOut(
                        customer_id=invitation.customer_id,
                        invitation_id=invitation.id,
                        method=method,
                    )
                )
        except IntegrityError:  # a concurrent click recorded it
            pass
    return invitation


def check_unsubscribe(session: Session, signer: Signer, token: str) -> Invitation:
    """The invitation of an unsubscribe token (for the confirm page); ``NotFoundError`` if none."""
    claims = _claims(signer, token, Purpose.UNSUBSCRIBE)
    invitation = session.get(Invitation, claims.invitation_id)
    if invitation is None:
        raise NotFoundError("this link is not valid")
    return invitation


def is_opted_out(session: Session, customer_id: int) -> bool:
    """Whether the customer asked for no more invitations (distribution checks this)."""
    return session.scalar(select(OptOut.id).where(OptOut.customer_id == customer_id)) is not None


def _claims(signer: Signer, token: str, purpose: Purpose) -> TokenClaims:
    try:
        return signer.verify(token, purpose=purpose)
    except TokenError as exc:
        raise NotFoundError("this link is not valid") from exc
