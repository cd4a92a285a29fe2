"""The issue's "Done when", as a new user would do it, through the real CLI, worker and app.

Create a survey from a template, send it by email to three customers through a local SMTP
server, click a score inside the received email, answer the follow-up in Chromium, see the
response stored and the funnel move; an event triggers a hot survey on time; a second
invitation within the pressure window is suppressed and the log says why.
"""

from __future__ import annotations

import json
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from cxlens.db import make_engine, unit_of_work
from cxlens.models import Answer, Customer, Question, Response
from factories import PERSON_AGENT

from .conftest import Laptop, Mailbox, WriteFile

CUSTOMERS = (
    "customer_ref,name,email,locale\n"
    "c-001,Giulia Rossi,giulia@example.com,en\n"
    "c-002,Jan de Vries,jan@example.com,en\n"
    "c-003,Ana Popescu,ana@example.com,en\n"
)


class _Links(HTMLParser):
    """The links of an HTML document: (href, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None


def _email_to(mailbox: Mailbox, address: str) -> EmailMessage:
    [raw] = [data for rcpt, data, _ in mailbox.messages if address in rcpt]
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _score_link(message: EmailMessage, score: int) -> str:
    html = message.get_body(("html",))
    assert html is not None
    parser = _Links()
    parser.feed(html.get_content())
    [href] = [h for h, text in parser.links if text == str(score) and "/v/" in h]
    return href


def _funnel(laptop: Laptop) -> dict[str, object]:
    rows = json.loads(laptop.cli("funnel", "--json"))["rows"]
    assert len(rows) == 1
    row: dict[str, object] = rows[0]
    return row


def _wait_funnel(laptop: Laptop, field: str, value: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while _funnel(laptop)[field] != value:
        assert time.monotonic() < deadline, _funnel(laptop)
        time.sleep(0.05)


@pytest.mark.browser
def test_survey_by_email_vote_in_the_email_why_in_chromium_and_the_funnel_moves(
    laptop: Laptop, mailbox: Mailbox, write_file: WriteFile, browser: Browser
) -> None:
    laptop.cli("db", "upgrade")
    customers = write_file("customers.csv", CUSTOMERS)
    assert "3 added" in laptop.cli("import", str(customers), "--kind", "customers")
    laptop.cli("pressure", "set", "--quiet", "off")  # the test may run at any hour
    created = laptop.cli("survey", "create", "--template", "relationship_nps", "--company", "Acme")
    assert "relationship-nps" in created
    invited = json.loads(
        laptop.cli(
            "invite",
            "--survey",
            "relationship-nps",
            "--channel",
            "email",
            "--customers-file",
            str(customers),
            "--json",
        )
    )
    assert [i["customer"] for i in invited["invitations"]] == ["c-001", "c-002", "c-003"]

    with laptop.worker():
        mailbox.wait_for(3)
        _wait_funnel(laptop, "delivered", 3)
    assert sorted(r for rcpt, _, _ in mailbox.messages for r in rcpt) == [
        "ana@example.com",
        "giulia@example.com",
        "jan@example.com",
    ]
    email = _email_to(mailbox, "giulia@example.com")
    assert str(email["Subject"]).startswith("Giulia") and "Anna at Acme" in str(email["From"])
    assert email["List-Unsubscribe"]
    link = _score_link(email, 9)
    assert link.startswith(laptop.base_url + "/v/")

    with laptop.serve():
        context = browser.new_context(
            viewport={"width": 375, "height": 740}, locale="en-GB", user_agent=PERSON_AGENT
        )
        try:
            page = context.new_page()
            page.goto(link)
            why = page.get_by_label("What is the main reason for your score?")
            expect(why).to_be_visible()
            why.fill("Fast delivery and a friendly help desk.")
            page.get_by_role("button", name="Send").click()
            expect(page.locator("main")).to_contain_text("Thank you for your feedback!")
        finally:
            context.close()

    engine = make_engine(laptop.settings())
    try:
        with unit_of_work(engine) as session:
            [response] = session.scalars(select(Response)).all()
            rows = session.execute(
                select(Question.key, Answer.value, Answer.text)
                .join(Question, Question.id == Answer.question_id)
                .where(Answer.response_id == response.id)
            ).all()
            who = session.get_one(Customer, response.customer_id)
            assert who.customer_ref == "c-001"
            assert response.submitted_at is not None
    finally:
        engine.dispose()
    assert {key: (value, text) for key, value, text in rows} == {
        "nps": (9, None),
        "nps_why": (None, "Fast delivery and a friendly help desk."),
    }
    row = _funnel(laptop)
    assert (row["sent"], row["delivered"], row["started"], row["completed"]) == (3, 3, 1, 1)
    assert row["response_rate"] == pytest.approx(100 / 3)


def test_an_event_sends_its_hot_survey_when_the_delay_is_over(
    laptop: Laptop, mailbox: Mailbox
) -> None:
    laptop.cli("pressure", "set", "--quiet", "off")
    laptop.cli("survey", "create", "--template", "csat_support", "--company", "Acme")
    laptop.cli(
        "trigger",
        "add",
        "--event",
        "ticket.solved",
        "--survey",
        "csat-support",
        "--channel",
        "email",
        "--delay",
        "2s",
    )
    assert "ticket.solved" in laptop.cli("trigger", "list")
    with laptop.worker():
        before = time.time()
        scheduled = json.loads(
            laptop.cli(
                "event",
                "ticket.solved",
                "--customer",
                "shopper-1",
                "--email",
                "shopper@example.com",
                "--property",
                "ticket=T-17",
                "--json",
            )
        )
        assert len(scheduled["invitation_ids"]) == 1
        mailbox.wait_for(1, timeout=10)
    [(rcpt, _, arrived)] = mailbox.messages
    assert rcpt == ["shopper@example.com"]
    assert before + 2 <= arrived < before + 2 + 3, arrived - before


def test_a_second_invitation_within_the_pressure_window_is_suppressed_and_logged(
    laptop: Laptop, mailbox: Mailbox, write_file: WriteFile
) -> None:
    customers = write_file("customers.csv", CUSTOMERS)
    laptop.cli("import", str(customers), "--kind", "customers")
    laptop.cli("pressure", "set", "--quiet", "off", "--days", "7")
    laptop.cli("survey", "create", "--template", "relationship_nps", "--company", "Acme")
    laptop.cli("survey", "create", "--template", "shipping_returns", "--company", "Acme")
    laptop.cli(
        "invite", "--survey", "relationship-nps", "--channel", "email", "--customer", "c-001"
    )
    assert laptop.drain() == 1
    assert json.loads(laptop.cli("suppressions", "--json"))["suppressions"] == []
    laptop.cli(
        "invite", "--survey", "shipping-returns", "--channel", "email", "--customer", "c-001"
    )
    assert laptop.drain() == 1
    assert len(mailbox.messages) == 1
    [entry] = json.loads(laptop.cli("suppressions", "--json"))["suppressions"]
    assert (entry["customer"], entry["survey"], entry["rule"], entry["action"]) == (
        "c-001",
        "shipping-returns",
        "frequency_global",
        "suppressed",
    )
    assert entry["reason"].startswith("at most one invitation per 7 days")
    shown = laptop.cli("suppressions")
    assert "frequency_global" in shown and "c-001" in shown
