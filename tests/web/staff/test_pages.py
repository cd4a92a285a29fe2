"""The staff pages over HTTP: sign-in, cookies, CSRF, throttling, the home page, the audit log."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy import select

from cxlens.core.vocabulary import Role
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.accounts import AuditAction, record_audit, set_role
from cxlens.models import AuditEntry, WebSession

from .conftest import PASSWORD, Staff, make_staff


def _cookies(response: object) -> dict[str, SimpleCookie]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    jar: dict[str, SimpleCookie] = {}
    for header in headers:
        cookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            jar[name] = cookie
    return jar


def _rows(staff: Staff) -> list[WebSession]:
    engine = engine_for_url(staff.database_url)
    try:
        with unit_of_work(engine) as session:
            return list(session.scalars(select(WebSession)))
    finally:
        engine.dispose()


def test_signed_out_visitors_are_sent_to_the_sign_in_page_and_back(staff: Staff) -> None:
    home = staff.client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/login"
    audit = staff.client.get("/admin/audit?page=2", follow_redirects=False)
    assert audit.status_code == 303
    assert audit.headers["location"] == "/login?next=%2Fadmin%2Faudit%3Fpage%3D2"
    signed = staff.sign_in("admin@example.com", next_path="/admin/audit?page=2")
    assert signed.status_code == 303 and signed.headers["location"] == "/admin/audit?page=2"


def test_the_sign_in_page_is_a_labelled_form_with_strict_headers(staff: Staff) -> None:
    page = staff.client.get("/login")
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert 'autocomplete="current-password"' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src 'self'" in csp and "script" not in csp
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    css_url = page.text.split('rel="stylesheet" href="')[1].split('"')[0]
    css = staff.client.get(css_url)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "http" not in css.text  # no font or image from elsewhere


def test_the_session_cookie_is_httponly_lax_and_not_secure_over_http(staff: Staff) -> None:
    form = staff.client.get("/login")
    login = _cookies(form)["cxlens_login_csrf"]["cxlens_login_csrf"]
    assert login["httponly"] and login["samesite"] == "lax" and login["path"] == "/"
    signed = staff.sign_in("ana@example.com")
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    morsel = _cookies(signed)["cxlens_session"]["cxlens_session"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]
    assert not morsel["max-age"] and not morsel["expires"]  # the server ends it
    assert morsel.value not in {r.secret_hash for r in _rows(staff)}  # only the hash is kept
    assert len(_rows(staff)) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"public_base_url": "https://cx.example.com"},
        {"secure_cookies": True, "public_base_url": "http://testserver"},
    ],
    ids=["https-base-url", "forced"],
)
def test_https_or_the_setting_give_host_prefixed_secure_cookies(
    tmp_path: Path, overrides: dict[str, object]
) -> None:
    for staff in make_staff(f"sqlite:///{tmp_path / 'cxlens.db'}", tmp_path, **overrides):
        base = "https://testserver"  # the test client speaks https so Secure cookies return
        staff.client.base_url = staff.client.base_url.copy_with(scheme="https", host="testserver")
        form = staff.client.get(f"{base}/login")
        assert "__Host-cxlens_login_csrf" in _cookies(form)
        signed = staff.sign_in("ana@example.com")
        assert signed.status_code == 303, signed.text
        jar = _cookies(signed)
        morsel = jar["__Host-cxlens_session"]["__Host-cxlens_session"]
        assert morsel["secure"] and morsel["httponly"] and morsel["path"] == "/"
        assert not morsel["domain"]
        assert "cxlens_session" not in jar
        assert staff.client.get(f"{base}/").status_code == 200


def test_the_home_page_says_who_is_signed_in_and_what_their_role_allows(staff: Staff) -> None:
    staff.sign_in("vic@example.com")
    home = staff.client.get("/")
    assert home.status_code == 200
    assert "vic@example.com" in home.text and "viewer" in home.text
    assert "Read metrics" in home.text and "Export responses" not in home.text
    assert 'action="/logout"' in home.text
    assert 'href="/admin/audit"' not in home.text  # not offered to a viewer
    staff.client.cookies.clear()
    staff.sign_in("admin@example.com")
    admin_home = staff.client.get("/")
    assert 'href="/admin/audit"' in admin_home.text and "Export responses" in admin_home.text


def test_a_viewer_gets_a_403_page_on_the_audit_log(staff: Staff) -> None:
    staff.sign_in("vic@example.com")
    refused = staff.client.get("/admin/audit")
    assert refused.status_code == 403
    assert refused.headers["x-cxlens-error"] == "not_permitted"
    assert "You do not have access to this page" in refused.text
    staff.client.cookies.clear()
    staff.sign_in("ana@example.com")
    assert staff.client.get("/admin/audit").status_code == 403


def test_the_audit_log_is_newest_first_and_paginated(staff: Staff) -> None:
    engine = engine_for_url(staff.database_url)
    with unit_of_work(engine) as session:
        for n in range(60):
            staff.clock.advance(timedelta(seconds=1))
            record_audit(
                session, AuditAction.USER_CREATED, target=f"u{n:02d}@example.com", clock=staff.clock
            )
    engine.dispose()
    staff.clock.advance(timedelta(seconds=1))
    staff.sign_in("admin@example.com")
    first = staff.client.get("/admin/audit")
    assert first.status_code == 200
    rows = first.text.split("<tbody>")[1]
    assert rows.index("user.signed_in") < rows.index("u59@example.com") < rows.index("u58@")
    assert "Page 1 of 2" in first.text and 'href="/admin/audit?page=2"' in first.text
    second = staff.client.get("/admin/audit?page=2")
    assert "u00@example.com" in second.text and "u59@example.com" not in second.text
    assert 'href="/admin/audit?page=1"' in second.text
    assert "No entries on this page" in staff.client.get("/admin/audit?page=9").text


def test_sign_out_deletes_the_session_and_the_old_cookie_no_longer_works(staff: Staff) -> None:
    signed = staff.sign_in("ana@example.com")
    secret = _cookies(signed)["cxlens_session"]["cxlens_session"].value
    home = staff.client.get("/")
    token = staff.csrf(home)
    out = staff.client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert _rows(staff) == []
    staff.client.cookies.set("cxlens_session", secret)  # replayed
    assert staff.client.get("/", follow_redirects=False).status_code == 303


def test_every_post_without_its_csrf_token_is_refused(staff: Staff) -> None:
    staff.client.get("/login")
    for data in (
        {"email": "ana@example.com", "password": PASSWORD},
        {"email": "ana@example.com", "password": PASSWORD, "csrf_token": "forged"},
    ):
        refused = staff.client.post("/login", data=data, follow_redirects=False)
        assert refused.status_code == 403
        assert refused.headers["x-cxlens-error"] == "csrf_failed"
    # a token without its cookie (another browser's) is refused too: login CSRF
    token = staff.csrf(staff.client.get("/login"))
    staff.client.cookies.clear()
    refused = staff.client.post(
        "/login", data={"email": "ana@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 403 and _rows(staff) == []
    staff.sign_in("ana@example.com")
    for data in ({}, {"csrf_token": "forged"}):
        refused = staff.client.post("/logout", data=data, follow_redirects=False)
        assert refused.status_code == 403
        assert refused.headers["x-cxlens-error"] == "csrf_failed"
    assert len(_rows(staff)) == 1  # still signed in


def test_next_goes_only_to_a_local_path(staff: Staff) -> None:
    for hostile in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:1"):
        staff.client.cookies.clear()
        signed = staff.sign_in("ana@example.com", next_path=hostile)
        assert signed.headers["location"] == "/", hostile


def test_wrong_passwords_are_throttled_per_email_with_retry_after(staff: Staff) -> None:
    for _ in range(5):
        wrong = staff.sign_in("ana@example.com", password="not the password")
        assert wrong.status_code == 401
        assert wrong.headers["x-cxlens-error"] == "invalid_credentials"
        assert "The email or the password is not right." in wrong.text
        assert "not the password" not in wrong.text
    throttled = staff.sign_in("ana@example.com")  # the right password, not even checked
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == str(15 * 60 + 1)
    assert throttled.headers["x-cxlens-error"] == "sign_in_throttled"
    assert "Too many failed sign-ins" in throttled.text
    assert staff.sign_in("vic@example.com").status_code == 303  # another email is fine
    staff.client.cookies.clear()
    staff.clock.advance(timedelta(minutes=15))
    assert staff.sign_in("ana@example.com").status_code == 303
    engine = engine_for_url(staff.database_url)
    with unit_of_work(engine) as session:
        failed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == AuditAction.USER_SIGN_IN_FAILED)
        ).all()
    engine.dispose()
    assert len(failed) == 5 and all(e.target == "ana@example.com" for e in failed)


def test_last_seen_is_written_at_most_once_a_minute(staff: Staff) -> None:
    staff.sign_in("ana@example.com")
    (row,) = _rows(staff)
    signed_in_at = row.last_seen_at
    for _ in range(5):
        staff.clock.advance(timedelta(seconds=10))
        assert staff.client.get("/").status_code == 200
    assert _rows(staff)[0].last_seen_at == signed_in_at
    staff.clock.advance(timedelta(seconds=15))  # 65 s since sign-in
    staff.client.get("/")
    assert _rows(staff)[0].last_seen_at > signed_in_at


def test_a_new_role_signs_the_user_out_of_the_pages(staff: Staff) -> None:
    staff.sign_in("admin@example.com")
    assert staff.client.get("/admin/audit").status_code == 200
    engine = engine_for_url(staff.database_url)
    with unit_of_work(engine) as session:
        set_role(session, "admin@example.com", Role.VIEWER)
    engine.dispose()
    assert staff.client.get("/admin/audit", follow_redirects=False).status_code == 303
