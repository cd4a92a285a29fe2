"""The collection commands on a real store (both backends): invite, event, trigger, campaign,
pressure, suppressions, silent, funnel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.distribution import load_policy
from cxlens.jobs import HandlerRegistry
from cxlens.models import Invitation
from cxlens.worker import Worker, load_feature_handlers

runner = CliRunner()
CUSTOMERS = (
    "customer_ref,name,email,region\n"
    "c1,Ann,ann@example.com,Italy\n"
    "c2,Bob,,Italy\n"
    "c3,Cas,cas@example.com,Italy\n"
    "c4,Dee,dee@example.com,France\n"
)


@pytest.fixture
def env(migrated_database_url: str, tmp_path: Path) -> dict[str, str]:
    """The CLI's settings: a migrated test database, a survey and four customers in it."""
    values = {
        "CXLENS_DATABASE_URL": migrated_database_url,
        "CXLENS_DATA_DIR": str(tmp_path / "data"),
        "CXLENS_SIGNING_KEYS": "cli-distribution-test-key-012345",
        "CXLENS_PUBLIC_BASE_URL": "https://feedback.acme.example",
        "CXLENS_EMAIL_FROM_ADDRESS": "anna@acme.example",
    }
    file = tmp_path / "customers.csv"
    file.write_text(CUSTOMERS, encoding="utf-8")
    for args in (
        ("import", str(file), "--kind", "customers"),
        ("survey", "create", "--template", "relationship_nps", "--company", "Acme"),
        ("pressure", "set", "--quiet", "off"),
    ):
        code, out = _run(values, *args)
        assert code == 0, out
    return values


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def _json(env: dict[str, str], *args: str) -> dict[str, object]:
    code, out = _run(env, *args, "--json")
    assert code == 0, out
    data: dict[str, object] = json.loads(out)
    return data


def _words(text: str) -> str:
    return " ".join(text.split())


def _invitations(env: dict[str, str]) -> int:
    engine = engine_for_url(env["CXLENS_DATABASE_URL"])
    try:
        with unit_of_work(engine) as session:
            return int(session.scalar(select(func.count(Invitation.id))) or 0)
    finally:
        engine.dispose()


def _drain(env: dict[str, str]) -> int:
    """A one-shot worker with the handlers `cxlens worker` loads (no SMTP server is reached:
    the sends below are suppressed before sending, or are web invitations)."""
    settings = Settings(
        database_url=env["CXLENS_DATABASE_URL"],
        signing_keys=[env["CXLENS_SIGNING_KEYS"]],
        email_from_address="anna@acme.example",
        smtp_host="127.0.0.1",
        smtp_port=1,
        smtp_security="none",
    )
    registry = HandlerRegistry()
    load_feature_handlers(settings, registry)
    engine = engine_for_url(env["CXLENS_DATABASE_URL"])
    try:
        return Worker(engine, registry=registry).drain()
    finally:
        engine.dispose()


def test_invite_by_web_prints_working_links(env: dict[str, str]) -> None:
    data = _json(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "web",
        "--customer",
        "c1",
        "--customer",
        "c3",
        "--customer",
        "c1",
    )
    invitations = data["invitations"]
    assert isinstance(invitations, list)
    assert [i["customer"] for i in invitations] == ["c1", "c3"]
    assert all(i["status"] == "live" for i in invitations)
    assert all(i["link"].startswith("https://feedback.acme.example/s/") for i in invitations)
    code, out = _run(env, "funnel", "--by", "channel")
    assert code == 0 and "web" in out


