"""The staff pages in real Chromium: sign in by keyboard, the home page, sign out, a viewer
refused the audit log, axe-core on each page, and screenshots of the sign-in and home pages."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cxlens.core.vocabulary import Role
from cxlens.db import unit_of_work
from cxlens.features.accounts import UserIn, create_user, list_users

from .conftest import MOBILE, Live
from .test_accessibility import _violations

pytestmark = pytest.mark.browser

PASSWORD = "a long staff password"
DESKTOP = {"width": 1280, "height": 800}
#: Where the screenshots go (for a person to look at; outside the working tree).
SHOTS = Path(tempfile.gettempdir()) / "cxlens-staff-screenshots"


@pytest.fixture(scope="module")
def people(live: Live) -> dict[str, str]:
    """An analyst with a display name and a viewer, made once for the module."""
    users = {
        "ines@example.com": (Role.ANALYST, "Ines Visser"),
        "vera@example.com": (Role.VIEWER, None),
        "adam@example.com": (Role.ADMIN, "Adam de Vries"),
    }
    with unit_of_work(live.engine) as session:
        known = {u.email for u in list_users(session)}
        for email, (role, name) in users.items():
            if email not in known:
                create_user(session, UserIn(email=email, role=role, display_name=name), PASSWORD)
    return {email: role.value for email, (role, _) in users.items()}


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile on a laptop-sized viewport."""
    ctx = browser.new_context(viewport=DESKTOP, locale="en-GB")
    yield ctx
    ctx.close()


def _sign_in(page: Page, live: Live, email: str, path: str = "/") -> None:
    page.goto(live.base + path)
    expect(page).to_have_url(
        f"{live.base}/login" + ("" if path == "/" else f"?next={path.replace('/', '%2F')}")
    )
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_by_keyboard_see_the_home_page_and_sign_out(
    desktop: BrowserContext, live: Live, people: dict[str, str]
) -> None:
    page = desktop.new_page()
    page.goto(live.base + "/")
    expect(page).to_have_url(f"{live.base}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert _violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "login.png"), full_page=True)
    # the keyboard alone: the email field has the focus, Tab to the password, Enter
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type("ines@example.com")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.base}/")
    expect(page.get_by_role("heading", name="Welcome, Ines Visser")).to_be_visible()
    expect(page.locator("header")).to_contain_text("analyst")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    ).to_have_attribute("aria-current", "page")
    assert _violations(page) == []
    page.screenshot(path=str(SHOTS / "home.png"), full_page=True)
    cookie = next(c for c in desktop.cookies() if c["name"] == "cxlens_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live.base}/login")
    page.goto(live.base + "/")
    expect(page).to_have_url(f"{live.base}/login")


def test_a_wrong_password_is_said_plainly_and_keeps_the_email(
    desktop: BrowserContext, live: Live, people: dict[str, str]
) -> None:
    page = desktop.new_page()
    page.goto(live.base + "/login")
    page.get_by_label("Email").fill("vera@example.com")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The email or the password is not right.")
    expect(page.get_by_label("Email")).to_have_value("vera@example.com")
    expect(page.get_by_label("Password")).to_be_focused()
    assert _violations(page) == []
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live.base}/")


def test_a_viewer_is_refused_the_audit_log(
    browser: Browser, live: Live, people: dict[str, str]
) -> None:
    ctx = browser.new_context(viewport=MOBILE, locale="en-GB")
    try:
        page = ctx.new_page()
        _sign_in(page, live, "vera@example.com", "/admin/audit")
        expect(
            page.get_by_role("heading", name="You do not have access to this page")
        ).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= MOBILE["width"]
        assert _violations(page) == []
        response = page.goto(live.base + "/admin/audit")
        assert response is not None and response.status == 403
        page.goto(live.base + "/")
        expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    finally:
        ctx.close()


def test_an_admin_reads_the_audit_log_newest_first(
    desktop: BrowserContext, live: Live, people: dict[str, str]
) -> None:
    page = desktop.new_page()
    _sign_in(page, live, "adam@example.com", "/admin/audit")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("user.signed_in")
    expect(first_row).to_contain_text("adam@example.com")
    assert _violations(page) == []
    page.screenshot(path=str(SHOTS / "audit.png"), full_page=True)
