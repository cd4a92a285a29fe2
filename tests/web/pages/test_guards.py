"""Responses the wrong hands cannot cast or change, over HTTP on both backends.

A mail scanner fetching (and even posting) every score link of an invitation casts no vote;
a person's click still counts. A submitted response changes only within the edit window,
with the logic re-applied and each change recorded. Expired links say so. Anonymous links
serve only surveys that enable them, make no response before an answer, and stay limited
without cookies.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.signing import Purpose
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.collection.links import signer_for, survey_url, vote_url
from cxlens.features.collection.security import csrf_token
from cxlens.features.metrics import store_metrics
from cxlens.features.surveys import create_survey
from cxlens.models import (
    Answer,
    AnswerChange,
    Customer,
    Invitation,
    Response,
    Survey,
    SurveyVersion,
)
from features.collection.conftest import DEFINITION as LOGIC_DEFINITION

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
SCANNER = "Mozilla/5.0 (compatible; BingPreview/1.0b) Safe Links"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


class Store:
    """Direct access to the site's database."""

    def __init__(self, site: Any) -> None:
        self.engine = engine_for_url(site.settings.resolved_database_url())

    def __enter__(self) -> Session:
        self._uow = unit_of_work(self.engine)
        return self._uow.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._uow.__exit__(*exc)
        self.engine.dispose()


def _invitation(site: Any, survey_key: str = "after-order", ref: str = "c2") -> int:
    with Store(site) as s:
        version = s.scalar(
            select(SurveyVersion)
            .join(Survey, SurveyVersion.survey_id == Survey.id)
            .where(Survey.key == survey_key)
        )
        assert version is not None
        customer = Customer(customer_ref=ref)
        s.add(customer)
        s.flush()
        invitation = Invitation(
            survey_version_id=version.id, customer_id=customer.id, channel="email", token=ref
        )
        s.add(invitation)
        s.flush()
        return invitation.id


def _headline_nps(site: Any) -> Any:
    with Store(site) as s:
        found = [v for v in store_metrics(s) if v.metric == "nps"]
    return found[0] if found else None


def _count(site: Any, model: type) -> int:
    with Store(site) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _path(site: Any, url: str) -> str:
    return url.removeprefix(site.settings.public_base_url)


# ---------------------------------------------------------------- vote links and scanners