def test_invite_is_all_or_nothing_and_names_the_missing_customer(
    env: dict[str, str], tmp_path: Path
) -> None:
    code, out = _run(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--customer",
        "c1",
        "--customer",
        "ghost",
    )
    assert code == 2 and "no customer 'ghost' in the store" in _words(out)
    file = tmp_path / "who.csv"
    file.write_text("customer_id\nc1\n\nc9\n", encoding="utf-8")
    code, out = _run(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--customers-file",
        str(file),
    )
    assert code == 2 and "who.csv, row 4" in _words(out) and "'c9'" in out
    file.write_text("who\nc1\n", encoding="utf-8")
    code, out = _run(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--customers-file",
        str(file),
    )
    assert code == 2 and "no customer column" in out
    code, out = _run(env, "invite", "--survey", "relationship-nps", "--channel", "email")
    assert code == 2 and "no customers to invite" in out
    code, out = _run(env, "invite", "--survey", "nps-2", "--channel", "email", "--customer", "c1")
    assert code == 2 and "no survey 'nps-2'" in out
    code, out = _run(
        env, "invite", "--survey", "relationship-nps", "--channel", "fax", "--customer", "c1"
    )
    assert code == 2
    assert _invitations(env) == 0


def test_invite_inline_customer_then_email_queued_with_reminders(env: dict[str, str]) -> None:
    data = _json(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--customer",
        "new-1",
        "--email",
        "new@example.com",
        "--name",
        "Nia",
        "--reminders",
        "1",
        "--reminder-interval",
        "2d",
        "--prefill",
        "segment=pro",
    )
    [invitation] = data["invitations"]  # type: ignore[misc]
    assert invitation["status"] == "queued" and invitation["link"] is None
    code, out = _run(
        env,
        "invite",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--customer",
        "c1",
        "--customer",
        "c3",
        "--email",
        "x@example.com",
    )
    assert code == 2 and "exactly one --customer" in _words(out)


def test_event_schedules_its_trigger_after_the_delay_once(env: dict[str, str]) -> None:
    code, out = _run(
        env,
        "trigger",
        "add",
        "--event",
        "order.completed",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--delay",
        "2h",
    )
    assert code == 0 and "order.completed" in out
    triggers = _json(env, "trigger", "list")["triggers"]
    assert isinstance(triggers, list) and triggers[0]["delay_seconds"] == 7200
    args = (
        "event",
        "order.completed",
        "--customer",
        "shop-9",
        "--email",
        "s9@example.com",
        "--at",
        "2030-05-01T10:00:00+02:00",
        "--property",
        "order_id=A-17",
        "--key",
        "A-17",
    )
    first = _json(env, *args)
    assert first["duplicate"] is False and len(first["invitation_ids"]) == 1  # type: ignore[arg-type]
    assert first["send_at"] == ["2030-05-01T10:00:00Z"]
    again = _json(env, *args)
    assert again["duplicate"] is True and again["invitation_ids"] == first["invitation_ids"]
    code, out = _run(env, "event", "order.completed", "--customer", "shop-9", "--at", "yesterday")
    assert code == 2 and "ISO 8601" in _words(out)
    code, out = _run(
        env,
        "trigger",
        "add",
        "--event",
        "x",
        "--survey",
        "relationship-nps",
        "--channel",
        "email",
        "--delay",
        "soon",
    )
    assert code == 2 and "cannot read the duration 'soon'" in out


def test_campaign_waves_sample_the_filtered_customers(env: dict[str, str]) -> None:
    code, out = _run(
        env,
        "campaign",
        "create",
        "--survey",
        "relationship-nps",
        "--every",
        "3",
        "--unit",
        "months",
        "--sample",
        "2",
        "--filter",
        "region=Italy",
        "--channel",
        "web",
        "--name",
        "Barometer",
    )
    assert code == 0, out
    code, out = _run(
        env, "campaign", "create", "--survey", "relationship-nps", "--name", "Barometer"
    )
    assert code == 2 and "a campaign called 'Barometer' exists" in _words(out)
    [campaign] = _json(env, "campaign", "list")["campaigns"]  # type: ignore[misc]
    assert campaign["rule"] == "FREQ=MONTHLY;INTERVAL=3"
    assert campaign["filters"] == {"region": "Italy"} and campaign["waves"] == 0
    assert _drain(env) >= 1  # the first wave is due now
    waves = _json(env, "campaign", "waves", "Barometer")["waves"]
    assert isinstance(waves, list)
    assert [(w["number"], w["eligible"], w["invited"]) for w in waves] == [(1, 3, 2)]
    assert _json(env, "campaign", "list")["campaigns"][0]["waves"] == 1  # type: ignore[index]
    code, out = _run(env, "campaign", "waves", "Nope")
    assert code == 2 and "no campaign 'Nope'" in out


