"""axe-core (WCAG 2.0/2.1 A and AA) on every page a customer sees, in real Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import Live

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    found = results.response["violations"]
    assert isinstance(found, list)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in found
    ]


def _passes(page: Page) -> int:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return len(results.response["passes"])


def test_first_question_page(page: Page, live: Live) -> None:
    page.goto(live.survey(live.invite("ces-support")))
    assert _violations(page) == []
    assert _passes(page) > 10  # axe really looked at the page


def test_choice_question_page_also_with_an_error(page: Page, live: Live) -> None:
    page.goto(live.survey(live.invite("renewal-exit")))
    expect(page.locator("input[type=radio]").first).to_be_attached()
    assert _violations(page) == []
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert _violations(page) == []


def test_text_question_and_thank_you_page(page: Page, live: Live) -> None:
    page.goto(live.vote(live.invite("ces-support"), 7))
    expect(page.locator("textarea")).to_be_visible()
    assert _violations(page) == []
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    assert _violations(page) == []


def test_unsubscribe_pages(page: Page, live: Live) -> None:
    page.goto(live.unsubscribe(live.invite("ces-support")))
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    assert _violations(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been unsubscribed")
    assert _violations(page) == []


def test_invalid_link_page(page: Page, live: Live) -> None:
    page.goto(f"{live.base}/s/not-a-token")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link is not valid")
    assert _violations(page) == []


def test_widget_dialog_on_a_shop_page(page: Page, live: Live) -> None:
    page.goto(f"{live.shop}/order")
    page.evaluate("() => cxlens('show', {survey: 'ces-support', event: 'order.confirmation'})")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert _violations(page) == []


def test_widget_article_mode(page: Page, live: Live) -> None:
    page.goto(f"{live.shop}/article")
    page.evaluate(
        "() => cxlens('article', {survey: 'kb-article', target: '#feedback'})"  # anonymous
    )
    expect(page.get_by_role("radio", name="Yes")).to_be_attached()
    assert _violations(page) == []
