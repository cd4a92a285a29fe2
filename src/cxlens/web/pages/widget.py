"""The widget's JSON endpoints and its script. Cross-origin: plain-text JSON bodies, no cookies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, NotFoundError
from cxlens.core.settings import Settings
from cxlens.features.collection.links import signer_for
from cxlens.features.collection.widget import (
    PressureCheck,
    decide,
    opt_out_only,
    save_widget_answers,
)
from cxlens.web.deps import get_settings, get_writer
from cxlens.web.pages.i18n import UI_LANGUAGES, choose_language, gettext_for
from cxlens.web.pages.ratelimit import allowed

widget_router = APIRouter(tags=["widget"])
SCRIPT = Path(__file__).resolve().parents[1] / "static" / "cxlens-widget.js"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Cache-Control": "no-store",
}


def _reply(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=CORS)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > 20_000:
        return {}
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


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


@widget_router.post("/api/v1/widget/decide", summary="Whether to show a survey now")
async def widget_decide(request: Request) -> JSONResponse:
    """``{survey, event, customer?, lang?, hidden?, mode?}`` → ``{show, token, questions, labels}``.

    Sampling (``app.state.widget_sample_rate``, default 1) and contact pressure
    (``app.state.widget_pressure``, default: opt-outs only) are decided here.
    """
    body = await _body(request)
    if not allowed(request, "widget"):
        return _reply({"show": False, "reason": "rate_limited"}, 429)
    settings = get_settings(request)
    return await get_writer(request).run(
        lambda session: _widget_decide(request, session, settings, body)
    )


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
    decision = decide(
        session,
        signer_for(settings),
        survey_key=str(body.get("survey") or ""),
        event=str(body.get("event") or "")[:100],
        customer_ref=str(body["customer"])[:200] if body.get("customer") else None,
        language=language,
        hidden={str(k): str(v) for k, v in (hidden or {}).items()},
        mode="article" if body.get("mode") == "article" else "show",
        sample_rate=rate,
        pressure=pressure,
    )
    if not decision.show:
        return _reply({"show": False, "reason": decision.reason})
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


@widget_router.post("/api/v1/widget/answer", summary="Save the widget's answers")
async def widget_answer(request: Request) -> JSONResponse:
    """``{token, answers: {key: value}, complete?}`` → ``{ok, thank_you}``.

    Answered once the answers are committed (:func:`save_widget_answers` in the writer).
    """
    body = await _body(request)
    if not allowed(request, "widget"):
        return _reply({"ok": False, "error": "rate_limited"}, 429)
    answers = body.get("answers")
    if not isinstance(answers, dict):
        return _reply({"ok": False, "error": "answers must be an object"}, 422)
    settings = get_settings(request)
    token = str(body.get("token") or "")
    complete = bool(body.get("complete", True))
    try:
        thanks = await get_writer(request).run(
            lambda session: save_widget_answers(
                session, signer_for(settings), token, answers, complete=complete
            )
        )
    except NotFoundError:
        return _reply({"ok": False, "error": "invalid token"}, 404)
    except InputError as exc:
        return _reply({"ok": False, "error": str(exc)}, 422)
    return _reply({"ok": True, "thank_you": thanks})