def test_pressure_set_and_show(env: dict[str, str]) -> None:
    code, out = _run(
        env, "pressure", "set", "--days", "14", "--quiet", "22:00-07:30", "--silent-after", "2"
    )
    assert code == 0 and "22:00-07:30" in out
    code, out = _run(env, "pressure", "set", "--survey", "relationship-nps", "--survey-days", "60")
    assert code == 0, out
    shown = _json(env, "pressure", "show")
    assert shown == {
        "days": 14,
        "survey_days": 30,
        "quiet_hours": "22:00-07:30",
        "silent_after": 2,
        "surveys": [{"survey": "relationship-nps", "days": 60}],
    }
    code, out = _run(env, "pressure", "set", "--survey-days", "5")
    assert code == 2 and "--survey-days and --survey go together" in out
    code, out = _run(env, "pressure", "set", "--quiet", "late")
    assert code == 2 and "HH:MM-HH:MM" in _words(out)
    code, out = _run(env, "pressure", "set", "--quiet", "off")
    assert code == 0, out
    assert _json(env, "pressure", "show")["quiet_hours"] is None
    engine = engine_for_url(env["CXLENS_DATABASE_URL"])
    try:
        with unit_of_work(engine) as session:
            policy = load_policy(session)
    finally:
        engine.dispose()
    assert (policy.quiet_start, policy.quiet_end) == (None, None)  # stored as off


def test_suppressions_show_the_reason_and_silent_lists_who_stopped_answering(
    env: dict[str, str],
) -> None:
    code, out = _run(env, "suppressions")
    assert code == 0 and "no send was suppressed" in out
    _run(env, "invite", "--survey", "relationship-nps", "--channel", "email", "--customer", "c2")
    assert _drain(env) == 1
    [entry] = _json(env, "suppressions")["suppressions"]  # type: ignore[misc]
    assert (entry["customer"], entry["rule"], entry["reason"]) == (
        "c2",
        "no_address",
        "the customer has no email address",
    )
    code, out = _run(env, "suppressions", "--limit", "1")
    assert "no_address" in out and "the customer has no email address" in out

    for _ in range(2):
        _run(env, "invite", "--survey", "relationship-nps", "--channel", "web", "--customer", "c4")
    silent = _json(env, "silent", "--threshold", "2")
    assert [c["customer_ref"] for c in silent["customers"]] == ["c4"]  # type: ignore[attr-defined]
    assert _json(env, "silent")["customers"] == []  # the policy's default: 3 in a row


def test_funnel_json_and_bad_dimension(env: dict[str, str]) -> None:
    _run(env, "invite", "--survey", "relationship-nps", "--channel", "web", "--customer", "c1")
    _run(env, "invite", "--survey", "relationship-nps", "--channel", "email", "--customer", "c3")
    data = _json(env, "funnel", "--by", "channel")
    assert data["by"] == ["channel"]
    rows = {r["group"]["channel"]: r for r in data["rows"]}  # type: ignore[attr-defined]
    assert (rows["web"]["invited"], rows["web"]["sent"], rows["web"]["completed"]) == (1, 1, 0)
    assert (rows["email"]["invited"], rows["email"]["sent"]) == (1, 0)
    [total] = _json(env, "funnel")["rows"]  # type: ignore[misc]
    assert total["group"] == {} and total["invited"] == 2
    code, out = _run(env, "funnel", "--by", "weather")
    assert code == 2 and "weather" in out
