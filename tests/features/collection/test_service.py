"""Answer saving on SQLite and PostgreSQL: one response per invitation, votes, logic, codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError
from cxlens.core.signing import Purpose, Signer
from cxlens.features.collection import responses as saving
from cxlens.features.collection.forms import load_form
from cxlens.features.collection.incentives import add_incentive_codes, incentive_code
from cxlens.features.collection.service import (
    is_opted_out,
    record_open,
    unsubscribe,
)
from cxlens.models import Invitation

New = Callable[..., Invitation]

SIGNER = Signer(["k" * 32])


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_partial_then_complete_with_conditional_logic(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    form = load_form(session, inv.survey_version_id)
    response = saving.response_for_invitation(session, inv, create=True)
    assert response is not None
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None
    saving.save_answer(session, response, nps, 4.0)
    assert response.started_at is not None and response.submitted_at is None  # partial counts
    known = saving.known_values(response, saving.current_answers(session, form, response))
    assert saving.next_question(form, known, "nps_why") is fix  # shown: 4 <= 6
    saving.save_answer(session, response, fix, "late")
    saving.save_answer(session, response, nps, 10.0)  # changes mind: fix is now hidden
    known = saving.known_values(response, saving.current_answers(session, form, response))
    assert saving.next_question(form, known, "nps_why") is None
    saving.complete(session, form, response, inv)
    assert set(saving.current_answers(session, form, response)) == {"nps"}
    assert response.submitted_at is not None and inv.completed_at is not None


def test_parse_answer_checks_scale_choices_and_required(
    session: Session, new_invitation: New
) -> None:
    inv = new_invitation()
    form = load_form(session, inv.survey_version_id)
    nps, fix = form.question("nps"), form.question("fix")
    assert nps is not None and fix is not None
    assert saving.parse_answer(form, nps, ["7"]) == 7.0
    for bad in (["11"], ["x"], []):
        with pytest.raises(InputError):
            saving.parse_answer(form, nps, bad)
    with pytest.raises(InputError):
        saving.parse_answer(form, fix, ["other"])
    assert saving.parse_answer(form, fix, []) is None


def test_incentive_one_code_per_response_same_on_reload(
    session: Session, new_invitation: New
) -> None:
    assert add_incentive_codes(session, "spring", ["A1", "B2", "A1"]) == 2
    a = saving.response_for_invitation(session, new_invitation(ref="a"), create=True)
    b = saving.response_for_invitation(session, new_invitation(ref="b"), create=True)
    c = saving.response_for_invitation(session, new_invitation(ref="c"), create=True)
    assert a is not None and b is not None and c is not None
    code_a = incentive_code(session, "spring", a.id)
    assert code_a == incentive_code(session, "spring", a.id)
    code_b = incentive_code(session, "spring", b.id)
    assert {code_a, code_b} == {"A1", "B2"}
    assert incentive_code(session, "spring", c.id) is None  # pool empty


def test_open_pixel_and_unsubscribe(session: Session, new_invitation: New) -> None:
    inv = new_invitation()
    assert record_open(session, SIGNER, SIGNER.sign(inv.id, purpose=Purpose.OPEN))
    assert inv.opened_at is not None
    assert not record_open(session, SIGNER, "garbage")
    token = SIGNER.sign(inv.id, purpose=Purpose.UNSUBSCRIBE)
    unsubscribe(session, SIGNER, token, method="one_click")
    unsubscribe(session, SIGNER, token, method="link")
    assert inv.customer_id is not None and is_opted_out(session, inv.customer_id)
