"""The hosted survey page over HTTP on both backends: votes, CSRF, language, size, limits."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sqlalchemy import func, select

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.signing import customer_signature
from cxlens.db import engine_for_url, unit_of_work
from cxlens.models import Answer, Invitation, Response
from cxlens.models.distribution import ContactSuppression


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _rows(site: Any) -> tuple[int, int, Invitation]:
    engine = engine_for_url(site.settings.resolved_database_url())
    try:
        with unit_of_work(engine) as s:
            responses = int(s.scalar(select(func.count()).select_from(Response)) or 0)
            answers = int(s.scalar(select(func.count()).select_from(Answer)) or 0)
            invitation = s.get(Invitation, site.invitation_id)
            assert invitation is not None
            s.expunge(invitation)
            return responses, answers, invitation
    finally:
        engine.dispose()


def _vote(site: Any, score: int) -> Any:
    """A person's click: the confirm page (its script posts the form), then the post."""
    confirm = site.client.get(site.vote(score))
    assert confirm.status_code == 200 and 'id="vote"' in confirm.text
    assert f'value="{score}" checked' in confirm.text
    return site.client.post(
        site.vote(score),
        data={"csrf": _csrf(confirm.text), "q": "nps", "answer": str(score)},
        follow_redirects=False,
    )


def test_vote_then_follow_up_then_thanks_with_code(site: Any) -> None:
    c = site.client
    first = _vote(site, 9)
    assert first.status_code == 303 and "q=nps_why" in first.headers["location"]
    _vote(site, 9)  # double click
    page = c.get(first.headers["location"])
    assert page.status_code == 200 and 'lang="nl"' in page.text  # the customer's locale
    assert "Waarom?" in page.text and "<textarea" in page.text
    done = c.post(
        site.survey(),
        data={"csrf": _csrf(page.text), "q": "nps_why", "lang": "nl", "answer": "Snel"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    thanks = c.get(done.headers["location"])
    assert "Bedankt, tot ziens." in thanks.text and "CODE-1" in thanks.text
    assert "CODE-1" in c.get(done.headers["location"]).text  # same code on reload
    responses, answers, invitation = _rows(site)
    assert (responses, answers) == (1, 2)
    assert invitation.started_at is not None and invitation.completed_at is not None


def _button(html: str) -> str:
    found = re.search(r'<button type="submit">([^<]+)</button>', html)
    assert found is not None
    return found.group(1).strip()


def test_a_score_question_with_a_why_follow_up_says_next_and_the_follow_up_send(
    site: Any,
) -> None:
    page = site.client.get(site.survey() + "?lang=en")
    assert "How likely" in page.text
    assert _button(page.text) == "Next"  # the "why" comes once the score is given
    r = site.client.post(
        site.survey(),
        data={"csrf": _csrf(page.text), "q": "nps", "lang": "en", "answer": "4"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "q=nps_why" in r.headers["location"]
    why = site.client.get(r.headers["location"])
    assert "Why?" in why.text and _button(why.text) == "Send"
    back = site.client.get(site.survey() + "?lang=en&q=nps")  # going back: still "Next"
    assert _button(back.text) == "Next"


def test_post_without_valid_csrf_is_rejected(site: Any) -> None:
    r = site.client.post(site.survey(), data={"csrf": "nope", "q": "nps", "answer": "5"})
    assert r.status_code == 403
    assert _rows(site)[0] == 0


def test_required_answer_rerenders_with_error(site: Any) -> None:
    page = site.client.get(site.survey() + "?lang=en")
    r = site.client.post(site.survey(), data={"csrf": _csrf(page.text), "q": "nps", "lang": "en"})
    assert r.status_code == 422 and 'role="alert"' in r.text


def test_language_switcher_and_accept_language(site: Any) -> None:
    page = site.client.get(site.survey() + "?lang=fy")
    assert 'lang="fy"' in page.text and "Folgjende" in page.text and ">Nederlands</a>" in page.text
    assert 'hreflang="en"' in page.text


def test_page_is_small_and_has_no_external_requests(site: Any) -> None:
    page = site.client.get(site.survey())
    assert len(page.content) < 30 * 1024
    assert "<script" not in page.text and "http" not in page.text.split("<body>")[1]
    assert page.headers["referrer-policy"] == "no-referrer"


def test_forged_token_is_404(site: Any) -> None:
    assert site.client.get("/s/AAAAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert site.client.get(site.survey().replace("/s/", "/v/")).status_code == 404
    assert site.client.post(site.survey().replace("/s/", "/v/")).status_code == 404


def test_rate_limit(site: Any) -> None:
    site.client.app.state.cxlens_rate_limiter = RateLimiter(rate=0.001, burst=2)  # type: ignore[attr-defined]
    codes = [site.client.get(site.survey()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_unsubscribe_one_click_and_pixel(site: Any) -> None:
    from cxlens.features.collection.links import open_pixel_url, unsubscribe_url

    u = site.path(unsubscribe_url(site.settings, site.invitation_id))
    assert site.client.get(u).status_code == 200  # confirm page changes nothing
    r = site.client.post(u, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    pixel = site.client.get(site.path(open_pixel_url(site.settings, site.invitation_id)))
    assert pixel.headers["content-type"] == "image/gif"
    engine = engine_for_url(site.settings.resolved_database_url())
    with unit_of_work(engine) as s:
        assert s.scalar(select(ContactSuppression.method)) == "one_click"
        inv = s.get(Invitation, site.invitation_id)
        assert inv is not None and inv.opened_at is not None
    engine.dispose()


def test_anonymous_link_one_response_per_browser(site: Any) -> None:
    c = site.client
    page = c.get("/a/after-order?lang=en")
    assert page.status_code == 200
    assert _rows(site)[0] == 0  # no response before a first answer
    form = re.search(r'name="f" value="([^"]+)"', page.text)
    assert form is not None
    r = c.post(
        "/a/after-order",
        data={"f": form.group(1), "q": "nps", "lang": "en", "answer": "3"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "r=" in r.headers["location"]
    again = c.get("/a/after-order?lang=en&q=nps")  # the cookie brings back the same response
    signed = re.search(r'name="r" value="([^"]+)"', again.text)
    assert signed is not None
    r = c.post(
        "/a/after-order",
        data={
            "csrf": _csrf(again.text),
            "r": signed.group(1),
            "q": "nps",
            "lang": "en",
            "answer": "4",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert _rows(site)[:2] == (1, 1)


def test_widget_decide_and_answer(site: Any) -> None:
    c = site.client
    issued = int(time.time())
    signature = customer_signature(site.settings.resolved_widget_secret(), "c1", issued)
    body = {"survey": "after-order", "event": "order.done", "customer": "c1", "lang": "en"}
    signed = json.dumps({**body, "issued_at": issued, "signature": signature})
    d = c.post("/api/v1/widget/decide", content=signed).json()
    assert d["show"] and d["questions"][0]["key"] == "nps" and d["questions"][0]["max"] == 10
    a = c.post("/api/v1/widget/answer", json={"token": d["token"], "answers": {"nps": 8}}).json()
    assert a["ok"] and a["thank_you"] == "Thanks, see you soon."
    assert c.post("/api/v1/widget/answer", json={"token": "x", "answers": {}}).status_code == 404
    assert c.get("/widget/cxlens-widget.js").status_code == 200
