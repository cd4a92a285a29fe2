"""The widget's JSON endpoints and its script. Cross-origin: plain-text JSON bodies, no cookies."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from cxlens.core.errors import CxlensError, InputError, Location, TooLargeError
from cxlens.core.settings import Settings
from cxlens.features.collection.edits import edit_window
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.widget import (
    PressureCheck,
    SignedCustomer,
    WidgetTrust,
    decide,
    opt_out_only,
    save_widget_answers,
)
from cxlens.web.deps import get_settings, get_writer
from cxlens.web.errors import problem, problem_of, problem_response, problem_responses
from cxlens.web.pages.i18n import UI_LANGUAGES, choose_language, gettext_for
from cxlens.web.pages.ratelimit import allowed

log = logging.getLogger("cxlens.web")
widget_router = APIRouter(tags=["widget"])
SCRIPT = Path(__file__).resolve().parents[1] / "static" / "cxlens-widget.js"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Cache-Control": "no-store",
}
SettingsDep = Annotated[Settings, Depends(get_settings)]
#: The largest widget request body (bytes).
MAX_BODY_BYTES = 20_000
#: The longest event name and customer reference the widget takes (characters).
MAX_EVENT, MAX_CUSTOMER_REF = 100, 200
#: The longest signature taken (a SHA-256 HMAC is 64 hex digits).
MAX_SIGNATURE = 128


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` of a widget route: its JSON body (the widget sends it as
    ``text/plain``, so that a browser makes no preflight request; any type is read)."""
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": schema}}}}


def _reply(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=CORS)


def _problem(error: CxlensError) -> JSONResponse:
    """The problem details of ``error``, readable cross-origin."""
    return problem_response(problem_of(error), headers=CORS)


def _rate_limited() -> JSONResponse:
    body = problem(429, "rate_limited", "too many requests from this client: try again later")
    return problem_response(body, headers={**CORS, "Retry-After": "10"})


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise TooLargeError(
            "the request body is too large",
            expected=f"at most {MAX_BODY_BYTES:,} bytes",
            limit=MAX_BODY_BYTES,
        )
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise InputError(
            "the body is not JSON", Location(field="body"), expected="a JSON object"
        ) from exc
    if not isinstance(data, dict):
        raise InputError("not an object", Location(field="body"), expected="a JSON object")
    return data


def _check(body: dict[str, Any], schema: dict[str, Any]) -> None:
    """Refuse a body that does not fit the (flat) ``schema`` the route documents."""
    for name in schema.get("required", ()):
        if name not in body:
            raise InputError("missing", Location(field=name), expected="a value")
    for name, rule in schema["properties"].items():
        if name not in body:
            continue
        value = body[name]
        if value is None:  # every optional member may be null: absent
            continue
        kinds: dict[str, type | tuple[type, ...]] = {
            "string": str,
            "object": dict,
            "boolean": bool,
            "integer": int,
        }
        kind = kinds[rule["type"][0]]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            expected = rule["type"][0]
            raise InputError(f"not a {expected}", Location(field=name), expected=expected)
        if "enum" in rule and value not in rule["enum"]:
            allowed_values = " or ".join(str(v) for v in rule["enum"] if v)
            raise InputError(
                f"{value!r} is not allowed", Location(field=name), expected=allowed_values
            )
        if "maxLength" in rule:
            _limited(body, name, rule["maxLength"])
        item = rule.get("additionalProperties")
        if item and isinstance(value, dict) and any(not isinstance(v, str) for v in value.values()):
            raise InputError("values must be text", Location(field=name), expected=item["type"])


def _limited(body: dict[str, Any], name: str, limit: int) -> str | None:
    """``body[name]`` as text, or an error when it is longer than ``limit`` (never cut)."""
    value = body.get(name)
    if value is None or value == "":
        return None
    text = str(value)
    if len(text) > limit:
        raise InputError(
            f"too long ({len(text):,} characters; limit {limit:,})",
            Location(field=name),
            expected=f"at most {limit:,} characters",
            limit=limit,
            error_code="too_long",
        )
    return text


@widget_router.get("/widget/cxlens-widget.js", include_in_schema=False)
def widget_script() -> Response:
    """The widget snippet (no framework)."""
    return Response(
        SCRIPT.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )


@widget_router.options("/api/v1/widget/{name}", include_in_schema=False)
def widget_preflight(name: str) -> Response:
    """CORS preflight of the widget endpoints."""
    return Response(status_code=204, headers=CORS)


