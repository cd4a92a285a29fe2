"""Vote clicks on SQLite and PostgreSQL: a person's vote counts, a scanner's never does."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cxlens.core.errors import NotFoundError
from cxlens.core.signing import Purpose, Signer
from cxlens.features.collection import repository
from cxlens.features.collection.scanners import (
    VoteOutcome,
    cast_vote,
    classify_click,
    is_scanner_agent,
)
from cxlens.models import Answer, AnswerChange, Invitation, Response, VoteClick

New = Callable[..., Invitation]

SIGNER = Signer(["k" * 32])
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
T0 = datetime(2026, 5, 4, 9, tzinfo=UTC)
BURST = timedelta(seconds=10)
WINDOW = timedelta(hours=24)


def _vote(
    session: Session,
    inv: Invitation,
    score: int,
    at: datetime,
    agent: str = BROWSER,
    posted: int | None = None,
) -> VoteOutcome:
    token = SIGNER.sign(inv.id, purpose=Purpose.ANSWER, action=score)
    result = cast_vote(
        session,
        SIGNER,
        token,
        score=posted,
        user_agent=agent,
        burst=BURST,
        edit_window=WINDOW,
        now=at,
    )
    return result.outcome


def _answer(session: Session) -> float | None:
    return session.scalar(select(Answer.value))


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_agents_of_scanners_and_libraries_are_known() -> None:
    for agent in (
        None,
        "",
        "Mozilla/5.0 (compatible; BingPreview/1.0b)",
        "Mimecast-URL-Protect/2.0",
        "python-requests/2.32",
        "curl/8.5.0",
        "Mozilla/5.0 HeadlessChrome/120.0",
    ):
        assert is_scanner_agent(agent), agent
    assert not is_scanner_agent(BROWSER)
    assert classify_click(BROWSER, 9, [9, 9]) is VoteOutcome.COUNTED
    assert classify_click(BROWSER, 9, [3]) is VoteOutcome.BURST
    assert classify_click("curl/8", 9, []) is VoteOutcome.AGENT


def test_a_persons_vote_twice_then_another_later_updates_one_response(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    assert _vote(session, inv, 9, T0) is VoteOutcome.COUNTED
    assert _vote(session, inv, 9, T0 + timedelta(seconds=1)) is VoteOutcome.COUNTED  # 2 clicks
    assert _count(session, Response) == 1 and _answer(session) == 9.0
    assert _vote(session, inv, 3, T0 + timedelta(minutes=5)) is VoteOutcome.COUNTED
    assert _count(session, Response) == 1 and _answer(session) == 3.0
    response = session.scalar(select(Response))
    assert response is not None and response.voted_at is not None
    session.refresh(inv)
    assert inv.started_at is not None and inv.completed_at is None
    history = [
        (c.old_value, c.new_value, c.via) for c in repository.changes_of(session, response.id)
    ]
    assert history == [(None, 9.0, "vote"), (9.0, 3.0, "vote")]


def test_a_score_changed_on_the_confirm_page_is_the_one_recorded(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    assert _vote(session, inv, 9, T0, posted=7) is VoteOutcome.COUNTED
    assert _answer(session) == 7.0
    _vote(session, inv, 9, T0 + timedelta(minutes=1), posted=42)  # out of scale: the link's
    assert _answer(session) == 9.0


@pytest.mark.parametrize("order", ["in order", "shuffled", "slowly"])
def test_a_scanner_posting_every_score_casts_nothing(
    session: Session, new_invitation: New, order: str
) -> None:
    inv = new_invitation()
    scores = list(range(11))
    if order == "shuffled":
        random.Random(8).shuffle(scores)
    step = timedelta(seconds=6 if order == "slowly" else 0.2)  # slowly: 66 s in all
    outcomes = [_vote(session, inv, s, T0 + i * step) for i, s in enumerate(scores)]
    assert outcomes[0] is VoteOutcome.COUNTED and set(outcomes[1:]) == {VoteOutcome.BURST}
    assert _count(session, Answer) == 0
    response = session.scalar(select(Response))
    assert response is not None and response.voted_at is None and response.submitted_at is None
    kept = session.scalars(select(VoteClick.outcome)).all()
    assert sorted(set(kept)) == ["burst", "reverted"]
    # a person clicking later still votes
    later = T0 + timedelta(hours=2)
    assert _vote(session, inv, 8, later) is VoteOutcome.COUNTED
    assert _answer(session) == 8.0
    session.refresh(response)
    assert response.voted_at is not None


def test_a_scanner_agent_changes_nothing(session: Session, new_invitation: New) -> None:
    inv = new_invitation()
    for score in range(11):
        assert _vote(session, inv, score, T0, agent="Mimecast URL Protect") is VoteOutcome.AGENT
    assert _count(session, Response) == 0 and _count(session, VoteClick) == 11


def test_a_burst_after_a_persons_vote_puts_the_persons_answer_back(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    _vote(session, inv, 9, T0)
    scan = T0 + timedelta(hours=1)
    for i, score in enumerate([0, 5, 10]):
        _vote(session, inv, score, scan + timedelta(seconds=i))
    assert _answer(session) == 9.0
    response = session.scalar(select(Response))
    assert response is not None and response.voted_at is not None
    assert response.voted_at.replace(tzinfo=UTC) == T0
    vias = session.scalars(select(AnswerChange.via).order_by(AnswerChange.id)).all()
    assert vias == ["vote", "vote", "scan"]


def test_a_vote_after_the_edit_window_changes_nothing(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    _vote(session, inv, 4, T0)
    response = session.scalar(select(Response))
    assert response is not None
    response.submitted_at = T0
    session.flush()
    assert _vote(session, inv, 10, T0 + timedelta(hours=1)) is VoteOutcome.COUNTED
    assert _answer(session) == 10.0
    assert _vote(session, inv, 0, T0 + timedelta(hours=25)) is VoteOutcome.CLOSED
    assert _answer(session) == 10.0
    session.refresh(response)
    assert response.submitted_at is not None and response.submitted_at.replace(tzinfo=UTC) == T0


def test_vote_rejects_forged_wrong_purpose_and_out_of_scale(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()

    def cast(signer: Signer, token: str) -> None:
        cast_vote(
            session, signer, token, score=None, user_agent=BROWSER, burst=BURST, edit_window=WINDOW
        )

    with pytest.raises(NotFoundError):
        cast(SIGNER, SIGNER.sign(inv.id, purpose=Purpose.INVITATION))
    with pytest.raises(NotFoundError):
        cast(SIGNER, SIGNER.sign(inv.id, purpose=Purpose.ANSWER, action=11))
    with pytest.raises(NotFoundError):
        cast(Signer(["x" * 32]), SIGNER.sign(inv.id, purpose=Purpose.ANSWER, action=1))
    assert _count(session, Response) == 0
