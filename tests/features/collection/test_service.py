"""Answer saving on SQLite and PostgreSQL: one response per invitation, votes, logic, codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
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
from cxlens.models.distribution import ContactSuppression

New = Callable[..., Invitation]

SIGNER = Signer(["k" * 32])


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
    session.refresh(inv)
    assert inv.opened_at is not None
    assert not record_open(session, SIGNER, "garbage")
    token = SIGNER.sign(inv.id, purpose=Purpose.UNSUBSCRIBE)
    unsubscribe(session, SIGNER, token, method="one_click")
    unsubscribe(session, SIGNER, token, method="link")
    assert inv.customer_id is not None and is_opted_out(session, inv.customer_id)
    [row] = session.execute(select(ContactSuppression)).scalars()  # once, in the one store
    assert (row.reason, row.channel, row.method) == ("opt_out", None, "one_click")
    assert row.invitation_id == inv.id
