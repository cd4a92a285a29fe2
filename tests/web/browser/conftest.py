"""One live app (uvicorn on loopback, migrated SQLite file) and one Chromium for the session.

The app runs in a thread of the test process; a second loopback server plays a customer's
web shop (another origin) that embeds the widget. Tests make their own invitations.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import Engine, select

from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.db import engine_for_url, unit_of_work, upgrade
from cxlens.features.collection.incentives import add_incentive_codes
from cxlens.features.collection.links import survey_url, unsubscribe_url, vote_url
from cxlens.features.surveys import create_from_template, create_survey
from cxlens.features.surveys.templates import load_template
from cxlens.models import Answer, Customer, Invitation, Question, Survey, SurveyVersion
from cxlens.models import Response as ResponseRow
from cxlens.web.app import create_app
from cxlens.web.pages.ratelimit import STATE_KEY
from factories import PERSON_AGENT

#: A phone's viewport (iPhone SE / 13 mini width).
MOBILE = {"width": 375, "height": 740}
PERSON = PERSON_AGENT

#: Under a knowledge-base article: "Was this article helpful?" then effort (CES 2.0).
ARTICLE_SURVEY: dict[str, Any] = {
    "key": "kb-article",
    "name": "Help centre article",
    "languages": ["en"],
    "questions": [
        {
            "key": "helpful",
            "type": "single_choice",
            "required": True,
            "labels": {"en": {"text": "Was this article helpful?"}},
            "choices": [
                {"key": "yes", "labels": {"en": "Yes"}},
                {"key": "no", "labels": {"en": "No"}},
            ],
        },
        {
            "key": "effort",
            "type": "ces",
            "scale": {"low": 1, "high": 7},
            "labels": {
                "en": {
                    "text": "Acme made it easy for me to handle my issue.",
                    "low": "Strongly disagree",
                    "high": "Strongly agree",
                }
            },
        },
    ],
}


@dataclass
class Stored:
    """A response as stored: its columns and its answers by question key."""

    response: ResponseRow
    invitation: Invitation | None
    answers: dict[str, tuple[float | None, str | None]]


@dataclass
class Live:
    """The running app: its base URL, settings, database, and the shop page's origin."""

    base: str
    shop: str
    settings: Settings
    engine: Engine

    def invite(self, survey_key: str, *, locale: str | None = None) -> int:
        """A new email invitation to the latest version of ``survey_key``; its id."""
        with unit_of_work(self.engine) as session:
            version_id = session.scalar(
                select(SurveyVersion.id)
                .join(Survey, Survey.id == SurveyVersion.survey_id)
                .where(Survey.key == survey_key)
                .order_by(SurveyVersion.version.desc())
                .limit(1)
            )
            assert version_id is not None
            count = session.query(Customer).count()
            customer = Customer(customer_ref=f"cust-{count + 1}", locale=locale)
            session.add(customer)
            session.flush()
            invitation = Invitation(
                survey_version_id=version_id,
                customer_id=customer.id,
                channel="email",
                token=f"seed-{customer.id}",
            )
            session.add(invitation)
            session.flush()
            return invitation.id

    def survey(self, invitation_id: int) -> str:
        """The survey page URL of an invitation."""
        return survey_url(self.settings, invitation_id)

    def vote(self, invitation_id: int, score: int) -> str:
        """A vote link of an invitation."""
        return vote_url(self.settings, invitation_id, score)

    def unsubscribe(self, invitation_id: int) -> str:
        """The unsubscribe page URL of an invitation."""
        return unsubscribe_url(self.settings, invitation_id)

    def stored(self, *, invitation_id: int | None = None, customer: str | None = None) -> Stored:
        """The one response of an invitation (or of a customer), with its answers."""
        with unit_of_work(self.engine) as session:
            query = select(ResponseRow)
            if invitation_id is not None:
                query = query.where(ResponseRow.invitation_id == invitation_id)
            if customer is not None:
                query = query.join(Customer, Customer.id == ResponseRow.customer_id).where(
                    Customer.customer_ref == customer
                )
            response = session.scalars(query).one()
            rows = session.execute(
                select(Question.key, Answer.value, Answer.text)
                .join(Question, Question.id == Answer.question_id)
                .where(Answer.response_id == response.id)
            ).all()
            invitation = (
                session.get(Invitation, response.invitation_id) if response.invitation_id else None
            )
            session.expunge_all()
            return Stored(response, invitation, {key: (v, t) for key, v, t in rows})

    def stored_count(self, invitation_id: int) -> int:
        """How many responses an invitation has (0 or 1)."""
        with unit_of_work(self.engine) as session:
            query = select(ResponseRow.id).where(ResponseRow.invitation_id == invitation_id)
            return len(session.scalars(query).all())

    def add_customer(self, ref: str) -> None:
        """A customer known to the app (the widget identifies them by ``ref``)."""
        with unit_of_work(self.engine) as session:
            session.add(Customer(customer_ref=ref))

    def signed(self, ref: str) -> dict[str, Any]:
        """What the shop's server hands the widget for customer ``ref``: the reference, its
        issue time and the signature (docs/collection.md)."""
        from cxlens.core.signing import customer_signature

        issued = int(time.time())
        secret = self.settings.resolved_widget_secret()
        return {
            "customer": ref,
            "issued_at": issued,
            "signature": customer_signature(secret, ref, issued),
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        create_from_template(session, "ces_support", company_name="Acme")
        exit_survey = load_template("renewal_exit", company_name="Acme").model_dump(
            mode="json", exclude_none=True
        )
        exit_survey["incentive"] = {"code_pool": "goodbye"}
        create_survey(session, exit_survey)
        create_survey(session, ARTICLE_SURVEY)
        add_incentive_codes(session, "goodbye", [f"BYE-{n:03d}" for n in range(1, 21)])


def _shop_page(base: str, title: str, body: str) -> bytes:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#222}"
        "main{max-width:40rem;margin:auto}</style>"
        f'<script src="{base}/widget/cxlens-widget.js"></script></head>'
        f"<body><main>{body}</main></body></html>"
    ).encode()


