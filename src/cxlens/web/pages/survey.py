"""The hosted survey page (``/s/``), anonymous link surveys (``/a/``), votes, opt-out, pixel.

The ``async`` routes only read the request body on the event loop; their database work runs
in the thread pool (``run_in_threadpool``). A blocking SQLite call on the event loop could
wait on a write lock whose holder needs the loop to commit, stalling the whole server for
the busy timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cxlens.core.errors import CxlensError, InputError, Location, NotFoundError, TooLargeError
from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose, TokenError
from cxlens.db import unit_of_work
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
    check_unsubscribe,
    invitation_language,
    open_invitation,
    record_open,
    record_vote,
    unsubscribe,
)
from cxlens.features.collection.state import InvitationState
from cxlens.features.collection.submission import answers_by_key, load_state, save_page
from cxlens.features.surveys.schemas import SCORE_TYPES
from cxlens.models import Invitation, Question
from cxlens.models import Response as ResponseRow
from cxlens.web.deps import get_session, get_settings
from cxlens.web.errors import error_page, problem_of
from cxlens.web.guards import check_form_fields
from cxlens.web.pages.i18n import UI_LANGUAGES, choose_language, gettext_for, language_name
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
        UI_LANGUAGES,
        accept_language=request.headers.get("accept-language"),
    )
    _ = gettext_for(lang)
    return _message(
        lang,
        _("This link is not valid"),
        _("The link may be incomplete or no longer valid."),
        status=404,
    )


def _too_many(request: Request) -> HTMLResponse:
    lang = choose_language(
        UI_LANGUAGES,
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


#: The largest form body taken: an answer of ``saving.MAX_TEXT`` characters fits, even
#: URL-encoded 4-byte characters (12 bytes each).
MAX_FORM_BYTES = 65536


async def _form_fields(request: Request) -> dict[str, list[str]]:
    """The fields of a URL-encoded form body (at most :data:`MAX_FORM_BYTES`).

    Raises ``TooLargeError`` (the answer limit named) for a larger body, ``InputError`` for
    a field holding a NUL character.
    """
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise TooLargeError(
            f"too long (limit {saving.MAX_TEXT:,} characters)",
            Location(field="answer"),
            expected=f"an answer of at most {saving.MAX_TEXT:,} characters",
            limit=saving.MAX_TEXT,
        )
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=100)
    check_form_fields(fields)
    return fields


def _answer_error(exc: InputError, lang: str) -> str:
    """What the page says about an answer it did not take (chosen by the error's code)."""
    _ = gettext_for(lang)
    if exc.error_code == "answer_required":
        return _("Please choose an answer.")
    if exc.error_code == "too_long" and exc.limit is not None:
        limit = format_decimal(exc.limit, locale=lang)
        return _("Your answer is too long (limit: %(limit)s characters).") % {"limit": limit}
    return _("This answer is not valid.")


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
) -> Response:
    """Save one page's answer; redirect to the next question or the thank-you page."""
    lang = _first(fields, "lang") or flow.form.default_language
    if lang not in flow.form.languages:
        lang = flow.form.default_language
    _ = gettext_for(lang)
    existing: ResponseRow | None = response_of(False)
    answers = saving.current_answers(session, flow.form, existing)
    shown = visible_questions(flow.form.questions, saving.known_values(existing, answers))
    key = _first(fields, "q")
    question = next((x for x in shown if x.key == key), None)
    if question is None:
        return RedirectResponse(_url(flow.path, lang=lang, **redirect_extra), status_code=303)
    try:
        value = saving.parse_answer(flow.form, question, fields.get("answer", []))
    except InputError as exc:
        error = _answer_error(exc, lang)
        return _page(
            flow, lang, existing, answers, question, error=error, status=422, extra=redirect_extra
        )
    response: ResponseRow = response_of(True)
    response.language = lang
    saving.save_answer(session, response, question, value)
    answers = {k: v for k, v in answers.items() if k != question.key}
    if value is not None:
        answers[question.key] = value
    saving.refresh_hash(session, flow.form, response, answers)
    if invitation is not None:
        saving.mark_started(invitation)
    following = saving.next_question(
        flow.form, saving.known_values(response, answers), question.key
    )
    if following is None:
        saving.complete(session, flow.form, response, invitation, answers)
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
    except NotFoundError:
        return _not_found(request)
    invitation = visit.invitation
    flow = Flow(f"/s/{token}", visit.form, csrf_token(settings, f"invitation:{invitation.id}"))
    chosen = _lang(request, visit.form, lang, invitation_language(session, invitation))
    if invitation.opened_at is None:
        saving.mark_opened(invitation)
    response = saving.response_for_invitation(session, invitation, create=False)
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
    try:
        fields = await _form_fields(request)
    except CxlensError as exc:  # a plain route outside the app's error handlers
        return error_page(request, problem_of(exc))
    if not allowed(request, "survey"):
        return _too_many(request)
    try:
        claims = signer_for(settings).verify(token, purpose=Purpose.INVITATION)
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
    answers = answers_by_key(form, state.answers)
    shown = visible_questions(form.questions, saving.known_values(state, answers))
    key = _first(fields, "q")
    question = next((x for x in shown if x.key == key), None)
    if question is None:
        return RedirectResponse(_url(path, lang=lang), status_code=303)
    try:
        value = saving.parse_answer(form, question, fields.get("answer", []))
    except InputError as exc:
        error = _answer_error(exc, lang)
        flow = Flow(path, form, csrf_token(settings, f"invitation:{state.invitation_id}"))
        return _page(flow, lang, state, answers, question, error=error, status=422)
    after = {k: v for k, v in answers.items() if k != question.key}
    if value is not None:
        after[question.key] = value
    following = saving.next_question(form, saving.known_values(state, after), question.key)
    save_page(connection, form, state, question, value, language=lang, finish=following is None)
    return RedirectResponse(
        _url(path, q=None if following is None else following.key, lang=lang),
        status_code=303,
    )


