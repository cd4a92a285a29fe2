"""The hosted survey page (``/s/``), anonymous link surveys (``/a/``), votes, opt-out, pixel.

Reads run in a read-only session; every write is a function handed to the process's writer
(:mod:`cxlens.db.writes`), which runs it behind the SQLite write gate, commits (with the
other writes waiting: group commit), and only then returns, so the page that follows never
acknowledges what is not stored. A route never holds a read session while it waits for the
writer (the writer needs a connection of the same pool). Answers are written by one
service, :func:`~cxlens.features.collection.submission.submit_answers`. The ``async``
routes only read the request body on the event loop and await the writer; no blocking
database call runs on the loop.

Vote links record only on ``POST`` (mail scanners fetch every link), survey and vote links
expire, a submitted response changes only within its edit window, and an anonymous link
serves only a survey that enables it, making no response before a first answer
(docs/collection.md, "Responses the wrong hands cannot cast or change").
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from babel.numbers import format_decimal
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from cxlens.core.errors import CxlensError, InputError, Location, NotFoundError, TooLargeError
from cxlens.core.settings import Settings
from cxlens.core.signing import ExpiredTokenError, Purpose, TokenError
from cxlens.db import read_only
from cxlens.features.collection import anonymous, edits, scanners
from cxlens.features.collection import responses as saving
from cxlens.features.collection.errors import LinkExpiredError, ResponseClosedError
from cxlens.features.collection.forms import SurveyForm, frozen_form, latest_form
from cxlens.features.collection.incentives import code_of
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
    mark_opened,
    open_invitation,
    record_open,
    unsubscribe,
)
from cxlens.features.collection.state import ResponseState
from cxlens.features.collection.submission import (
    answers_by_key,
    load_link_state,
    load_state,
    submit_answers,
)
from cxlens.features.surveys.schemas import SCORE_TYPES
from cxlens.models import Invitation, Question
from cxlens.models import Response as ResponseRow
from cxlens.web.deps import ReadSession, SettingsDep, WriterDep, get_settings, get_writer
from cxlens.web.edge.client import client_address
from cxlens.web.errors import error_page, problem_of
from cxlens.web.guards import check_form_fields
from cxlens.web.pages.i18n import UI_LANGUAGES, choose_language, gettext_for, language_name
from cxlens.web.pages.ratelimit import allowed
from cxlens.web.pages.render import SECURITY_HEADERS, render

router = APIRouter(include_in_schema=False)

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
    lang = _ui_fallback_lang(request)
    _ = gettext_for(lang)
    return _message(
        lang,
        _("This link is not valid"),
        _("The link may be incomplete or no longer valid."),
        status=404,
    )


def _ui_fallback_lang(request: Request) -> str:
    return choose_language(UI_LANGUAGES, accept_language=request.headers.get("accept-language"))


def _expired(request: Request) -> HTMLResponse:
    """A genuine survey or vote link past its expiry (410)."""
    lang = _ui_fallback_lang(request)
    _ = gettext_for(lang)
    return _message(
        lang,
        _("This link has expired"),
        _("Please use the link in a more recent message from us."),
        status=410,
    )


def _closed(lang: str) -> HTMLResponse:
    """A posted answer to a response whose edit window has passed (409)."""
    _ = gettext_for(lang)
    return _message(lang, _("Thank you!"), _("Your answers can no longer be changed."), status=409)


def _too_many(request: Request) -> HTMLResponse:
    lang = _ui_fallback_lang(request)
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
    response: ResponseRow | ResponseState | None,
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
        code = code_of(session, response.id)  # given on submission
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


def _csrf_failed(lang: str) -> HTMLResponse:
    _ = gettext_for(lang)
    return _message(lang, _("The form has expired"), _("Please go back and try again."), status=403)


# ---------------------------------------------------------------- invitation survey pages


@router.get("/s/{token}")
def survey_page(
    token: str,
    request: Request,
    settings: SettingsDep,
    writer: WriterDep,
    q: str | None = None,
    lang: str | None = None,
) -> Response:
    """The survey page of an invitation, one question per page; plain HTML forms.

    The first view records the invitation's ``opened_at`` (a short write, after the read
    session closed) before the page goes out.
    """
    if not allowed(request, "survey"):
        return _too_many(request)
    with read_only(request.app.state.engine) as session:
        try:
            visit = open_invitation(session, signer_for(settings), token, Purpose.INVITATION)
        except LinkExpiredError:
            return _expired(request)
        except NotFoundError:
            return _not_found(request)
        invitation = visit.invitation
        flow = Flow(f"/s/{token}", visit.form, csrf_token(settings, f"invitation:{invitation.id}"))
        chosen = _lang(request, visit.form, lang, invitation_language(session, invitation))
        response = saving.response_for_invitation(session, invitation, create=False)
        if response is not None and not edits.may_edit(
            response.submitted_at, datetime.now(UTC), edits.edit_window(settings)
        ):
            q = None  # past the edit window: the thank-you page, no form
        page = _show(session, flow, chosen, response, q)
        first_view = invitation.opened_at is None
    if first_view:
        invitation_id = invitation.id
        writer.write(lambda s: mark_opened(s, invitation_id))
    return page


async def survey_submit(request: Request) -> Response:
    """``POST /s/{token}``: save the answer of one page (CSRF-checked) and go on.

    The link's token and the form token are checked on the event loop (no database); the
    database work runs in the writer's thread, committed with the other writes waiting
    (group commit), and the redirect goes out only after that commit. A plain Starlette
    route (the hot path): no FastAPI dependency solving or validation.
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
    except ExpiredTokenError:
        return _expired(request)
    except TokenError:
        return _not_found(request)
    subject = f"invitation:{claims.invitation_id}"
    csrf_ok = csrf_valid(settings, subject, _first(fields, "csrf"))
    path = f"/s/{token}"
    window = edits.edit_window(settings)

    def job(session: Session) -> Response:
        state = load_state(session, claims.invitation_id)
        if state is None:
            return _not_found(request)
        form = frozen_form(session, state.survey_version_id)
        if not csrf_ok:
            return _csrf_failed(form.default_language)
        flow = Flow(path, form, "")  # its form token only if the page is shown again
        return _submit_page(
            session, flow, fields, state, {}, window, lambda: csrf_token(settings, subject)
        )

    return await get_writer(request).run(job)


