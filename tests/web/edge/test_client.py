"""The client's address: the socket peer, ``X-Forwarded-For`` only behind a trusted proxy.

Through the real server (uvicorn on loopback, with the options of ``cxlens serve``): a
loopback client that is not a configured proxy cannot change its address with the header
(uvicorn's own default would trust ``127.0.0.1`` and take it), one that is can.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from cxlens.core.errors import ConfigurationError
from cxlens.core.ratelimit import RateLimiter
from cxlens.core.settings import Settings
from cxlens.web.app import create_app, serve_options
from cxlens.web.edge.client import forwarded_client, parse_networks
from cxlens.web.pages.ratelimit import STATE_KEY
from web.edge.serving import free_port, served

PROXIES = parse_networks(["10.0.0.0/8", "::1", "127.0.0.1"])


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # not a proxy: the header is ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # left of it: the client's
        ("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", "198.51.100.1"),  # a chain of proxies
        ("127.0.0.1", "10.9.9.9, 10.1.2.3", "10.9.9.9"),  # all proxies: the left-most
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "garbage, 10.1.2.3", "10.1.2.3"),  # not an address: the nearest hop
        ("::1", "[2001:db8::7]:443", "2001:db8::7"),
        ("127.0.0.1", "198.51.100.1:5678", "198.51.100.1"),
    ],
)
def test_the_client_is_the_right_most_untrusted_hop(peer: str, header: str, client: str) -> None:
    assert forwarded_client(peer, header, PROXIES) == client


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert forwarded_client("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"


def test_a_trusted_proxy_that_is_not_an_address_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="CXLENS_TRUSTED_PROXIES"):
        parse_networks(["10.0.0.0/8", "proxy.example"])


def test_cxlens_serve_turns_uvicorns_proxy_headers_off() -> None:
    options = serve_options(Settings())
    assert options["proxy_headers"] is False


def _votes(base: str, forwarded: list[str]) -> list[int]:
    """The statuses of one vote-link visit per ``X-Forwarded-For`` value (the vote page
    limits each client address before it looks at the link)."""
    with httpx.Client(base_url=base, timeout=10) as http:
        return [
            http.get("/v/not-a-token", headers={"X-Forwarded-For": f}).status_code
            for f in forwarded
        ]


def _app(sqlite_url: str, trusted_proxies: list[str]) -> tuple[FastAPI, Settings]:
    port = free_port()
    settings = Settings(
        database_url=sqlite_url,
        port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        allowed_hosts=[],
        trusted_proxies=trusted_proxies,
    )
    app = create_app(settings)
    setattr(app.state, STATE_KEY, RateLimiter(rate=1e-9, burst=2))  # two visits, then 429
    return app, settings


def test_a_spoofed_header_from_an_untrusted_peer_does_not_change_the_client(
    sqlite_url: str,
) -> None:
    app, settings = _app(sqlite_url, [])
    with served(app, settings) as base:
        statuses = _votes(base, ["198.51.100.1", "198.51.100.2", "198.51.100.3"])
    assert statuses == [404, 404, 429]  # one client (127.0.0.1), whatever the header says
    app.state.engine.dispose()


def test_behind_a_trusted_proxy_the_forwarded_client_counts(sqlite_url: str) -> None:
    app, settings = _app(sqlite_url, ["127.0.0.1"])
    with served(app, settings) as base:
        statuses = _votes(base, ["198.51.100.1", "198.51.100.2", "6.6.6.6, 198.51.100.1"])
        again = _votes(base, ["198.51.100.1"])
    # three visits of two clients: the third is .1 again (the part left of it is ignored) …
    assert statuses == [404, 404, 404]
    assert again == [429]  # … and this is its third
    app.state.engine.dispose()
