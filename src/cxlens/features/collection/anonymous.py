"""Anonymous link surveys (``/a/{survey_key}``): only where enabled, with limits that hold.

- Only a survey whose definition says ``anonymous_link: true`` is served on ``/a/``.
- Showing the survey writes nothing: the page carries a **form token** bound to the survey
  and to the time it was issued (valid ``anonymous_form_hours``, 6 h by default) and to a
  random nonce. The response row is made by the first posted answer (through
  :func:`~cxlens.features.collection.submission.submit_answers`, race-safe), and its
  ``response_ref`` is ``link:<nonce>``, so a replayed form makes no second response.
- New responses are limited per client address and survey
  (``anonymous_responses_per_client_hour``, 5) and per survey over all clients
  (``anonymous_responses_per_survey_hour``, 1000), in the server process: clearing cookies
  or replaying a form does not lift them.

Writes nothing itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.features.collection.counting_repository import LINK_SOURCE
from cxlens.features.collection.forms import SurveyForm
from cxlens.features.collection.repository import link_response_id
from cxlens.features.collection.responses import hidden_dimensions
from cxlens.features.collection.state import ResponseState
from cxlens.features.collection.submission import load_link_state

_DOMAIN = b"cxlens.collection.anonymous.v0\x00"
_NONCE_BYTES = 12


def enabled(form: SurveyForm) -> bool:
    """Whether the survey may be answered on an anonymous link (its definition says so)."""
    return form.definition is not None and form.definition.anonymous_link is True


def _tag(settings: Settings, survey_key: str, issued: int, nonce: str) -> str:
    key = settings.resolved_signing_keys()[0].encode("utf-8")
    message = _DOMAIN + f"{survey_key}\x00{issued}\x00{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def form_token(settings: Settings, survey_key: str, *, now: datetime | None = None) -> str:
    """A new form token of ``survey_key``: ``<issued unix time>.<nonce>.<tag>``."""
    issued = int((now or datetime.now(UTC)).timestamp())
    nonce = secrets.token_urlsafe(_NONCE_BYTES)
    return f"{issued}.{nonce}.{_tag(settings, survey_key, issued, nonce)}"


def read_form_token(
    settings: Settings, survey_key: str, token: str | None, *, now: datetime | None = None
) -> str | None:
    """The nonce of a genuine, unexpired form token of ``survey_key``; else ``None``."""
    if not token or len(token) > 100 or token.count(".") != 2:
        return None
    raw_issued, nonce, tag = token.split(".")
    if not raw_issued.isdigit() or len(raw_issued) > 12 or not nonce:
        return None
    issued = int(raw_issued)
    if not hmac.compare_digest(_tag(settings, survey_key, issued, nonce), tag):
        return None
    moment = (now or datetime.now(UTC)).timestamp()
    lifetime = timedelta(hours=settings.anonymous_form_hours).total_seconds()
    if not issued - 60 <= moment < issued + lifetime:  # a minute of clock skew
        return None
    return nonce


class AnonymousLimits:
    """The rate limits on new anonymous responses: per client and survey, per survey."""

    def __init__(self, settings: Settings) -> None:
        per_client = settings.anonymous_responses_per_client_hour
        per_survey = settings.anonymous_responses_per_survey_hour
        self.per_client = RateLimiter(rate=per_client / 3600, burst=per_client)
        self.per_survey = RateLimiter(rate=per_survey / 3600, burst=per_survey, max_keys=1000)

    def allow_new(self, client: str, survey_key: str) -> bool:
        """Take one new response from both buckets; ``False`` when either is empty."""
        if not self.per_client.allow(f"{client}|{survey_key}"):
            return False
        return self.per_survey.allow(survey_key)


def link_ref(nonce: str) -> str:
    """The ``response_ref`` of the response a form token with ``nonce`` makes."""
    return f"link:{nonce}"


def link_state(
    session: Session, form: SurveyForm, nonce: str, *, hidden: Mapping[str, str]
) -> tuple[ResponseState, bool]:
    """The response of form token ``nonce`` as ``submit_answers`` takes it, and whether it
    is new: the one a replay of the form made before, or one to be made by this answer
    (hidden fields as its dimensions; ``InputError`` for a value over the limit).
    """
    found = link_response_id(session, link_ref(nonce))
    stored = None if found is None else load_link_state(session, found)
    if stored is not None:  # the caller checks it is of this survey version
        return stored, False
    state = ResponseState(
        survey_version_id=form.version.id,
        source=LINK_SOURCE,
        response_ref=link_ref(nonce),
        channel="link",
        dimensions=hidden_dimensions(hidden, set(form.hidden_field_keys())),
    )
    return state, True
