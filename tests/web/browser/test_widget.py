"""The on-site widget in Chromium, on a shop page of another loopback origin."""

from __future__ import annotations

from urllib.request import urlopen

import pytest
from playwright.sync_api import Page, expect

from cxlens.web.pages.widget import SCRIPT

from .conftest import Live

pytestmark = pytest.mark.browser

QUESTION = "Acme made it easy for me to handle my issue."


def _show(page: Page, live: Live, customer: str) -> None:
    live.add_customer(customer)
    page.goto(f"{live.shop}/order")
    page.evaluate(
        "c => cxlens('show', {survey: 'ces-support', event: 'order.confirmation',"
        " customer: c.customer, issued_at: c.issued_at, signature: c.signature,"
        " hidden: {touchpoint: 'checkout'}})",
        live.signed(customer),
    )


def _focus_in_dialog(page: Page) -> bool:
    return bool(page.evaluate("() => !!document.activeElement.closest('[role=dialog]')"))


def test_script_is_small(live: Live) -> None:
    with urlopen(f"{live.base}/widget/cxlens-widget.js") as reply:
        served = reply.read()
    assert served == SCRIPT.read_bytes()
    assert len(served) < 10 * 1024


def test_dialog_focus_is_trapped_and_escape_closes_it(page: Page, live: Live) -> None:
    _show(page, live, "shopper-esc")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(QUESTION)
    expect(page.get_by_text(QUESTION, exact=True)).to_have_count(1)  # the question once
    assert _focus_in_dialog(page)
    seen = set()
    for _ in range(8):
        page.keyboard.press("Tab")
        assert _focus_in_dialog(page)
        seen.add(page.evaluate("() => document.activeElement.outerHTML.slice(0, 30)"))
    assert len(seen) == 3  # the scale, Send and Close, round and round
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
        assert _focus_in_dialog(page)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert page.evaluate("() => document.activeElement === document.body")


def test_dialog_answer_is_stored(page: Page, live: Live) -> None:
    _show(page, live, "shopper-1")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.get_by_role("status")).to_have_text("Please choose an answer.")
    assert page.evaluate("() => document.activeElement.type") == "radio"
    dialog.get_by_text("6", exact=True).click()
    expect(dialog.get_by_role("radio", name="6")).to_be_checked()
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.get_by_role("status")).to_have_text("Thank you for your feedback!")
    expect(dialog.locator("fieldset")).to_be_hidden()
    stored = live.stored(customer="shopper-1")
    assert stored.answers == {"ces": (6.0, None)}
    assert stored.response.submitted_at is not None
    assert stored.response.dimensions == {"touchpoint": "checkout"}
    assert stored.invitation is not None and stored.invitation.channel == "widget"
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)


def test_article_helpful_and_effort_are_stored(page: Page, live: Live) -> None:
    live.add_customer("reader-1")
    page.goto(f"{live.shop}/article")
    page.evaluate(
        "c => cxlens('article', {survey: 'kb-article', target: '#feedback', customer: c.customer,"
        " issued_at: String(c.issued_at), signature: c.signature})",  # a data attribute's text
        live.signed("reader-1"),
    )
    section = page.locator("#feedback").get_by_role("region", name="Was this article helpful?")
    expect(section).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    section.get_by_text("Yes", exact=True).click()
    section.get_by_text("6", exact=True).click()
    section.get_by_role("button", name="Send").click()
    expect(section.get_by_role("status")).to_have_text("Thank you for your feedback!")
    stored = live.stored(customer="reader-1")
    assert stored.answers == {"helpful": (None, "yes"), "effort": (6.0, None)}
    assert stored.response.submitted_at is not None


def test_async_snippet_queues_calls_until_the_script_loads(page: Page, live: Live) -> None:
    page.goto(f"{live.shop}/async")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(QUESTION)


def test_an_unsigned_customer_reference_shows_nothing(page: Page, live: Live) -> None:
    live.add_customer("shopper-unsigned")
    page.goto(f"{live.shop}/order")
    reply = page.evaluate(
        "() => cxlens('show', {survey: 'ces-support', event: 'order.confirmation',"
        " customer: 'shopper-unsigned'})"
    )
    assert reply == {"show": False}
    expect(page.get_by_role("dialog")).to_have_count(0)