@pytest.mark.parametrize("order", ["in order", "shuffled"])
def test_a_scanner_fetching_every_score_link_counts_no_vote(site: Any, order: str) -> None:
    c = site.client
    c.app.state.cxlens_rate_limiter = RateLimiter(rate=1000, burst=1000)  # type: ignore[attr-defined]
    links = [site.vote(score) for score in range(11)]
    if order == "shuffled":
        random.Random(3).shuffle(links)
    for agent in (SCANNER, BROWSER):  # fetched as a scanner and as a browser-like sandbox
        for link in links:
            assert c.head(link, headers={"user-agent": agent}).status_code == 200
            page = c.get(link, headers={"user-agent": agent})
            assert page.status_code == 200 and "<script>" in page.text
            assert "script-src 'sha256-" in page.headers["content-security-policy"]
    assert _count(site, Response) == 0
    # a scanner that runs the page's script posts every form: a burst, nothing counted
    for agent in (SCANNER, BROWSER):
        for link in links:
            confirm = c.get(link, headers={"user-agent": agent})
            posted = c.post(
                link,
                data={"csrf": _csrf(confirm.text), "q": "nps"},
                headers={"user-agent": agent},
                follow_redirects=False,
            )
            assert posted.status_code == 303
    assert _count(site, Answer) == 0
    assert _headline_nps(site) is None
    # a person's click on another invitation still counts, in one click with JavaScript
    person = _invitation(site)
    link = _path(site, vote_url(site.settings, person, 10))
    confirm = c.get(link, headers={"user-agent": BROWSER})
    done = c.post(
        link,
        data={"csrf": _csrf(confirm.text), "q": "nps", "answer": "10"},
        headers={"user-agent": BROWSER},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "q=nps_why" in done.headers["location"]
    nps = _headline_nps(site)
    assert nps is not None and (nps.n, nps.value) == (1, 100.0)


def test_a_vote_post_needs_the_confirm_pages_form_token(site: Any) -> None:
    r = site.client.post(site.vote(9), data={"csrf": "nope"})
    assert r.status_code == 403 and _count(site, Response) == 0


# ---------------------------------------------------------------- edits of a response


def _logic_site_invitation(site: Any) -> int:
    definition = {
        **LOGIC_DEFINITION,
        "key": "after-delivery",
        "name": "After delivery",
        "incentive": None,
    }
    definition = {k: v for k, v in definition.items() if v is not None}
    with Store(site) as s:
        create_survey(s, definition)
    return _invitation(site, "after-delivery", "c3")


def _post(site: Any, path: str, q: str, answer: str) -> Any:
    page = site.client.get(f"{path}?lang=en&q={q}")
    return site.client.post(
        path,
        data={"csrf": _csrf(page.text), "q": q, "lang": "en", "answer": answer},
        follow_redirects=False,
    )


def test_an_edit_reapplies_the_logic_is_recorded_and_closes_after_the_window(
    site: Any,
) -> None:
    invitation = _logic_site_invitation(site)
    path = _path(site, survey_url(site.settings, invitation))
    assert "q=nps_why" in _post(site, path, "nps", "4").headers["location"]
    assert "q=fix" in _post(site, path, "nps_why", "Late again").headers["location"]
    assert "q=" not in _post(site, path, "fix", "late").headers["location"]  # submitted
    with Store(site) as s:
        response = s.scalar(select(Response))
        assert response is not None and response.submitted_at is not None
        submitted = response.submitted_at
    # 4 -> 10 within the window: "what went wrong" is hidden now, so its answer goes
    assert _post(site, path, "nps", "10").status_code == 303
    with Store(site) as s:
        response = s.scalar(select(Response))
        assert response is not None and response.submitted_at == submitted
        changes = s.execute(
            select(AnswerChange.old_value, AnswerChange.new_value, AnswerChange.old_text).order_by(
                AnswerChange.id
            )
        ).all()
        kept = s.scalar(select(func.count()).select_from(Answer))
    assert [tuple(c) for c in changes] == [(4.0, 10.0, None), (None, None, "late")]
    assert kept == 2  # the score and the why
    # past the window: the link shows the thank-you page, and a post changes nothing
    with Store(site) as s:
        s.execute(update(Response).values(submitted_at=datetime.now(UTC) - timedelta(hours=25)))
    page = site.client.get(f"{path}?lang=en&q=nps")
    assert "Thanks, see you soon." in page.text and "<form" not in page.text
    late = site.client.post(
        path, data={"csrf": _any_csrf(site, invitation), "q": "nps", "answer": "0"}
    )
    assert late.status_code == 409
    with Store(site) as s:
        assert s.scalar(select(Answer.value).where(Answer.value.is_not(None))) == 10.0


def _any_csrf(site: Any, invitation: int) -> str:
    return csrf_token(site.settings, f"invitation:{invitation}")


# ---------------------------------------------------------------- expiring links


def test_links_expire_and_an_expired_link_says_so(site: Any) -> None:
    signer = signer_for(site.settings)
    claims = signer.verify(site.survey().rsplit("/", 1)[1], purpose=Purpose.INVITATION)
    assert claims.expires_at is not None
    days = (claims.expires_at - datetime.now(UTC)).days
    assert 60 <= days <= 61
    past = datetime(2025, 1, 1, tzinfo=UTC)
    old_survey = signer.sign(site.invitation_id, purpose=Purpose.INVITATION, expires_at=past)
    old_vote = signer.sign(site.invitation_id, purpose=Purpose.ANSWER, action=9, expires_at=past)
    for r in (
        site.client.get(f"/s/{old_survey}"),
        site.client.post(f"/s/{old_survey}", data={"q": "nps", "answer": "9"}),
        site.client.get(f"/v/{old_vote}"),
        site.client.post(f"/v/{old_vote}", data={"answer": "9"}),
    ):
        assert r.status_code == 410 and "expired" in r.text
    assert _count(site, Response) == 0


# ---------------------------------------------------------------- anonymous links


def _form_token(html: str) -> str:
    found = re.search(r'name="f" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_anonymous_links_serve_only_surveys_that_enable_them(site: Any) -> None:
    definition = {
        **LOGIC_DEFINITION,
        "key": "closed-survey",
        "name": "Closed",
        "incentive": None,
    }
    with Store(site) as s:
        create_survey(s, {k: v for k, v in definition.items() if v is not None})
    assert site.client.get("/a/closed-survey").status_code == 404
    assert site.client.post("/a/closed-survey", data={"q": "nps"}).status_code == 404
    assert site.client.get("/a/after-order").status_code == 200


def test_cookie_less_gets_make_no_response_and_stuffing_is_limited(site: Any) -> None:
    c = site.client
    c.app.state.cxlens_rate_limiter = RateLimiter(rate=1000, burst=1000)  # type: ignore[attr-defined]
    for _ in range(20):
        c.cookies.clear()
        assert c.get("/a/after-order?lang=en").status_code == 200
    assert _count(site, Response) == 0
    codes = []
    for _ in range(10):
        c.cookies.clear()
        token = _form_token(c.get("/a/after-order?lang=en").text)
        r = c.post(
            "/a/after-order",
            data={"f": token, "q": "nps", "lang": "en", "answer": "10"},
            follow_redirects=False,
        )
        codes.append(r.status_code)
    limit = site.settings.anonymous_responses_per_client_hour
    assert codes == [303] * limit + [429] * (10 - limit)
    assert _count(site, Response) == limit


def test_a_replayed_or_forged_form_token_makes_no_second_response(site: Any) -> None:
    c = site.client
    token = _form_token(c.get("/a/after-order?lang=en").text)
    for answer in ("3", "5"):
        c.cookies.clear()
        r = c.post(
            "/a/after-order",
            data={"f": token, "q": "nps", "lang": "en", "answer": answer},
            follow_redirects=False,
        )
        assert r.status_code == 303
    assert _count(site, Response) == 1
    issued, nonce, tag = token.split(".")
    for forged in (f"{int(issued) - 86400}.{nonce}.{tag}", f"{issued}.other.{tag}", "x"):
        r = c.post("/a/after-order", data={"f": forged, "q": "nps", "answer": "3"})
        assert r.status_code == 403
    assert _count(site, Response) == 1
