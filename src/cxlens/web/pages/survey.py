"""The hosted survey page (``/s/``), anonymous link surveys (``/a/``), votes, opt-out, pixel.

The ``async`` routes only read the request body on the event loop; their database work runs
in the thread pool (``run_in_threadpool``). A blocking SQLite call on the event loop could
wait on a write lock whose holder needs the loop to commit, stalling the whole server for
the busy timeout.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, NotFoundError
from cxlens.core.settings import Settings
from cxlens.core.signing import ExpiredTokenError, Purpose, TokenError
from cxlens.db import unit_of_work
from cxlens.features.collection import anonymous, edits, scanners
from cxlens.features.collection import responses as saving
from cxlens.features.collection.forms import SurveyForm, frozen_form, latest_form
from cxlens.features.collection.incentives import incentive_code
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.logic import AnswerValue, visible_questions
from cxlens.features.collection.security import (
    csrf_token,
    csrf_valid,
    read_response_id,
    sign_response_id,
)
from cxlens.features.collection.service import (
    LinkExpiredError,
    check_unsubscribe,
    invitation_language,
    open_invitation,
    record_open,
    unsubscribe,
)
from cxlens.features.collection.state import InvitationState
from cxlens.features.collection.submission import answers_by_key, load_state, save_page
from cxlens.features.surveys.schemas import SCORE_TYPES
from cxlens.models import Invitation, Question
from cxlens.models import Response as ResponseRow
from cxlens.web.deps import get_session, get_settings
from cxlens.web.pages.i18n import choose_language, gettext_for, language_name
from cxlens.web.pages.ratelimit import allowed
from cxlens.web.pages.render import SECURITY_HEADERS, render
from cxlens.web.pages.writegate import write_gate, write_queue

router = APIRouter(include_in_schema=False)

SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

#: A transparent 1×1 GIF.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
ANON_COOKIE = "cxlens_a_"


@dataclass(frozen=True, slots=True)
class Flow:
    """Where a survey's pages live: the URL, the hidden form fields, the form token."""

    path: str
    form: SurveyForm
    csrf: str
    hidden: tuple[tuple[str, str], ...] = ()


def _url(path: str, **params: str | None) -> str:
    query = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(query)}" if query else path


def _lang(request: Request, form: SurveyForm, requested: str | None, preset: str | None) -> str:
    return choose_language(
        form.languages,
        requested=requested,
        invitation=preset,
        accept_language=request.headers.get("accept-language"),
    )


def _switcher(flow: Flow, q: str | None, extra: Mapping[str, str]) -> list[tuple[str, str, str]]:
    return [
        (code, language_name(code), _url(flow.path, q=q, lang=code, **extra))
        for code in flow.form.languages
    ]


def _message(
    lang: str, heading: str, *lines: str, status: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        "message.html", lang, status, title=heading, heading=heading, lines=lines, **context
    )


def _not_found(request: Request) -> HTMLResponse:
    lang = choose_language(
        ["en", "it", "ro", "nl", "fy", "fr", "de", "es"],
        accept_language=request.headers.get("accept-language"),
    )
    _ = gettext_for(lang)
    return _message(
        lang,
        _("This link is not valid"),
        _("The link may be incomplete or no longer valid."),
        status=404,
    )


def _expired(request: Request) -> HTMLResponse:
    lang = choose_language(
        ["en", "it", "ro", "nl", "fy", "fr", "de", "es"],
        accept_language=request.headers.get("accept-language"),
    )
    _ = gettext_for(lang)
    return _message(
        lang,
        _("This link has expired"),
        _("Please use the link in a more recent message from us."),
        status=410,
    )


def _closed(lang: str) -> HTMLResponse:
    """A posted answer to a response whose edit window has passed."""
    _ = gettext_for(lang)
    return _message(lang, _("Thank you!"), _("Your answers can no longer be changed."), status=409)


def _too_many(request: Request) -> HTMLResponse:
    lang = choose_language(
        ["en", "it", "ro", "nl", "fy", "fr", "de", "es"],
        accept_language=request.headers.get("accept-language"),
    )
    _ = gettext_for(lang)
    page = _message(
        lang, _("Too many requests"), _("Please wait a moment and try again."), status=429
    )
    page.headers["Retry-After"] = "10"
    return page


