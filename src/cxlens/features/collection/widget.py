"""The on-site widget: decide whether to show a survey at a journey moment; save answers.

Sampling is decided here (deterministic per customer, event and day). Contact pressure is
a hook: :data:`PressureCheck` returns a reason to stay silent, or ``None``. The default
only honours opt-outs; the integrator connects distribution's pressure rules.

The widget runs on public pages, so a customer reference is believed only when the
customer's site signed it (:class:`SignedCustomer`, checked with
:func:`~cxlens.core.signing.verify_customer_signature`): without a valid, unexpired
signature nothing is shown and nothing is written. A visitor who names no customer is
anonymous. One impression per customer, survey and UTC day: a second decision that day
gives the same invitation (and token) again, so repeated calls do not grow the funnel.
The :class:`Decision`'s ``reason`` is for logs and tests; the reply never says why.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location, NotFoundError
from cxlens.core.signing import CustomerSignatureError, Purpose, Signer, verify_customer_signature
from cxlens.features.collection import repository
from cxlens.features.collection import responses as saving
from cxlens.features.collection.edits import VIA_WIDGET
from cxlens.features.collection.forms import SurveyForm, latest_form
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.service import is_opted_out, open_invitation
from cxlens.features.collection.submission import load_state, submit_answers
from cxlens.features.customers import repository as customers_repository
from cxlens.features.surveys.schemas import SCORE_TYPES
from cxlens.models import Invitation, Question

#: ``(session, customer_id, survey_id, event) -> reason to suppress or None``.
PressureCheck = Callable[[Session, int | None, int, str], str | None]

WIDGET_CHANNEL = "widget"


def opt_out_only(
    session: Session, customer_id: int | None, survey_id: int, event: str
) -> str | None:
    """The default pressure check: suppress only for customers who opted out."""
    if customer_id is not None and is_opted_out(session, customer_id):
        return "opted_out"
    return None


def sampled(rate: float, *parts: str) -> bool:
    """Whether this (customer, event, day) falls in a sample of ``rate`` (0..1), stably."""
    if rate >= 1:
        return True
    if rate <= 0:
        return False
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@dataclass(frozen=True, slots=True)
class SignedCustomer:
    """A customer reference as the embedding site passed it: the reference, its issue time
    (Unix seconds) and the site's signature (:func:`~cxlens.core.signing.customer_signature`)."""

    ref: str
    issued_at: int | str | None = None
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class WidgetTrust:
    """What a customer signature is checked with: the widget secret and the longest age."""

    secret: str
    max_age: timedelta


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether to show; when shown, the token, language and questions to render."""

    show: bool
    reason: str | None = None
    token: str | None = None
    language: str | None = None
    survey: str | None = None
    questions: list[dict[str, Any]] = field(default_factory=list)


def question_data(form: SurveyForm, q: Question, language: str) -> dict[str, Any]:
    """A question as the widget renders it."""
    data: dict[str, Any] = {
        "key": q.key,
        "type": q.type,
        "text": form.label(q, language),
        "required": bool((q.options or {}).get("required")),
    }
    if q.type in SCORE_TYPES:
        data.update(
            min=q.scale_low,
            max=q.scale_high,
            low=form.label(q, language, "low"),
            high=form.label(q, language, "high"),
        )
    choices = form.choices(q, language)
    if choices:
        data["choices"] = [{"key": k, "label": label} for k, label in choices]
    return data


def decide(
    session: Session,
    signer: Signer,
    *,
    survey_key: str,
    event: str,
    customer: SignedCustomer | None,
    trust: WidgetTrust,
    language: str,
    hidden: Mapping[str, str],
    mode: str = "show",
    sample_rate: float = 1.0,
    pressure: PressureCheck = opt_out_only,
    now: datetime | None = None,
) -> Decision:
    """Decide whether to show survey ``survey_key`` now; if so create a widget invitation.

    ``customer`` must carry a valid signature of at most ``trust.max_age`` (else: not shown,
    ``reason`` ``invalid_signature``, nothing written). A customer's second decision for
    the survey on one UTC day returns the first one's invitation, unless its response was
    submitted (``answered``) or the customer opted out since. ``mode`` ``show`` returns the
    first question (a dialog); ``article`` the first two (helpful? + effort, under a
    knowledge-base article).
    """
    now = now or datetime.now(UTC)
    try:
        form = latest_form(session, survey_key)
    except NotFoundError:
        return Decision(False, "unknown_survey")
    customer_id: int | None = None
    customer_ref = customer.ref if customer is not None and customer.ref else None
    if customer is not None and customer_ref is not None:
        try:
            verify_customer_signature(
                trust.secret,
                customer_ref,
                customer.issued_at,
                customer.signature,
                max_age=trust.max_age,
                now=now,
            )
        except CustomerSignatureError:
            return Decision(False, "invalid_signature")
        customer_id = customers_repository.customer_ids(session, [customer_ref]).get(customer_ref)
    day = now.astimezone(UTC).date()
    if not sampled(sample_rate, customer_ref or secrets.token_hex(8), event, day.isoformat()):
        return Decision(False, "not_sampled")
    if language not in form.languages:
        language = form.default_language
    if customer_id is not None:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        earlier = repository.latest_widget_invitation(session, customer_id, form.survey.id, start)
        if earlier is not None:
            return _again(session, form, earlier, customer_id, mode)
    reason = pressure(session, customer_id, form.survey.id, event)
    if reason is not None:
        return Decision(False, reason)
    invitation = Invitation(
        survey_version_id=form.version.id,
        customer_id=customer_id,
        channel=WIDGET_CHANNEL,
        token=f"pending-{secrets.token_hex(16)}",
        sent_at=now,
        delivered_at=now,
        opened_at=now,
    )
    session.add(invitation)
    session.flush()
    token = signer.sign(invitation.id, purpose=Purpose.INVITATION)
    invitation.token = token
    keys = set(form.hidden_field_keys())
    response = saving.response_for_invitation(session, invitation, create=True, language=language)
    assert response is not None
    response.dimensions = saving.hidden_dimensions(hidden, keys)
    return _shown(form, token, language, mode)


def _shown(form: SurveyForm, token: str, language: str, mode: str) -> Decision:
    shown = [
        q
        for q in visible_questions(form.questions, {})
        if not (q.options or {}).get("follow_up_of")
    ]
    count = 2 if mode == "article" else 1
    return Decision(
        True,
        token=token,
        language=language,
        survey=form.survey.key,
        questions=[question_data(form, q, language) for q in shown[:count]],
    )


def _again(
    session: Session,
    form: SurveyForm,
    earlier: tuple[Invitation, datetime | None],
    customer_id: int,
    mode: str,
) -> Decision:
    """Today's earlier impression again: its token, in the language it was shown in."""
    invitation, submitted_at = earlier
    if submitted_at is not None:
        return Decision(False, "answered")
    if is_opted_out(session, customer_id):
        return Decision(False, "opted_out")
    state = load_state(session, invitation.id)
    language = (
        repository.response_language(session, state.response_id) if state is not None else None
    )
    if invitation.survey_version_id != form.version.id:  # a new version since: not today
        return Decision(False, "survey_changed")
    return _shown(form, invitation.token, language or form.default_language, mode)


