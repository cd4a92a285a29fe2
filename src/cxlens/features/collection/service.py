"""What the public links do: open a survey, vote, open pixel, unsubscribe. Flushes only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import Purpose, Signer, TokenClaims, TokenError
from cxlens.features.collection.forms import SurveyForm, frozen_form
from cxlens.features.collection.responses import known_values, next_question
from cxlens.features.collection.submission import answers_by_key, load_state, submit_answers
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

    Raises ``NotFoundError`` for a token that is not genuine, expired, for another purpose,
    or names no invitation (the pages answer all of these with the same 404).
    """
    try:
        claims = signer.verify(token, purpose=purpose)
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


def record_vote(session: Session, signer: Signer, token: str) -> tuple[InvitationVisit, str | None]:
    """Record a vote link's score on the survey's first score question.

    Idempotent: the same link twice gives the same answer; another score link of the same
    invitation updates it. A vote that leaves no question to ask submits the response.
    Returns the visit and the key of the question to show next (``None`` when the vote was
    the last one).
    """
    visit = open_invitation(session, signer, token, Purpose.ANSWER)
    form = visit.form
    question = form.first_score_question()
    score = visit.claims.action
    if question is None or score is None:
        raise NotFoundError("this link is not valid")
    low, high = question.scale_low or 0, question.scale_high or 10
    if not low <= score <= high:
        raise NotFoundError("this link is not valid")
    state = load_state(session, visit.invitation.id)
    if state is None:  # pragma: no cover - open_invitation found it in this transaction
        raise NotFoundError("this link is not valid")
    after = {**answers_by_key(form, state.answers), question.key: float(score)}
    following = next_question(form, known_values(state, after), question.key)
    submit_answers(
        session,
        form,
        state,
        [(question, float(score))],
        language=invitation_language(session, visit.invitation),
        finish=following is None,
    )
    return visit, None if following is None else following.key


def mark_opened(session: Session, invitation_id: int) -> None:
    """Set the invitation's ``opened_at`` if not yet set (its survey page or pixel was seen)."""
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.opened_at.is_(None))
        .values(opened_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )


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