router.add_route("/s/{token}", survey_submit, methods=["POST"], include_in_schema=False)


def _submit_page(
    session: Session,
    flow: Flow,
    fields: Mapping[str, list[str]],
    state: ResponseState,
    extra: Mapping[str, str],
    window: timedelta,
    csrf: Callable[[], str] | None = None,
    redirect_extra: Callable[[ResponseState], Mapping[str, str]] | None = None,
) -> Response:
    """Save one page's answer with :func:`submit_answers`; redirect to the next question,
    or (when none follows) submit and redirect to the thank-you page. Hosted page and
    anonymous links alike, on plain data read once. ``window`` is the edit window of a
    submitted response (past it, 409). ``csrf`` makes the form token of a page shown again
    (an invalid answer), when ``flow`` has none yet; ``redirect_extra`` the redirect's
    parameters once the answer is saved (default ``extra``)."""
    form, path = flow.form, flow.path
    lang = _first(fields, "lang") or form.default_language
    if lang not in form.languages:
        lang = form.default_language
    answers = answers_by_key(form, state.answers)
    shown = visible_questions(form.questions, saving.known_values(state, answers))
    key = _first(fields, "q")
    question = next((x for x in shown if x.key == key), None)
    if question is None:
        return RedirectResponse(_url(path, lang=lang, **extra), status_code=303)
    try:
        value = saving.parse_answer(form, question, fields.get("answer", []))
    except InputError as exc:
        error = _answer_error(exc, lang)
        if csrf is not None:
            flow = replace(flow, csrf=csrf())
        return _page(flow, lang, state, answers, question, error=error, status=422, extra=extra)
    after = {k: v for k, v in answers.items() if k != question.key}
    if value is not None:
        after[question.key] = value
    following = saving.next_question(form, saving.known_values(state, after), question.key)
    try:
        submit_answers(
            session,
            form,
            state,
            [(question, value)],
            language=lang,
            finish=following is None,
            via=edits.VIA_PAGE,
            edit_window=window,
        )
    except ResponseClosedError:
        return _closed(lang)
    params = extra if redirect_extra is None else redirect_extra(state)
    return RedirectResponse(
        _url(path, q=None if following is None else following.key, lang=lang, **params),
        status_code=303,
    )


