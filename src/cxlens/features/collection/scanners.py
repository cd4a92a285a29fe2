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

Every posted click is kept in ``vote_clicks`` with its outcome. The answer is written by
:func:`~cxlens.features.collection.submission.submit_answers` (``via = "vote"``; a burst's
revert ``via = "scan"``), the statements of clicks are in
:mod:`cxlens.features.collection.repository`. Flushes, never commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import Purpose, Signer
from cxlens.features.collection import edits, repository
from cxlens.features.collection.responses import known_values, next_question
from cxlens.features.collection.service import (
    InvitationVisit,
    invitation_language,
    open_invitation,
)
from cxlens.features.collection.state import ResponseState
from cxlens.features.collection.submission import answers_by_key, load_state, submit_answers
from cxlens.models import Question

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
    score twice records it once. A counted vote that leaves no question to ask submits the
    response. See the module docstring for the rules.
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
    outcome = classify_click(
        user_agent, score, repository.recent_scores(session, invitation.id, since)
    )
    state = load_state(session, invitation.id)
    if state is None:  # pragma: no cover - open_invitation found it in this transaction
        raise NotFoundError("this link is not valid")
    if outcome is VoteOutcome.COUNTED and not edits.may_edit(state.submitted_at, now, edit_window):
        outcome = VoteOutcome.CLOSED
    repository.add_click(session, invitation.id, score, outcome.value, now)
    if outcome is VoteOutcome.BURST and state.response_id is not None:
        _revert_burst(session, visit, state, question, since, now)
    if outcome is not VoteOutcome.COUNTED:
        return VoteResult(visit, outcome, None)
    after = {**answers_by_key(form, state.answers), question.key: float(score)}
    following = next_question(form, known_values(state, after), question.key)
    submit_answers(
        session,
        form,
        state,
        [(question, float(score))],
        language=invitation_language(session, invitation),
        finish=following is None,
        via=edits.VIA_VOTE,
        voted_at=now,
        now=now,
    )
    return VoteResult(visit, outcome, None if following is None else following.key)


def _revert_burst(
    session: Session,
    visit: InvitationVisit,
    state: ResponseState,
    question: Question,
    since: datetime,
    now: datetime,
) -> None:
    """Undo the vote a burst cast: the answer goes back to what it was before the burst."""
    assert state.response_id is not None
    invitation_id = visit.invitation.id
    first = repository.first_change_since(
        session, state.response_id, question.id, via=edits.VIA_VOTE, since=since
    )
    if first is None:  # nothing of this burst was recorded (or it was reverted already)
        return
    previous = edits.old_value(first)
    # a later click of the same burst finds the same first change: reverting is idempotent
    repository.mark_clicks(
        session,
        invitation_id,
        since,
        outcome=VoteOutcome.COUNTED.value,
        to=VoteOutcome.REVERTED.value,
    )
    voted_at = (
        repository.last_click_before(
            session, invitation_id, since, outcome=VoteOutcome.COUNTED.value
        )
        if previous is not None
        else None
    )
    submit_answers(
        session,
        visit.form,
        state,
        [(question, previous)],
        language=None,
        finish=False,
        via=edits.VIA_SCAN,
        voted_at=voted_at,
        now=now,
    )