def _shop_server(base: str) -> ThreadingHTTPServer:
    pages = {
        "/order": _shop_page(
            base,
            "Order confirmed",
            "<h1>Thank you for your order</h1><p>Order 1042 is on its way.</p>"
            '<p><a id="shop-link" href="/order">Continue shopping</a></p>',
        ),
        "/async": (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paid</title>'
            "<script>window.cxlens=window.cxlens||function(){(cxlens.q=cxlens.q||[])"
            ".push(arguments)};cxlens('show',{survey:'ces-support',event:'order.paid'});"
            f'</script><script async src="{base}/widget/cxlens-widget.js"></script></head>'
            "<body><main><h1>Payment received</h1></main></body></html>"
        ).encode(),
        "/article": _shop_page(
            base,
            "How do I return an item?",
            "<h1>How do I return an item?</h1><p>Print the label and drop the parcel off.</p>"
            '<div id="feedback"></div>',
        ),
    }

    class Shop(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = pages.get(self.path)
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page or b"")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return ThreadingHTTPServer(("127.0.0.1", 0), Shop)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app served by uvicorn on a free loopback port, and the shop beside it."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'cxlens.db'}"
    engine = engine_for_url(url)
    upgrade(engine)
    _seed(engine)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=url, data_dir=folder, signing_keys=["b" * 32], public_base_url=base
    )
    app = create_app(settings)
    setattr(app.state, STATE_KEY, RateLimiter(rate=1000, burst=10_000))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    shop = _shop_server(base)
    shop_thread = threading.Thread(target=shop.serve_forever, daemon=True)
    shop_thread.start()
    try:
        yield Live(base, f"http://127.0.0.1:{shop.server_address[1]}", settings, engine)
    finally:
        shop.shutdown()
        shop.server_close()
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile on a phone-sized viewport (English)."""
    ctx = browser.new_context(viewport=MOBILE, locale="en-GB", user_agent=PERSON)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A tab of ``context``."""
    return context.new_page()