# ---------------------------------------------------------------- vote, pixel, unsubscribe


#: Posts the vote confirm form at once: a person with JavaScript votes in one click.
AUTOSUBMIT = 'document.getElementById("vote").submit();'
_AUTOSUBMIT_HASH = base64.b64encode(hashlib.sha256(AUTOSUBMIT.encode()).digest()).decode()
#: The confirm page's policy: the public pages' one, plus that one inline script.
VOTE_CSP = SECURITY_HEADERS["Content-Security-Policy"] + f"; script-src 'sha256-{_AUTOSUBMIT_HASH}'"


@router.api_route("/v/{token}", methods=["GET", "HEAD"])
def vote(token: str, request: Request, session: ReadSession, settings: SettingsDep) -> Response:
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

    The confirm page's form token is checked on the event loop; the vote is a write (the
    writer commits it before the redirect goes out).
    """
    fields = await _form_fields(request)
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
    user_agent = request.headers.get("user-agent")

    def job(session: Session) -> Response:
        try:
            result = scanners.cast_vote(
                session,
                signer,
                token,
                score=score,
                user_agent=user_agent,
                burst=scanners.burst_window(settings.vote_burst_seconds),
                edit_window=edits.edit_window(settings),
            )
        except LinkExpiredError:
            return _expired(request)
        except NotFoundError:
            return _not_found(request)
        survey_token = signer.sign(
            result.visit.invitation.id, purpose=Purpose.INVITATION, expires_at=claims.expires_at
        )
        return RedirectResponse(
            _url(f"/s/{survey_token}", q=result.following),
            status_code=303,
            headers={"Referrer-Policy": "no-referrer"},
        )

    return await get_writer(request).run(job)


@router.get("/o/{token}")
def open_pixel(token: str, request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """A 1×1 GIF that records the invitation's ``opened_at`` (the same GIF for any token)."""
    if allowed(request, "open"):
        writer.write(lambda session: record_open(session, signer_for(settings), token))
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})


@router.get("/u/{token}")
def unsubscribe_page(
    token: str, request: Request, session: ReadSession, settings: SettingsDep
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
async def unsubscribe_submit(token: str, request: Request, settings: SettingsDep) -> Response:
    """Record the opt-out: the confirm button, or RFC 8058 ``List-Unsubscribe=One-Click``."""
    fields = await _form_fields(request)
    if not allowed(request, "unsubscribe"):
        return _too_many(request)
    method = "one_click" if _first(fields, "List-Unsubscribe") == "One-Click" else "link"

    def job(session: Session) -> Response:
        try:
            invitation = unsubscribe(session, signer_for(settings), token, method=method)
        except NotFoundError:
            return _not_found(request)
        lang = _ui_lang(request, session, invitation)
        _ = gettext_for(lang)
        return _message(
            lang,
            _("You have been unsubscribed"),
            _("You will not receive any more survey invitations from us."),
        )

    return await get_writer(request).run(job)


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
    session: ReadSession,
    settings: SettingsDep,
    q: str | None = None,
    lang: str | None = None,
    r: str | None = None,
) -> Response:
    """An anonymous link survey (where its definition enables one), rate limited.

    Read only: a returning visitor's response is shown; a new visitor's form carries a
    signed, time-bound form token, and the response is made by the first answer
    (:mod:`cxlens.features.collection.anonymous`).
    """
    if not allowed(request, "anonymous"):
        return _too_many(request)
    form = _anonymous_form(session, request, survey_key)
    if isinstance(form, HTMLResponse):
        return form
    cookie = request.cookies.get(ANON_COOKIE + survey_key)
    response = _anon_response(session, settings, form, r) or _anon_response(
        session, settings, form, cookie
    )
    chosen = _lang(request, form, lang, None)
    if response is not None:
        return _anonymous_view(request, survey_key, session, settings, form, response, chosen, q)
    hidden = _hidden_fields(form, dict(request.query_params))
    fields = (
        ("f", anonymous.form_token(settings, survey_key)),
        *((f"h.{k}", v) for k, v in hidden.items()),
    )
    return _show(session, Flow(f"/a/{survey_key}", form, "", fields), chosen, None, q)