# ---------------------------------------------------------------- vote, pixel, unsubscribe


@router.get("/v/{token}")
def vote(token: str, request: Request, settings: SettingsDep) -> Response:
    """Record a vote link's score, then 303 to the follow-up page of the survey.

    Runs behind the SQLite write gate (a vote always writes) and commits before the
    redirect goes out.
    """
    if not allowed(request, "vote"):
        return _too_many(request)
    with write_gate(request), unit_of_work(request.app.state.engine) as session:
        return _vote(token, request, session, settings)


def _vote(token: str, request: Request, session: Session, settings: Settings) -> Response:
    signer = signer_for(settings)
    try:
        visit, following = record_vote(session, signer, token)
    except NotFoundError:
        return _not_found(request)
    survey_token = signer.sign(visit.invitation.id, purpose=Purpose.INVITATION)
    if following is None:
        response = saving.response_for_invitation(session, visit.invitation, create=False)
        if response is not None:
            saving.complete(session, visit.form, response, visit.invitation)
    return RedirectResponse(
        _url(f"/s/{survey_token}", q=following),
        status_code=303,
        headers={"Referrer-Policy": "no-referrer"},
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
        UI_LANGUAGES,
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
    """An anonymous link survey: one response per visitor (a cookie), rate limited."""
    if not allowed(request, "anonymous"):
        return _too_many(request)
    try:
        form = latest_form(session, survey_key)
    except NotFoundError:
        return _not_found(request)
    cookie_name = ANON_COOKIE + survey_key
    response = _anon_response(session, settings, form, r) or _anon_response(
        session, settings, form, request.cookies.get(cookie_name)
    )
    chosen = _lang(request, form, lang, None)
    if response is None:
        if not allowed(request, "anonymous-new"):
            return _too_many(request)
        hidden = {k: v for k, v in request.query_params.items() if k in form.hidden_field_keys()}
        response = saving.new_link_response(session, form, hidden=hidden, language=chosen)
    signed = sign_response_id(settings, response.id)
    flow = Flow(
        f"/a/{survey_key}", form, csrf_token(settings, f"response:{response.id}"), (("r", signed),)
    )
    page = _show(session, flow, chosen, response, q, {"r": signed})
    page.set_cookie(
        cookie_name,
        signed,
        max_age=180 * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path=f"/a/{survey_key}",
    )
    return page


@router.post("/a/{survey_key}")
async def anonymous_submit(
    survey_key: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Save one page of an anonymous link survey (CSRF-checked)."""
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
    """The blocking part of :func:`anonymous_submit`, run off the event loop."""
    if not allowed(request, "anonymous"):
        return _too_many(request)
    try:
        form = latest_form(session, survey_key)
    except NotFoundError:
        return _not_found(request)
    signed = _first(fields, "r")
    response = _anon_response(session, settings, form, signed)
    if (
        response is None
        or signed is None
        or not csrf_valid(settings, f"response:{response.id}", _first(fields, "csrf"))
    ):
        return _csrf_failed(form.default_language)
    flow = Flow(
        f"/a/{survey_key}", form, csrf_token(settings, f"response:{response.id}"), (("r", signed),)
    )

    def response_of(create: bool) -> ResponseRow | None:
        return response

    return _submit(session, flow, fields, response_of, None, {"r": signed})


__all__ = ["PIXEL", "SECURITY_HEADERS", "router"]
