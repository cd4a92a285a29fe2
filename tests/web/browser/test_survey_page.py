"""The hosted survey page in real Chromium: a phone, the keyboard, vote links, languages, no JS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import MOBILE, PERSON, Live

pytestmark = pytest.mark.browser

PAGE_BUDGET = 30 * 1024


def _page_weight(page: Page) -> int:
    """Bytes of the page's HTML plus every resource it loaded (the CSS is inlined)."""
    return int(
        page.evaluate(
            "() => performance.getEntriesByType('navigation')[0].decodedBodySize"
            " + performance.getEntriesByType('resource')"
            ".reduce((n, e) => n + e.decodedBodySize, 0)"
        )
    )


def _tab_to(page: Page, selector: str, presses: int = 30) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_whole_survey_on_a_phone_with_labels_keyboard_and_logic(page: Page, live: Live) -> None:
    invitation = live.invite("renewal-exit")
    weights: list[int] = []
    page.goto(live.survey(invitation))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("legend")).to_contain_text("main reason you are leaving Acme")
    weights.append(_page_weight(page))
    page.get_by_text("Switching to another provider").click()
    expect(page.get_by_label("Switching to another provider")).to_be_checked()
    page.get_by_role("button", name="Next").click()

    # Shown only because the reason was "competitor" (conditional logic).
    answer = page.get_by_label("Which provider are you switching to?")
    expect(answer).to_be_visible()
    weights.append(_page_weight(page))
    answer.fill("Globex")
    page.get_by_role("button", name="Next").click()

    # The 0-10 scale by keyboard only: Tab into the radio group, Space, arrows, Enter.
    expect(page.locator("legend")).to_contain_text("recommend Acme")
    weights.append(_page_weight(page))
    _tab_to(page, "input[type=radio]")
    outline = "() => getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
    assert page.evaluate(outline) == "solid"  # the focused option's label shows the focus
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="0", exact=True)).to_be_checked()
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="9", exact=True)).to_be_checked()
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.get_by_label(re.compile("What could Acme have done to keep you")).fill("A cheaper plan")
    weights.append(_page_weight(page))
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    expect(page.locator("main")).to_contain_text("we are sorry to see you go")
    code = page.locator(".code").inner_text()
    assert re.fullmatch(r"BYE-\d{3}", code)
    weights.append(_page_weight(page))
    assert max(weights) < PAGE_BUDGET, weights

    stored = live.stored(invitation_id=invitation)
    assert stored.answers == {
        "reason": (None, "competitor"),
        "competitor_name": (None, "Globex"),
        "nps": (9.0, None),
        "win_back": (None, "A cheaper plan"),
    }
    assert stored.response.submitted_at is not None and stored.response.language == "en"
    assert stored.invitation is not None and stored.invitation.completed_at is not None
    page.reload()  # the same code on a second visit
    assert page.locator(".code").inner_text() == code


def test_vote_link_records_the_score_then_the_why(page: Page, live: Live) -> None:
    invitation = live.invite("ces-support")
    page.goto(live.vote(invitation, 6))  # the confirm page posts itself: one click
    page.wait_for_url(re.compile(r"/s/.*q=ces_why"))
    assert live.stored(invitation_id=invitation).answers == {"ces": (6.0, None)}
    why = page.get_by_label("What made it easy or difficult?")
    expect(why).to_be_visible()
    why.fill("The agent knew the answer straight away.")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("main")).to_contain_text("Thank you for your feedback!")
    stored = live.stored(invitation_id=invitation)
    assert stored.answers["ces_why"] == (None, "The agent knew the answer straight away.")
    assert stored.answers["ces"] == (6.0, None)
    assert stored.response.submitted_at is not None


