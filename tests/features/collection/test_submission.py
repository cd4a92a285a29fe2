"""The one submission service on SQLite and PostgreSQL: one response, upserts, logic, races."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cxlens.features.collection import anonymous, repository
from cxlens.features.collection import responses as saving
from cxlens.features.collection.errors import ResponseClosedError
from cxlens.features.collection.forms import frozen_form
from cxlens.features.collection.submission import load_link_state, load_state, submit_answers
from cxlens.models import Answer, Invitation, Question, Response

New = Callable[..., Invitation]


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _page(
    session: Session, inv: Invitation, key: str, value: float | str | None, **kw: bool
) -> None:
    state = load_state(session, inv.id)
    assert state is not None
    form = frozen_form(session, state.survey_version_id)
    question = form.question(key)
    assert question is not None
    submit_answers(
        session, form, state, [(question, value)], language="nl", finish=kw.get("finish", False)
    )


def test_first_page_creates_the_response_and_a_replay_updates_it(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    _page(session, inv, "nps", 4.0)
    _page(session, inv, "nps", 9.0)  # double submit / replay with another score
    assert _count(session, Response) == 1 and _count(session, Answer) == 1
    assert session.scalar(select(Answer.value)) == 9.0
    response = session.scalars(select(Response)).one()
    assert response.language == "nl" and response.started_at is not None
    assert response.submitted_at is None  # partial: not submitted yet
    started, completed = session.execute(
        select(Invitation.started_at, Invitation.completed_at).where(Invitation.id == inv.id)
    ).one()
    assert started is not None and completed is None


def test_finish_drops_answers_the_logic_hides_and_hashes_what_is_kept(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    _page(session, inv, "nps", 4.0)
    _page(session, inv, "fix", "late")  # shown: nps <= 6
    _page(session, inv, "nps", 10.0, finish=True)  # fix is now hidden
    assert _count(session, Answer) == 1
    response = session.scalars(select(Response)).one()
    assert response.submitted_at is not None
    assert response.content_hash == saving.hash_answers({"nps": 10.0})
    completed = session.scalar(select(Invitation.completed_at).where(Invitation.id == inv.id))
    assert completed is not None
    state = load_state(session, inv.id)
    assert state is not None and state.submitted_at == response.submitted_at


def test_a_blank_answer_removes_the_saved_one(session: Session, new_invitation: New) -> None:
    inv = new_invitation()
    _page(session, inv, "nps", 3.0)
    _page(session, inv, "fix", "broken")
    _page(session, inv, "fix", None)
    assert _count(session, Answer) == 1 and session.scalar(select(Answer.value)) == 3.0


def test_a_response_created_meanwhile_is_reused_with_its_answers(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    stale = load_state(session, inv.id)  # read before the other request wrote
    assert stale is not None and stale.response_id is None
    form = frozen_form(session, stale.survey_version_id)
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None
    other = load_state(session, inv.id)
    assert other is not None
    submit_answers(session, form, other, [(nps, 2.0)], language="en", finish=False)
    submit_answers(session, form, stale, [(fix, "late")], language="en", finish=False)
    assert _count(session, Response) == 1 and _count(session, Answer) == 2
    fresh = load_state(session, inv.id)
    assert fresh is not None and fresh.answers == {nps.id: 2.0, fix.id: "late"}
    row = session.execute(select(Response.content_hash)).one()
    assert row.content_hash == saving.hash_answers({"nps": 2.0, "fix": "late"})


def test_several_answers_at_once_and_the_logic_applied_on_submit(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    state = load_state(session, inv.id)
    assert state is not None
    form = frozen_form(session, state.survey_version_id)
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None
    # a widget posts both at once; "fix" only shows for nps <= 6, so it is not submitted
    submit_answers(session, form, state, [(nps, 9.0), (fix, "late")], language=None, finish=True)
    assert _count(session, Answer) == 1 and session.scalar(select(Answer.value)) == 9.0
    response = session.scalars(select(Response)).one()
    assert response.submitted_at is not None
    assert response.content_hash == saving.hash_answers({"nps": 9.0})


def test_an_anonymous_link_response_is_made_by_its_first_answer_in_the_same_service(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    form = frozen_form(session, inv.survey_version_id)
    state, new = anonymous.link_state(session, form, "n1", hidden={"order_id": "o-1"})
    assert new and state.response_id is None and state.invitation_id is None
    assert _count(session, Response) == 0  # no response row before a first answer
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None
    submit_answers(session, form, state, [(nps, 3.0)], language="en", finish=False)
    created = state.response_id
    assert created is not None
    replay, new = anonymous.link_state(session, form, "n1", hidden={})
    assert not new and replay.response_id == created  # a replayed form: the same response
    assert replay.dimensions == {"order_id": "o-1"}
    submit_answers(session, form, replay, [(fix, "broken")], language="en", finish=False)
    submit_answers(session, form, replay, [(nps, 10.0)], language="en", finish=True)
    assert _count(session, Answer) == 1  # fix is hidden by nps = 10: dropped on submit
    session.expire_all()
    assert session.get(Response, created).submitted_at is not None  # type: ignore[union-attr]
    assert load_link_state(session, 987654) is None


def test_an_edit_within_the_window_reapplies_the_logic_and_is_recorded_then_closes(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    t0 = datetime(2026, 5, 4, 9, tzinfo=UTC)
    window = timedelta(hours=24)
    form = frozen_form(session, inv.survey_version_id)
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None

    def send(key: Question, value: float | str | None, at: datetime, finish: bool) -> None:
        state = load_state(session, inv.id)
        assert state is not None
        submit_answers(
            session,
            form,
            state,
            [(key, value)],
            language="en",
            finish=finish,
            edit_window=window,
            now=at,
        )

    send(nps, 4.0, t0, False)
    send(fix, "late", t0, True)  # submitted
    send(nps, 10.0, t0 + timedelta(hours=1), False)  # an edit: fix is now hidden, dropped
    assert _count(session, Answer) == 1
    response_id = load_state(session, inv.id).response_id  # type: ignore[union-attr]
    assert response_id is not None
    history = [
        (c.question_id, c.old_value, c.old_text, c.new_value, c.via)
        for c in repository.changes_of(session, response_id)
    ]
    assert history == [(nps.id, 4.0, None, 10.0, "page"), (fix.id, None, "late", None, "logic")]
    with pytest.raises(ResponseClosedError):
        send(nps, 0.0, t0 + timedelta(hours=25), False)
    session.expire_all()
    response = session.get(Response, response_id)
    assert response is not None and response.submitted_at is not None
    assert response.submitted_at.replace(tzinfo=UTC) == t0  # the first submission's time


def test_no_state_for_an_unknown_invitation(session: Session) -> None:
    assert load_state(session, 987654) is None
