"""Vote links that mail security scanners cannot cast or change.

Gateways such as Microsoft Defender Safe Links, Mimecast, Proofpoint or Barracuda fetch
every link of an email, often from a browser-like sandbox. So (docs/collection.md):

1. A ``GET`` (or ``HEAD``) of a score link records **nothing**: it shows the question with
   that score chosen and a form that posts it; an inline script posts it at once, so a
   person with JavaScript still votes in one click, and one without presses the button.
2. The ``POST`` (:func:`cast_vote`) is ignored when the user agent is a known scanner or
   an HTTP library (:func:`is_scanner_agent`).
3. Two *different* scores of one invitation posted within ``vote_burst_seconds`` of each
   other (10 s by default) are a scan: that click and the ones following it within the
   window record nothing, and the vote the burst had cast is reverted to the answer before
   it. A person changing their mind does so on the survey page, which is not affected.
4. A vote on a response submitted longer ago than the edit window changes nothing
   (:mod:`cxlens.features.collection.edits`).

Every posted click is kept in ``vote_clicks`` with its outcome. Flushes, never commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import Purpose, Signer
from cxlens.features.collection import edits
from cxlens.features.collection import responses as saving
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.logic import AnswerValue
from cxlens.features.collection.service import (
    InvitationVisit,
    invitation_language,
    open_invitation,
)
from cxlens.models import Answer, Question, Response, VoteClick

#: Lower-case fragments of the user agents of link scanners, crawlers and HTTP libraries.
SCANNER_AGENT_PATTERN = re.compile(
    "|".join(
        re.escape(fragment)
        for fragment in (
            "safelinks",
            "safe links",
            "bingpreview",
            "microsoft office",
            "ms-office",
            "mimecast",
            "proofpoint",
            "urldefense",
            "barracuda",
            "messagelabs",
            "symantec",
            "trend micro",
            "trendmicro",
            "forcepoint",
            "fireeye",
            "sophos",
            "ironport",
            "cisco",
            "zscaler",
            "paloalto",
            "google-safety",
            "googleimageproxy",
            "headlesschrome",
            "phantomjs",
            "python-requests",
            "python-urllib",
            "python-httpx",
            "aiohttp",
            "curl/",
            "wget/",
            "go-http-client",
            "java/",
            "okhttp",
            "libwww",
            "scrapy",
            "httpclient",
            "bot/",
            "bot;",
            "robot",
            "crawler",
            "spider",
            "scanner",
            "preview",
        )
    )
)


class VoteOutcome(StrEnum):
    """What a posted vote click did."""

    COUNTED = "counted"
    """A person's vote: the score is recorded and the response counts."""
    AGENT = "agent"
    """A known scanner's or HTTP library's user agent: nothing recorded."""
    BURST = "burst"
    """Another score of the same invitation within the burst window: a scan."""
    REVERTED = "reverted"
    """A click first counted, then found to open a burst (its vote reverted)."""
    CLOSED = "closed"
    """The response was submitted longer ago than the edit window: nothing changed."""


def is_scanner_agent(user_agent: str | None) -> bool:
    """Whether ``user_agent`` is missing or names a link scanner, crawler or HTTP library."""
    if not user_agent or not user_agent.strip():
        return True
    return SCANNER_AGENT_PATTERN.search(user_agent.lower()) is not None


def classify_click(user_agent: str | None, score: int, recent_scores: Sequence[int]) -> VoteOutcome:
    """The outcome of a click on ``score`` given the scores clicked within the window."""
    if is_scanner_agent(user_agent):
        return VoteOutcome.AGENT
    if any(other != score for other in recent_scores):
        return VoteOutcome.BURST
    return VoteOutcome.COUNTED


def burst_window(seconds: float) -> timedelta:
    """The burst window as a ``timedelta``."""
    return timedelta(seconds=seconds)


# ---------------------------------------------------------------- repository


def recent_scores(session: Session, invitation_id: int, since: datetime) -> list[int]:
    """The scores of the invitation's vote clicks since ``since`` (any outcome)."""
    return list(
        session.scalars(
            select(VoteClick.score).where(
                VoteClick.invitation_id == invitation_id, VoteClick.clicked_at >= since
            )
        )
    )


def add_click(
    session: Session, invitation_id: int, score: int, outcome: VoteOutcome, now: datetime
) -> None:
    """Keep one vote click."""
    session.add(
        VoteClick(invitation_id=invitation_id, score=score, outcome=outcome.value, clicked_at=now)
    )


def _mark_reverted(session: Session, invitation_id: int, since: datetime) -> None:
    session.execute(
        update(VoteClick)
        .where(
            VoteClick.invitation_id == invitation_id,
            VoteClick.clicked_at >= since,
            VoteClick.outcome == VoteOutcome.COUNTED.value,
        )
        .values(outcome=VoteOutcome.REVERTED.value)
    )


def _last_counted_before(session: Session, invitation_id: int, before: datetime) -> datetime | None:
    return session.scalar(
        select(VoteClick.clicked_at)
        .where(
            VoteClick.invitation_id == invitation_id,
            VoteClick.clicked_at < before,
            VoteClick.outcome == VoteOutcome.COUNTED.value,
        )
        .order_by(VoteClick.clicked_at.desc())
        .limit(1)
    )