def _question_view(
    form: SurveyForm, q: Question, lang: str, current: AnswerValue | None
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "key": q.key,
        "text": form.label(q, lang),
        "required": bool((q.options or {}).get("required")),
        "kind": "text",
    }
    if q.type in SCORE_TYPES:
        low, high = q.scale_low or 0, q.scale_high or 10
        view.update(
            kind="score",
            scale=list(range(low, high + 1)),
            low=form.label(q, lang, "low"),
            high=form.label(q, lang, "high"),
            current=int(current) if isinstance(current, float) else None,
        )
    else:
        choices = form.choices(q, lang)
        if choices:
            selected = current.split(";") if isinstance(current, str) else []
            view.update(
                kind="choice", choices=choices, multi=q.type == "multi_choice", selected=selected
            )
        else:
            view["current"] = current if isinstance(current, str) else None
    return view


def _possible_answers(form: SurveyForm, q: Question) -> list[AnswerValue | None]:
    """Every answer to ``q`` that can change what follows (``None``: skipped)."""
    options: list[AnswerValue | None] = [] if (q.options or {}).get("required") else [None]
    if q.type in SCORE_TYPES:
        low, high = q.scale_low or 0, q.scale_high or 10
        return options + [float(v) for v in range(low, high + 1)]
    choices = [key for key, _ in form.choices(q, form.default_language)]
    return options + (list(choices) if choices else ["…"])


def _is_last(form: SurveyForm, known: Mapping[str, AnswerValue], q: Question) -> bool:
    """Whether no question can follow ``q``, whatever the answer to it (a "why" follow-up
    only shows once its score is given, so the answer must be tried, not the current state).
    """
    for answer in _possible_answers(form, q):
        trial = {k: v for k, v in known.items() if k != q.key}
        if answer is not None:
            trial[q.key] = answer
        if saving.next_question(form, trial, q.key) is not None:
            return False
    return True


def _page(
    flow: Flow,
    lang: str,
    response: ResponseRow | InvitationState | None,
    answers: Mapping[str, AnswerValue],
    question: Question,
    *,
    error: str | None = None,
    status: int = 200,
    extra: Mapping[str, str] | None = None,
) -> HTMLResponse:
    known = saving.known_values(response, answers)
    last = _is_last(flow.form, known, question)
    name = flow.form.title(lang)
    first = bool(flow.form.questions) and question.key == flow.form.questions[0].key
    return render(
        "question.html",
        lang,
        status,
        title=name,
        survey_name=name,
        intro=flow.form.intro(lang) if first and not answers else None,
        action=flow.path,
        csrf=flow.csrf,
        hidden=flow.hidden,
        q=_question_view(flow.form, question, lang, answers.get(question.key)),
        last=last,
        error=error,
        switcher=_switcher(flow, question.key, extra or {}),
    )


def _thanks(session: Session, flow: Flow, lang: str, response: ResponseRow) -> HTMLResponse:
    _ = gettext_for(lang)
    message = flow.form.thank_you(lang) or _("Your answers have been saved.")
    code = None
    definition = flow.form.definition
    if definition is not None and definition.incentive is not None:
        code = incentive_code(session, definition.incentive.code_pool, response.id)
    return _message(lang, _("Thank you!"), message, code=code, switcher=None)


