"""The client's address: one answer for the whole app (rate limits, audit, access log).

The socket peer is the client, unless the peer is one of the configured trusted proxies
(setting ``trusted_proxies``, addresses or CIDR ranges; none by default). Behind a trusted
proxy the client is the right-most address of ``X-Forwarded-For`` that is not itself a
trusted proxy: each proxy appends the address it received the request from, so every
address left of the first untrusted one may have been written by the client and is ignored.
The scheme is taken from ``X-Forwarded-Proto`` under the same condition.

:class:`ClientAddressMiddleware` resolves it once per request and writes it into the ASGI
scope (``scope["client"]``, ``scope["scheme"]``), so ``request.client``, uvicorn's access
log and :func:`client_address` agree. ``cxlens serve`` turns uvicorn's own proxy-header
handling off (see :func:`cxlens.web.app.serve_options`): it would trust ``127.0.0.1``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from cxlens.core.errors import ConfigurationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """The networks of ``trusted_proxies`` (``10.0.0.0/8``, ``192.0.2.7``, ``::1``)."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ConfigurationError(
                f"CXLENS_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR range"
            ) from exc
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``text`` as an IP address (``[::1]:80`` and ``192.0.2.1:80`` forms too), or None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text[1:]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed in network for network in trusted)


def forwarded_client(peer: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The client of a request from ``peer`` carrying ``X-Forwarded-For: forwarded_for``.

    ``peer`` itself unless it is trusted; then the right-most untrusted address of the
    header (an entry that is not an address ends the walk: the nearest hop is the client;
    when every hop is trusted, the left-most one).
    """
    if not trusted or not _trusted(peer, trusted):
        return peer
    client = peer
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        parsed = _address(hop)
        if parsed is None:
            break
        client = str(parsed)
        if not any(parsed in network for network in trusted):
            break
    return client


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope["headers"] if key == name]
    return ",".join(values)


class ClientAddressMiddleware:
    """ASGI middleware: the resolved client address and scheme written into the scope."""

    def __init__(self, app: ASGIApp, trusted_proxies: Iterable[str]) -> None:
        self.app = app
        self.trusted = parse_networks(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve the client of an HTTP or WebSocket request, then pass it on."""
        if self.trusted and scope["type"] in ("http", "websocket"):
            peer = scope.get("client")
            if peer and _trusted(peer[0], self.trusted):
                client = forwarded_client(peer[0], _header(scope, b"x-forwarded-for"), self.trusted)
                if client != peer[0]:
                    scope["client"] = (client, 0)
                proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    secure = proto == "https"
                    if scope["type"] == "websocket":
                        scope["scheme"] = "wss" if secure else "ws"
                    else:
                        scope["scheme"] = proto
        await self.app(scope, receive, send)


def client_address(request: Scope | HTTPConnection) -> str:
    """The client's address of a request (a ``Request`` or its ASGI scope).

    What :class:`ClientAddressMiddleware` resolved: the socket peer, or behind a trusted
    proxy the forwarded client. The one function every rate limit and audit entry uses.
    """
    scope = request.scope if isinstance(request, HTTPConnection) else request
    found = scope.get("client")
    return str(found[0]) if found else UNKNOWN


__all__ = [
    "ClientAddressMiddleware",
    "client_address",
    "forwarded_client",
    "parse_networks",
]