def _set_answer(
    session: Session, response: Response, question: Question, value: AnswerValue | None
) -> None:
    if value is None:
        session.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id == question.id
            )
        )
        session.flush()
    else:
        saving.save_answer(session, response, question, value)


# ---------------------------------------------------------------- service


@dataclass(frozen=True, slots=True)
class VoteResult:
    """A posted vote: the invitation, what the click did, the question to show next."""

    visit: InvitationVisit
    outcome: VoteOutcome
    following: str | None


def vote_question(session: Session, signer: Signer, token: str) -> tuple[InvitationVisit, int]:
    """The invitation and score of a vote link, checked; writes nothing (the ``GET``).

    Raises ``NotFoundError`` for a link that is not genuine, names no score question or a
    score outside its scale (and :class:`~cxlens.features.collection.service.LinkExpiredError`
    for an expired one).
    """
    visit = open_invitation(session, signer, token, Purpose.ANSWER)
    question = visit.form.first_score_question()
    score = visit.claims.action
    if question is None or score is None:
        raise NotFoundError("this link is not valid")
    low, high = question.scale_low or 0, question.scale_high or 10
    if not low <= score <= high:
        raise NotFoundError("this link is not valid")
    return visit, score


def cast_vote(
    session: Session,
    signer: Signer,
    token: str,
    *,
    score: int | None,
    user_agent: str | None,
    burst: timedelta,
    edit_window: timedelta,
    now: datetime | None = None,
) -> VoteResult:
    """Record a confirmed vote click (``POST /v/``) unless it is a scanner's.

    ``score`` is the score posted (a person may change it on the confirm page); ``None``
    or one outside the scale falls back to the link's. Idempotent for one person: the same
    score twice records it once. See the module docstring for the rules.
    """
    now = now or datetime.now(UTC)
    visit, link_score = vote_question(session, signer, token)
    form, invitation = visit.form, visit.invitation
    question = form.first_score_question()
    assert question is not None
    low, high = question.scale_low or 0, question.scale_high or 10
    if score is None or not low <= score <= high:
        score = link_score
    since = now - burst
    outcome = classify_click(user_agent, score, recent_scores(session, invitation.id, since))
    response = saving.response_for_invitation(session, invitation, create=False)
    closed = response is not None and not edits.may_edit(response.submitted_at, now, edit_window)
    if outcome is VoteOutcome.COUNTED and closed:
        outcome = VoteOutcome.CLOSED
    add_click(session, invitation.id, score, outcome, now)
    if outcome is VoteOutcome.BURST and response is not None:
        _revert_burst(session, form, response, question, invitation.id, since, now)
    if outcome is not VoteOutcome.COUNTED:
        session.flush()
        return VoteResult(visit, outcome, None)
    language = invitation_language(session, invitation)
    response = saving.response_for_invitation(session, invitation, create=True, language=language)
    assert response is not None
    before = saving.current_answers(session, form, response)
    saving.save_answer(session, response, question, float(score))
    edits.record_changes(
        session,
        response.id,
        [edits.Change(question.id, before.get(question.key), float(score))],
        via=edits.VIA_VOTE,
        now=now,
    )
    response.voted_at = now
    answers = {**before, question.key: float(score)}
    if response.submitted_at is not None:  # an edit: the logic applies again
        _drop_hidden(session, form, response, answers, now)
        answers = saving.current_answers(session, form, response)
    saving.refresh_hash(session, form, response, answers)
    saving.mark_started(invitation)
    following = saving.next_question(form, saving.known_values(response, answers), question.key)
    session.flush()
    return VoteResult(visit, outcome, None if following is None else following.key)


def _drop_hidden(
    session: Session,
    form: SurveyForm,
    response: Response,
    answers: dict[str, AnswerValue],
    now: datetime,
) -> None:
    by_id = {q.id: answers[q.key] for q in form.questions if q.key in answers}
    hidden = edits.hidden_by_logic(form, saving.known_values(response, answers), by_id)
    for change in hidden:
        session.execute(
            delete(Answer).where(
                Answer.response_id == response.id, Answer.question_id == change.question_id
            )
        )
    edits.record_changes(session, response.id, hidden, via=edits.VIA_LOGIC, now=now)
    session.flush()


def _revert_burst(
    session: Session,
    form: SurveyForm,
    response: Response,
    question: Question,
    invitation_id: int,
    since: datetime,
    now: datetime,
) -> None:
    """Undo the vote a burst cast: the answer goes back to what it was before the burst."""
    first = edits.first_change_since(
        session, response.id, question.id, via=edits.VIA_VOTE, since=since
    )
    if first is None:  # nothing of this burst was recorded (or it was reverted already)
        return
    previous = edits.old_value(first)
    current = saving.current_answers(session, form, response).get(question.key)
    _set_answer(session, response, question, previous)
    edits.record_changes(
        session,
        response.id,
        [edits.Change(question.id, current, previous)],
        via=edits.VIA_SCAN,
        now=now,
    )
    # a later click of the same burst finds the same first change: reverting is idempotent
    _mark_reverted(session, invitation_id, since)
    response.voted_at = (
        _last_counted_before(session, invitation_id, since) if previous is not None else None
    )
    saving.refresh_hash(session, form, response)
    session.flush()