_DECIDE_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "survey": {"type": ["string", "null"]},
        "event": {"type": ["string", "null"], "maxLength": MAX_EVENT},
        "customer": {"type": ["string", "null"], "maxLength": MAX_CUSTOMER_REF},
        "issued_at": {"type": ["integer", "null"], "description": "Unix seconds (UTC)"},
        "signature": {"type": ["string", "null"], "maxLength": MAX_SIGNATURE},
        "lang": {"type": ["string", "null"]},
        "hidden": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
        "mode": {"type": ["string", "null"], "enum": ["show", "article", None]},
    },
}
_ANSWER_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["token", "answers"],
    "properties": {
        "token": {"type": ["string"]},
        "answers": {"type": ["object"]},
        "complete": {"type": ["boolean", "null"]},
    },
}


@widget_router.post(
    "/api/v1/widget/decide",
    summary="Whether to show a survey now",
    responses=problem_responses(413, 422, 429),
    openapi_extra=_json_body(_DECIDE_BODY),
)
async def widget_decide(request: Request, settings: SettingsDep) -> JSONResponse:
    """``{survey, event, customer?, issued_at?, signature?, lang?, hidden?, mode?}`` →
    ``{show, token, questions, labels}``, or ``{show: false}``.

    A ``customer`` counts only with the site's ``signature`` of it and ``issued_at``
    (docs/collection.md); without a valid, unexpired one the answer is ``{show: false}``.
    The reply never says why a survey is not shown. Sampling
    (``app.state.widget_sample_rate``, default 1) and contact pressure
    (``app.state.widget_pressure``, default: opt-outs only) are decided here.
    """
    try:
        body = await _body(request)
        if not allowed(request, "widget"):
            return _rate_limited()
        _check(body, _DECIDE_BODY)
        return await get_writer(request).run(
            lambda session: _widget_decide(request, session, settings, body)
        )
    except CxlensError as exc:
        return _problem(exc)


def _widget_decide(
    request: Request, session: Session, settings: Settings, body: dict[str, Any]
) -> JSONResponse:
    """The database part of :func:`widget_decide`: a write (it may create an invitation)."""
    pressure: PressureCheck = getattr(request.app.state, "widget_pressure", opt_out_only)
    rate = float(getattr(request.app.state, "widget_sample_rate", 1.0))
    hidden = body.get("hidden") if isinstance(body.get("hidden"), dict) else {}
    requested = str(body.get("lang") or "") or None
    language = choose_language(
        UI_LANGUAGES, requested=requested, accept_language=request.headers.get("accept-language")
    )
    ref = _limited(body, "customer", MAX_CUSTOMER_REF)
    customer = (
        SignedCustomer(
            ref,
            issued_at=body.get("issued_at"),
            signature=_limited(body, "signature", MAX_SIGNATURE),
        )
        if ref
        else None
    )
    trust = WidgetTrust(
        settings.resolved_widget_secret(),
        timedelta(hours=settings.widget_signature_hours),
    )
    decision = decide(
        session,
        signer_for(settings),
        survey_key=str(body.get("survey") or ""),
        event=_limited(body, "event", MAX_EVENT) or "",
        customer=customer,
        trust=trust,
        language=language,
        hidden={str(k): str(v) for k, v in (hidden or {}).items()},
        mode="article" if body.get("mode") == "article" else "show",
        sample_rate=rate,
        pressure=pressure,
    )
    if not decision.show:
        if decision.reason == "invalid_signature":
            log.warning("widget decide: a customer reference without a valid signature")
        return _reply({"show": False})  # never why: not who opted out, nor when contacted
    _ = gettext_for(decision.language or "en")
    labels = {
        "close": _("Close"),
        "send": _("Send"),
        "thanks": _("Thank you for your feedback!"),
        "optional": _("optional"),
        "required": _("Please choose an answer."),
    }
    return _reply(
        {
            "show": True,
            "token": decision.token,
            "lang": decision.language,
            "questions": decision.questions,
            "labels": labels,
        }
    )


@widget_router.post(
    "/api/v1/widget/answer",
    summary="Save the widget's answers",
    responses=problem_responses(404, 409, 413, 422, 429),
    openapi_extra=_json_body(_ANSWER_BODY),
)
async def widget_answer(request: Request, settings: SettingsDep) -> JSONResponse:
    """``{token, answers: {key: value}, complete?}`` → ``{ok, thank_you}``; errors are
    problem details (``detail`` says what to fix). Answered once the answers are committed
    (:func:`save_widget_answers` in the writer)."""
    try:
        body = await _body(request)
        if not allowed(request, "widget"):
            return _rate_limited()
        _check(body, _ANSWER_BODY)
        answers = body["answers"]
        token = str(body.get("token") or "")
        complete = bool(body.get("complete", True))
        thanks = await get_writer(request).run(
            lambda session: save_widget_answers(
                session,
                signer_for(settings),
                token,
                answers,
                complete=complete,
                edit_window=edit_window(settings),
            )
        )
    except CxlensError as exc:
        return _problem(exc)
    return _reply({"ok": True, "thank_you": thanks})
