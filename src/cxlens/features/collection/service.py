"""What the public links do: open a survey, open pixel, unsubscribe. Flushes only.

Vote links are :mod:`cxlens.features.collection.scanners` (a ``POST`` casts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import ExpiredTokenError, Purpose, Signer, TokenClaims, TokenError
from cxlens.features.collection import repository
from cxlens.features.collection.errors import LinkExpiredError
from cxlens.features.collection.forms import SurveyForm, frozen_form
from cxlens.features.distribution.pressure_repository import opt_out_of
from cxlens.features.distribution.service import record_opt_out
from cxlens.models import Customer, Invitation


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

    Raises :class:`~cxlens.features.collection.errors.LinkExpiredError` for a genuine token
    past its expiry, ``NotFoundError`` for a token that is not genuine, for another purpose,
    or names no invitation (the pages answer all of these with the same 404).
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


def mark_opened(session: Session, invitation_id: int) -> None:
    """Set the invitation's ``opened_at`` if not yet set (its survey page or pixel was seen)."""
    repository.mark_opened(session, invitation_id, datetime.now(UTC))


def record_open(session: Session, signer: Signer, token: str) -> bool:
    """Record that an invitation email was opened (first time only); ``False`` if not genuine."""
    try:
        claims = signer.verify(token, purpose=Purpose.OPEN)
    except TokenError:
        return False
    if session.get(Invitation, claims.invitation_id) is None:
        return False
    mark_opened(session, claims.invitation_id)
    return True


def unsubscribe(session: Session, signer: Signer, token: str, *, method: str) -> Invitation:
    """Opt the invitation's customer out of further invitations (idempotent).

    Raises ``NotFoundError`` for a link that is not genuine.
    """
    visit_claims = _claims(signer, token, Purpose.UNSUBSCRIBE)
    invitation = session.get(Invitation, visit_claims.invitation_id)
    if invitation is None:
        raise NotFoundError("this link is not valid")
    if invitation.customer_id is not None:
        record_opt_out(
            session,
            invitation.customer_id,
            detail="unsubscribed with the invitation's link",
            invitation_id=invitation.id,
            method=method,
        )
    return invitation


def check_unsubscribe(session: Session, signer: Signer, token: str) -> Invitation:
    """The invitation of an unsubscribe token (for the confirm page); ``NotFoundError`` if none."""
    claims = _claims(signer, token, Purpose.UNSUBSCRIBE)
    invitation = session.get(Invitation, claims.invitation_id)
    if invitation is None:
        raise NotFoundError("this link is not valid")
    return invitation


def is_opted_out(session: Session, customer_id: int) -> bool:
    """Whether the customer asked for no more invitations, on any channel."""
    return opt_out_of(session, customer_id, None) is not None


def _claims(signer: Signer, token: str, purpose: Purpose) -> TokenClaims:
    try:
        return signer.verify(token, purpose=purpose)
    except TokenError as exc:
        raise NotFoundError("this link is not valid") from exc