def _show(
    session: Session,
    flow: Flow,
    lang: str,
    response: ResponseRow | None,
    q: str | None,
    extra: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page for question ``q`` (or the first unanswered one), or the thank-you page."""
    answers = saving.current_answers(session, flow.form, response)
    known = saving.known_values(response, answers)
    shown = visible_questions(flow.form.questions, known)
    question = next((x for x in shown if x.key == q), None) if q else None
    if question is None:
        if response is not None and response.submitted_at is not None:
            return _thanks(session, flow, lang, response)
        question = next((x for x in shown if x.key not in answers), shown[0] if shown else None)
    if question is None:
        _ = gettext_for(lang)
        return _message(lang, _("Thank you!"), _("Your answers have been saved."))
    return _page(flow, lang, response, answers, question, extra=extra)


async def _form_fields(request: Request) -> dict[str, list[str]]:
    """The fields of a URL-encoded form body (at most 64 KB)."""
    body = await request.body()
    if len(body) > 65536:
        return {}
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100)


def _first(fields: Mapping[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _submit(
    session: Session,
    flow: Flow,
    fields: Mapping[str, list[str]],
    response_of: Any,
    invitation: Invitation | None,
    redirect_extra: Mapping[str, str],
    *,
    settings: Settings,
) -> Response:
    """Save one page's answer; redirect to the next question or the thank-you page.

    A submitted response may change only within the edit window; each change re-applies
    the logic and is recorded (:mod:`cxlens.features.collection.edits`).
    """
    lang = _first(fields, "lang") or flow.form.default_language
    if lang not in flow.form.languages:
        lang = flow.form.default_language
    _ = gettext_for(lang)
    existing: ResponseRow | None = response_of(False)
    now = datetime.now(UTC)
    if existing is not None and not edits.may_edit(
        existing.submitted_at, now, edits.edit_window(settings)
    ):
        return _closed(lang)
    answers = saving.current_answers(session, flow.form, existing)
    shown = visible_questions(flow.form.questions, saving.known_values(existing, answers))
    key = _first(fields, "q")
    question = next((x for x in shown if x.key == key), None)
    if question is None:
        return RedirectResponse(_url(flow.path, lang=lang, **redirect_extra), status_code=303)
    try:
        value = saving.parse_answer(flow.form, question, fields.get("answer", []))
    except InputError as exc:
        required = exc.problem == "an answer is required"
        error = _("Please choose an answer.") if required else _("This answer is not valid.")
        return _page(
            flow, lang, existing, answers, question, error=error, status=422, extra=redirect_extra
        )
    response: ResponseRow = response_of(True)
    response.language = lang
    saving.save_answer(session, response, question, value)
    before = answers
    answers = {k: v for k, v in answers.items() if k != question.key}
    if value is not None:
        answers[question.key] = value
    saving.refresh_hash(session, flow.form, response, answers)
    if invitation is not None:
        saving.mark_started(invitation)
    following = saving.next_question(
        flow.form, saving.known_values(response, answers), question.key
    )
    finish = following is None or response.submitted_at is not None
    edited, dropped = edits.page_changes(
        flow.form,
        saving.known_values(response, {}),
        before,
        question.id,
        question.key,
        value,
        finish=finish,
    )
    edits.record_changes(session, response.id, edited, via=edits.VIA_PAGE, now=now)
    edits.record_changes(session, response.id, dropped, via=edits.VIA_LOGIC, now=now)
    if finish:  # submitted now, or an edit of a submitted response: the logic applies again
        saving.complete(session, flow.form, response, invitation, answers)
    if following is None:
        return RedirectResponse(_url(flow.path, lang=lang, **redirect_extra), status_code=303)
    return RedirectResponse(
        _url(flow.path, q=following.key, lang=lang, **redirect_extra), status_code=303
    )


def _csrf_failed(lang: str) -> HTMLResponse:
    _ = gettext_for(lang)
    return _message(lang, _("The form has expired"), _("Please go back and try again."), status=403)


# ---------------------------------------------------------------- invitation survey pages


@router.get("/s/{token}")
def survey_page(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: str | None = None,
    lang: str | None = None,
) -> Response:
    """The survey page of an invitation, one question per page; plain HTML forms."""
    if not allowed(request, "survey"):
        return _too_many(request)
    try:
        visit = open_invitation(session, signer_for(settings), token, Purpose.INVITATION)
    except LinkExpiredError:
        return _expired(request)
    except NotFoundError:
        return _not_found(request)
    invitation = visit.invitation
    flow = Flow(f"/s/{token}", visit.form, csrf_token(settings, f"invitation:{invitation.id}"))
    chosen = _lang(request, visit.form, lang, invitation_language(session, invitation))
    if invitation.opened_at is None:
        saving.mark_opened(invitation)
    response = saving.response_for_invitation(session, invitation, create=False)
    if response is not None and not edits.may_edit(
        response.submitted_at, datetime.now(UTC), edits.edit_window(settings)
    ):
        q = None  # past the edit window: the thank-you page, no form
    return _show(session, flow, chosen, response, q)


async def survey_submit(request: Request) -> Response:
    """``POST /s/{token}``: save the answer of one page (CSRF-checked) and go on.

    The link's token and the form token are checked on the event loop (no database); the
    database work runs in the write queue's thread, committed with the other submissions
    waiting (group commit), and the redirect goes out only after that commit. A plain
    Starlette route (the hot path): no FastAPI dependency solving or validation.
    """
    token: str = request.path_params["token"]
    settings = get_settings(request)
    fields = await _form_fields(request)
    if not allowed(request, "survey"):
        return _too_many(request)
    try:
        claims = signer_for(settings).verify(token, purpose=Purpose.INVITATION)
    except ExpiredTokenError:
        return _expired(request)
    except TokenError:
        return _not_found(request)
    subject = f"invitation:{claims.invitation_id}"
    csrf_ok = csrf_valid(settings, subject, _first(fields, "csrf"))
    path = f"/s/{token}"

    def job(connection: Connection) -> Response:
        state = load_state(connection, claims.invitation_id)
        if state is None:
            return _not_found(request)
        form = frozen_form(connection, state.survey_version_id)
        if not csrf_ok:
            return _csrf_failed(form.default_language)
        return _submit_invitation(connection, path, form, fields, state, settings)

    return await write_queue(request).run(job)


router.add_route("/s/{token}", survey_submit, methods=["POST"], include_in_schema=False)


def _submit_invitation(
    connection: Connection,
    path: str,
    form: SurveyForm,
    fields: Mapping[str, list[str]],
    state: InvitationState,
    settings: Settings,
) -> Response:
    """:func:`_submit` for an invitation, on plain data read once (the hot path)."""
    lang = _first(fields, "lang") or form.default_language
    if lang not in form.languages:
        lang = form.default_language
    now = datetime.now(UTC)
    if not edits.may_edit(state.submitted_at, now, edits.edit_window(settings)):
        return _closed(lang)
    answers = answers_by_key(form, state.answers)
    shown = visible_questions(form.questions, saving.known_values(state, answers))
    key = _first(fields, "q")
    question = next((x for x in shown if x.key == key), None)
    if question is None:
        return RedirectResponse(_url(path, lang=lang), status_code=303)
    try:
        value = saving.parse_answer(form, question, fields.get("answer", []))
    except InputError as exc:
        _ = gettext_for(lang)
        required = exc.problem == "an answer is required"
        error = _("Please choose an answer.") if required else _("This answer is not valid.")
        flow = Flow(path, form, csrf_token(settings, f"invitation:{state.invitation_id}"))
        return _page(flow, lang, state, answers, question, error=error, status=422)
    after = {k: v for k, v in answers.items() if k != question.key}
    if value is not None:
        after[question.key] = value
    following = saving.next_question(form, saving.known_values(state, after), question.key)
    # an edit of a submitted response submits again: the logic drops what it now hides
    finish = following is None or state.submitted_at is not None
    existed = state.response_id is not None
    edited, dropped = edits.page_changes(
        form,
        saving.known_values(state, {}),
        answers,
        question.id,
        question.key,
        value,
        finish=finish,
    )
    save_page(connection, form, state, question, value, language=lang, finish=finish)
    if existed and state.response_id is not None:
        edits.record_changes(connection, state.response_id, edited, via=edits.VIA_PAGE, now=now)
        edits.record_changes(connection, state.response_id, dropped, via=edits.VIA_LOGIC, now=now)
    return RedirectResponse(
        _url(path, q=None if following is None else following.key, lang=lang),
        status_code=303,
    )


# ---------------------------------------------------------------- vote, pixel, unsubscribe


#: Posts the vote confirm form at once: a person with JavaScript votes in one click.
AUTOSUBMIT = 'document.getElementById("vote").submit();'
_AUTOSUBMIT_HASH = base64.b64encode(hashlib.sha256(AUTOSUBMIT.encode()).digest()).decode()
#: The confirm page's policy: the public pages' one, plus that one inline script.
VOTE_CSP = SECURITY_HEADERS["Content-Security-Policy"] + f"; script-src 'sha256-{_AUTOSUBMIT_HASH}'"


@router.api_route("/v/{token}", methods=["GET", "HEAD"])
def vote(token: str, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """A vote link: the question with the link's score chosen, and a form that posts it.

    Records nothing (mail security scanners fetch every link of an email): the inline
    script posts the form at once, the button does without JavaScript. ``HEAD`` gets an
    empty 200 without a look at the database. See
    :mod:`cxlens.features.collection.scanners`.
    """
    if request.method == "HEAD":
        return Response(status_code=200, headers=SECURITY_HEADERS)
    if not allowed(request, "vote"):
        return _too_many(request)
    try:
        visit, score = scanners.vote_question(session, signer_for(settings), token)
    except LinkExpiredError:
        return _expired(request)
    except NotFoundError:
        return _not_found(request)
    form = visit.form
    question = form.first_score_question()
    assert question is not None
    lang = _lang(request, form, None, invitation_language(session, visit.invitation))
    name = form.title(lang)
    page = render(
        "question.html",
        lang,
        200,
        title=name,
        survey_name=name,
        intro=None,
        action=f"/v/{token}",
        form_id="vote",
        csrf=csrf_token(settings, f"invitation:{visit.invitation.id}"),
        hidden=(),
        q=_question_view(form, question, lang, float(score)),
        last=False,
        error=None,
        switcher=None,
        autosubmit=AUTOSUBMIT,
    )
    page.headers["Content-Security-Policy"] = VOTE_CSP
    return page


@router.post("/v/{token}")
async def vote_submit(token: str, request: Request, settings: SettingsDep) -> Response:
    """Record a confirmed vote (unless a scanner's), then 303 to the survey's next page.

    Runs behind the SQLite write gate and commits before the redirect goes out.
    """
    fields = await _form_fields(request)
    return await run_in_threadpool(_vote_submit, token, request, settings, fields)


def _vote_submit(
    token: str, request: Request, settings: Settings, fields: Mapping[str, list[str]]
) -> Response:
    """The blocking part of :func:`vote_submit`, run off the event loop."""
    if not allowed(request, "vote"):
        return _too_many(request)
    signer = signer_for(settings)
    try:
        claims = signer.verify(token, purpose=Purpose.ANSWER)
    except ExpiredTokenError:
        return _expired(request)
    except TokenError:
        return _not_found(request)
    if not csrf_valid(settings, f"invitation:{claims.invitation_id}", _first(fields, "csrf")):
        return _csrf_failed(_ui_fallback_lang(request))
    raw = (_first(fields, "answer") or "").strip()
    score = int(raw) if raw.isdigit() and len(raw) < 4 else None
    with write_gate(request), unit_of_work(request.app.state.engine) as session:
        try:
            result = scanners.cast_vote(
                session,
                signer,
                token,
                score=score,
                user_agent=request.headers.get("user-agent"),
                burst=scanners.burst_window(settings.vote_burst_seconds),
                edit_window=edits.edit_window(settings),
            )
        except LinkExpiredError:
            return _expired(request)
        except NotFoundError:
            return _not_found(request)
        visit = result.visit
        if result.outcome is scanners.VoteOutcome.COUNTED and result.following is None:
            response = saving.response_for_invitation(session, visit.invitation, create=False)
            if response is not None:
                saving.complete(session, visit.form, response, visit.invitation)
        survey_token = signer.sign(
            visit.invitation.id, purpose=Purpose.INVITATION, expires_at=claims.expires_at
        )
        return RedirectResponse(
            _url(f"/s/{survey_token}", q=result.following),
            status_code=303,
            headers={"Referrer-Policy": "no-referrer"},
        )


def _ui_fallback_lang(request: Request) -> str:
    return choose_language(
        ["en", "it", "ro", "nl", "fy", "fr", "de", "es"],
        accept_language=request.headers.get("accept-language"),
    )


@router.get("/o/{token}")
def open_pixel(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """A 1×1 GIF that records the invitation's ``opened_at`` (the same GIF for any token)."""
    if allowed(request, "open"):
        record_open(session, signer_for(settings), token)
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


@router.get("/u/{token}")
def unsubscribe_page(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Ask to confirm the opt-out (a GET changes nothing: mail scanners follow links)."""
    if not allowed(request, "unsubscribe"):
        return _too_many(request)
    try:
        invitation = check_unsubscribe(session, signer_for(settings), token)
    except NotFoundError:
        return _not_found(request)
    lang = _ui_lang(request, session, invitation)
    _ = gettext_for(lang)
    return _message(
        lang,
        _("Unsubscribe"),
        _("Stop receiving survey invitations from us?"),
        form_action=f"/u/{token}",
        button=_("Unsubscribe"),
    )


@router.post("/u/{token}")
async def unsubscribe_submit(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Record the opt-out: the confirm button, or RFC 8058 ``List-Unsubscribe=One-Click``."""
    fields = await _form_fields(request)
    return await run_in_threadpool(_unsubscribe_submit, token, request, session, settings, fields)


def _unsubscribe_submit(
    token: str,
    request: Request,
    session: Session,
    settings: Settings,
    fields: Mapping[str, list[str]],
) -> Response:
    """The blocking part of :func:`unsubscribe_submit`, run off the event loop."""
    if not allowed(request, "unsubscribe"):
        return _too_many(request)
    one_click = _first(fields, "List-Unsubscribe") == "One-Click"
    try:
        invitation = unsubscribe(
            session, signer_for(settings), token, method="one_click" if one_click else "link"
        )
    except NotFoundError:
        return _not_found(request)
    lang = _ui_lang(request, session, invitation)
    _ = gettext_for(lang)
    return _message(
        lang,
        _("You have been unsubscribed"),
        _("You will not receive any more survey invitations from us."),
    )


def _ui_lang(request: Request, session: Session, invitation: Invitation) -> str:
    return choose_language(
        ["en", "it", "ro", "nl", "fy", "fr", "de", "es"],
        invitation=invitation_language(session, invitation),
        accept_language=request.headers.get("accept-language"),
    )


# ---------------------------------------------------------------- anonymous link surveys


def _anon_response(
    session: Session, settings: Settings, form: SurveyForm, signed: str | None
) -> ResponseRow | None:
    response_id = read_response_id(settings, signed)
    if response_id is None:
        return None
    response = session.get(ResponseRow, response_id)
    if response is None or response.survey_version_id != form.version.id:
        return None
    return response


ANON_LIMITS_KEY = "cxlens_anonymous_limits"


def _anonymous_limits(request: Request, settings: Settings) -> anonymous.AnonymousLimits:
    """The app's limits on new anonymous responses (``app.state``), made on first use."""
    found = getattr(request.app.state, ANON_LIMITS_KEY, None)
    if not isinstance(found, anonymous.AnonymousLimits):
        found = anonymous.AnonymousLimits(settings)
        setattr(request.app.state, ANON_LIMITS_KEY, found)
    return found


def _anonymous_form(
    session: Session, request: Request, survey_key: str
) -> SurveyForm | HTMLResponse:
    """The survey of an anonymous link, or the page saying it is not open (404)."""
    try:
        form = latest_form(session, survey_key)
    except NotFoundError:
        return _not_found(request)
    if not anonymous.enabled(form):
        lang = _ui_fallback_lang(request)
        _ = gettext_for(lang)
        return _message(
            lang,
            _("This survey is not open to everyone"),
            _("The link may be incomplete or no longer valid."),
            status=404,
        )
    return form


def _hidden_fields(form: SurveyForm, values: Mapping[str, str], prefix: str = "") -> dict[str, str]:
    keys = form.hidden_field_keys()
    return {k: values[prefix + k] for k in keys if prefix + k in values}


@router.get("/a/{survey_key}")
def anonymous_page(
    survey_key: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    q: str | None = None,
    lang: str | None = None,
    r: str | None = None,
) -> Response:
    """An anonymous link survey (where its definition enables one), rate limited.

    Showing it writes nothing: the form carries a signed, time-bound form token, and the
    response is made by the first answer (:mod:`cxlens.features.collection.anonymous`).
    """
    if not allowed(request, "anonymous"):
        return _too_many(request)
    form = _anonymous_form(session, request, survey_key)
    if isinstance(form, HTMLResponse):
        return form
    cookie_name = ANON_COOKIE + survey_key
    response = _anon_response(session, settings, form, r) or _anon_response(
        session, settings, form, request.cookies.get(cookie_name)
    )
    chosen = _lang(request, form, lang, None)
    path = f"/a/{survey_key}"
    if response is None:
        hidden = _hidden_fields(form, dict(request.query_params))
        fields = (
            ("f", anonymous.form_token(settings, survey_key)),
            *((f"h.{k}", v) for k, v in hidden.items()),
        )
        flow = Flow(path, form, "", fields)
        return _show(session, flow, chosen, None, q)
    signed = sign_response_id(settings, response.id)
    flow = Flow(path, form, csrf_token(settings, f"response:{response.id}"), (("r", signed),))
    page = _show(session, flow, chosen, response, q, {"r": signed})
    _set_anon_cookie(page, request, survey_key, signed)
    return page


def _set_anon_cookie(page: Response, request: Request, survey_key: str, signed: str) -> None:
    page.set_cookie(
        ANON_COOKIE + survey_key,
        signed,
        max_age=180 * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=f"/a/{survey_key}",
    )


@router.post("/a/{survey_key}")
async def anonymous_submit(
    survey_key: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Save one page of an anonymous link survey (form token or CSRF checked)."""
    fields = await _form_fields(request)
    return await run_in_threadpool(
        _anonymous_submit, survey_key, request, session, settings, fields
    )


def _anonymous_submit(
    survey_key: str,
    request: Request,
    session: Session,
    settings: Settings,
    fields: Mapping[str, list[str]],
) -> Response:
    """The blocking part of :func:`anonymous_submit`, run off the event loop.

    With a response (``r``) the form token is its CSRF token; without one, the first
    answer's form token (``f``) makes the response, within the limits on new ones.
    """
    if not allowed(request, "anonymous"):
        return _too_many(request)
    form = _anonymous_form(session, request, survey_key)
    if isinstance(form, HTMLResponse):
        return form
    path = f"/a/{survey_key}"
    signed = _first(fields, "r")
    response = _anon_response(session, settings, form, signed)
    if response is not None and signed is not None:
        if not csrf_valid(settings, f"response:{response.id}", _first(fields, "csrf")):
            return _csrf_failed(form.default_language)
        flow = Flow(path, form, csrf_token(settings, f"response:{response.id}"), (("r", signed),))
        found = response

        def existing_response(create: bool) -> ResponseRow | None:
            return found

        return _submit(
            session, flow, fields, existing_response, None, {"r": signed}, settings=settings
        )
    token = _first(fields, "f")
    nonce = anonymous.read_form_token(settings, survey_key, token)
    if nonce is None or token is None:
        return _csrf_failed(form.default_language)
    first_fields = {k: v[0] for k, v in fields.items() if k.startswith("h.") and v}
    hidden = _hidden_fields(form, first_fields, "h.")
    extra: dict[str, str] = {}
    client = request.client.host if request.client else "unknown"
    made: list[ResponseRow] = []

    def new_response(create: bool) -> ResponseRow | None:
        if not create:
            return None
        if not made:
            lang = _first(fields, "lang")
            made.append(anonymous.link_response(session, form, nonce, hidden=hidden, language=lang))
            extra["r"] = sign_response_id(settings, made[0].id)
        return made[0]

    replay = anonymous.find_link_response(session, nonce) is not None
    if not replay and not _anonymous_limits(request, settings).allow_new(client, survey_key):
        return _too_many(request)
    flow = Flow(path, form, "", (("f", token), *((f"h.{k}", v) for k, v in hidden.items())))
    page = _submit(session, flow, fields, new_response, None, extra, settings=settings)
    if made:
        _set_anon_cookie(page, request, survey_key, extra["r"])
    return page


__all__ = ["PIXEL", "SECURITY_HEADERS", "router"]