def _anonymous_view(
    request: Request,
    survey_key: str,
    session: Session,
    settings: Settings,
    form: SurveyForm,
    response: ResponseRow,
    lang: str,
    q: str | None,
) -> Response:
    signed = sign_response_id(settings, response.id)
    flow = Flow(
        f"/a/{survey_key}", form, csrf_token(settings, f"response:{response.id}"), (("r", signed),)
    )
    page = _show(session, flow, lang, response, q, {"r": signed})
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
async def anonymous_submit(survey_key: str, request: Request, settings: SettingsDep) -> Response:
    """Save one page of an anonymous link survey, in the writer.

    With a response (``r``) the form token is its CSRF token; without one, the first
    answer's form token (``f``) makes the response, within the limits on new ones.
    """
    fields = await _form_fields(request)
    if not allowed(request, "anonymous"):
        return _too_many(request)
    signed = _first(fields, "r")
    response_id = read_response_id(settings, signed)
    csrf = _first(fields, "csrf")
    token = _first(fields, "f")
    nonce = (
        None if response_id is not None else anonymous.read_form_token(settings, survey_key, token)
    )
    hidden_given = {k: v[0] for k, v in fields.items() if k.startswith("h.") and v}
    client = client_address(request)
    path = f"/a/{survey_key}"
    window = edits.edit_window(settings)

    def job(session: Session) -> Response:
        form = _anonymous_form(session, request, survey_key)
        if isinstance(form, HTMLResponse):
            return form
        if response_id is not None:
            state = load_link_state(session, response_id)
            if (
                state is None
                or signed is None
                or state.survey_version_id != form.version.id
                or not csrf_valid(settings, f"response:{response_id}", csrf)
            ):
                return _csrf_failed(form.default_language)
            flow = Flow(
                path, form, csrf_token(settings, f"response:{response_id}"), (("r", signed),)
            )
            return _submit_page(session, flow, fields, state, {"r": signed}, window)
        if nonce is None or token is None:
            return _csrf_failed(form.default_language)
        hidden = _hidden_fields(form, hidden_given, "h.")
        state, new = anonymous.link_state(session, form, nonce, hidden=hidden)
        if state.survey_version_id != form.version.id:
            return _csrf_failed(form.default_language)
        if new and not _anonymous_limits(request, settings).allow_new(client, survey_key):
            return _too_many(request)
        flow = Flow(path, form, "", (("f", token), *((f"h.{k}", v) for k, v in hidden.items())))

        def signed_id(saved: ResponseState) -> dict[str, str]:
            assert saved.response_id is not None
            return {"r": sign_response_id(settings, saved.response_id)}

        page = _submit_page(session, flow, fields, state, {}, window, redirect_extra=signed_id)
        if state.response_id is not None:
            _set_anon_cookie(page, request, survey_key, signed_id(state)["r"])
        return page

    return await get_writer(request).run(job)


__all__ = ["PIXEL", "SECURITY_HEADERS", "router"]