def test_accept_language_italian_then_the_switcher_to_german(browser: Browser, live: Live) -> None:
    invitation = live.invite("ces-support")
    ctx = browser.new_context(
        user_agent=PERSON,
        viewport=MOBILE,
        locale="it-IT",
        extra_http_headers={"Accept-Language": "it-IT,it;q=0.9"},
    )
    try:
        page = ctx.new_page()
        page.goto(live.survey(invitation))
        expect(page.locator("html")).to_have_attribute("lang", "it")
        expect(page.locator("legend")).to_contain_text("Acme mi ha reso facile risolvere")
        expect(page.get_by_role("button", name=re.compile("^(Avanti|Invia)$"))).to_be_visible()
        switcher = page.get_by_role("navigation", name="Lingua")
        switcher.get_by_role("link", name="Deutsch").click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.locator("legend")).to_contain_text("Acme hat es mir leicht gemacht")
        expect(page.get_by_role("navigation", name="Sprache")).to_contain_text("Italiano")
        page.get_by_text("5", exact=True).click()
        page.get_by_role("button", name=re.compile("^(Weiter|Senden)$")).click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
        expect(page.get_by_label("Was hat es leicht oder schwer gemacht?")).to_be_visible()
    finally:
        ctx.close()
    assert live.stored(invitation_id=invitation).response.language == "de"


def test_whole_survey_without_javascript(browser: Browser, live: Live) -> None:
    invitation = live.invite("renewal-exit")
    ctx = browser.new_context(viewport=MOBILE, java_script_enabled=False, user_agent=PERSON)
    try:
        page = ctx.new_page()
        page.goto(live.survey(invitation))
        page.get_by_role("button", name="Next").click()  # nothing chosen: told so
        expect(page.get_by_role("alert")).to_have_text("Please choose an answer.")
        page.get_by_text("Too expensive").click()
        page.get_by_role("button", name="Next").click()
        # Not a competitor: the provider question is skipped.
        expect(page.locator("legend")).to_contain_text("recommend Acme")
        page.get_by_text("3", exact=True).click()
        page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name="Send").click()  # the last question is optional
        expect(page.locator("main")).to_contain_text("we are sorry to see you go")
        expect(page.locator(".code")).to_have_text(re.compile(r"BYE-\d{3}"))
    finally:
        ctx.close()
    stored = live.stored(invitation_id=invitation)
    assert stored.answers == {"reason": (None, "price"), "nps": (3.0, None)}
    assert stored.response.submitted_at is not None


def test_every_page_is_one_small_request(page: Page, live: Live) -> None:
    invitation = live.invite("ces-support")
    urls = [
        live.survey(invitation),
        live.vote(invitation, 5),  # lands on the text question
        live.unsubscribe(invitation),
        f"{live.base}/s/not-a-token",
    ]
    for url in urls:
        page.goto(url)
        assert page.evaluate("() => performance.getEntriesByType('resource').length") == 0, url
        assert 1000 < _page_weight(page) < PAGE_BUDGET, url


def test_a_vote_link_without_javascript_is_one_button_away(browser: Browser, live: Live) -> None:
    invitation = live.invite("ces-support")
    ctx = browser.new_context(viewport=MOBILE, java_script_enabled=False, user_agent=PERSON)
    try:
        page = ctx.new_page()
        page.goto(live.vote(invitation, 6))
        expect(page.locator("input[value='6']")).to_be_checked()
        assert live.stored_count(invitation) == 0  # showing the vote records nothing
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_label("What made it easy or difficult?")).to_be_visible()
    finally:
        ctx.close()
    assert live.stored(invitation_id=invitation).answers == {"ces": (6.0, None)}


def test_a_scanner_sandbox_running_every_link_casts_no_vote(browser: Browser, live: Live) -> None:
    seen: dict[str | None, int] = {}
    for agent in (None, PERSON):  # headless Chromium's own user agent, then a browser's
        invitation = seen[agent] = live.invite("ces-support")
        ctx = browser.new_context(viewport=MOBILE, user_agent=agent)
        try:
            page = ctx.new_page()
            for score in range(1, 8):
                page.goto(live.vote(invitation, score))  # its script posts every form
                page.wait_for_url(re.compile(r"/s/"))
        finally:
            ctx.close()
    assert live.stored_count(seen[None]) == 0  # a known scanner's agent: ignored
    stored = live.stored(invitation_id=seen[PERSON])  # a burst: its vote reverted
    assert stored.answers == {} and stored.response.voted_at is None