def save_widget_answers(
    session: Session,
    signer: Signer,
    token: str,
    answers: Mapping[str, Any],
    *,
    complete: bool,
    edit_window: timedelta | None = None,
) -> str | None:
    """Save answers posted by the widget; returns the thank-you message (or ``None``).

    Raises ``NotFoundError`` for a bad token, ``InputError`` for an answer not accepted,
    ``ResponseClosedError`` for a response submitted longer ago than ``edit_window``
    (then nothing is saved).
    """
    visit = open_invitation(session, signer, token, Purpose.INVITATION)
    if visit.invitation.channel != WIDGET_CHANNEL:
        raise NotFoundError("this token is not a widget's")
    form = visit.form
    given: list[tuple[Question, AnswerValue | None]] = []
    for key, raw in answers.items():
        question = form.question(str(key))
        if question is None:
            raise InputError(
                f"no question {key!r}", Location(field=str(key)), expected="a question key"
            )
        values = [str(v) for v in raw] if isinstance(raw, list) else [str(raw)]
        given.append((question, saving.parse_answer(form, question, values)))
    state = load_state(session, visit.invitation.id)
    if state is None:  # pragma: no cover - open_invitation found it in this transaction
        raise NotFoundError("this link is not valid")
    submit_answers(
        session,
        form,
        state,
        given,
        language=None,
        finish=complete,
        via=VIA_WIDGET,
        edit_window=edit_window,
    )
    language = repository.response_language(session, state.response_id)
    return form.thank_you(language or form.default_language)
