"""Long and hostile answers on the survey page: an error naming the limit, never a cut text,
never an expired form; nothing of the customer's text in the logs."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from sqlalchemy import select

from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.collection.responses import MAX_TEXT
from cxlens.models import Answer


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _texts(site: Any) -> list[str | None]:
    engine = engine_for_url(site.settings.resolved_database_url())
    try:
        with unit_of_work(engine) as s:
            return list(s.scalars(select(Answer.text)))
    finally:
        engine.dispose()


def _why_page(site: Any) -> str:
    confirm = site.client.get(site.vote(3))  # a vote link records on its confirm page's post
    first = site.client.post(
        site.vote(3),
        data={"csrf": _csrf(confirm.text), "q": "nps", "answer": "3"},
        follow_redirects=False,
    )
    return str(site.client.get(first.headers["location"] + "&lang=en").text)


def _send(site: Any, page: str, answer: str) -> Any:
    data = {"csrf": _csrf(page), "q": "nps_why", "lang": "en", "answer": answer}
    return site.client.post(site.survey(), data=data, follow_redirects=False)


def test_a_1_mb_comment_is_too_long_with_the_limit_named(site: Any) -> None:
    response = _send(site, _why_page(site), "x" * 1_000_000)
    assert response.status_code == 413
    assert "too long (limit: 5,000 characters)" in response.text
    assert "expired" not in response.text
    assert _texts(site) == [None]  # the score only


def test_a_comment_over_the_limit_is_refused_never_cut(site: Any) -> None:
    page = _why_page(site)
    response = _send(site, page, "é" * (MAX_TEXT + 1))
    assert response.status_code == 422
    assert "too long (limit: 5,000 characters)" in response.text
    assert _texts(site) == [None]
    assert _send(site, page, "é" * MAX_TEXT).status_code == 303
    assert "é" * MAX_TEXT in _texts(site)


def test_a_nul_in_an_answer_is_refused_on_both_backends(site: Any) -> None:
    response = _send(site, _why_page(site), "fine\x00")
    assert response.status_code == 422  # PostgreSQL cannot store it: a 500 before
    assert response.headers["content-type"].startswith("text/html")
    assert _texts(site) == [None]


def test_a_submission_logs_no_comment_text(site: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # SQLAlchemy's statements and parameters too
    comment = "the courier Piet de Vries left it at number 42"
    assert _send(site, _why_page(site), comment).status_code == 303
    assert comment in _texts(site)
    assert "Piet de Vries" not in caplog.text and "courier" not in caplog.text
