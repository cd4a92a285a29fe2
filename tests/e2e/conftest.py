"""Fixtures of the end-to-end tests: what a new user has on a laptop, all on loopback.

A store (an SQLite file), the settings as ``CXLENS_*`` environment variables (read by the
CLI, the worker and the app alike), a real SMTP server (aiosmtpd), a real worker thread,
the real app under uvicorn, and headless Chromium.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from typer.testing import CliRunner

from cxlens.cli.main import app
from cxlens.core.settings import Settings
from cxlens.jobs import HandlerRegistry
from cxlens.web.app import create_app
from cxlens.worker import Worker, load_feature_handlers, run_worker


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server accepted: (recipients, raw message, arrival time)."""

    port: int
    messages: list[tuple[list[str], bytes, float]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (list(envelope.rcpt_tos), bytes(envelope.original_content), time.time())
        )
        return "250 OK: queued"

    def wait_for(self, count: int, timeout: float = 10) -> None:
        """Wait until ``count`` messages arrived (fail after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} emails arrived"
            time.sleep(0.02)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on a free loopback port."""
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class Laptop:
    """The user's set-up: the store, the public URL, and the CLI to type commands into."""

    folder: Path
    base_url: str

    def cli(self, *args: str) -> str:
        """Run ``cxlens ARGS``; its output (the command must succeed)."""
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def settings(self) -> Settings:
        """The settings the CLI reads (from the environment)."""
        return Settings()

    def registry(self) -> HandlerRegistry:
        """The handlers `cxlens worker` loads."""
        registry = HandlerRegistry()
        load_feature_handlers(self.settings(), registry)
        return registry

    def drain(self) -> int:
        """Run every job due now (a one-shot worker); how many ran."""
        from cxlens.db import make_engine

        engine = make_engine(self.settings())
        try:
            return Worker(engine, registry=self.registry()).drain()
        finally:
            engine.dispose()

    @contextmanager
    def worker(self) -> Iterator[None]:
        """A real worker in a thread, polling every 50 ms, stopped cleanly at the end."""
        stop = threading.Event()
        thread = threading.Thread(
            target=run_worker,
            args=(self.settings(),),
            kwargs={
                "stop": stop,
                "registry": self.registry(),
                "poll_interval": 0.05,
                "handle_signals": False,
            },
            daemon=True,
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=10)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """The app (`cxlens serve`) under uvicorn at ``base_url``; yields the URL."""
        port = int(self.base_url.rsplit(":", 1)[1])
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(self.settings()),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="on",
            )
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)
        try:
            yield self.base_url
        finally:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def laptop(tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Laptop:
    """Settings in the environment: an SQLite store in tmp_path, the SMTP server, a sender."""
    base = f"http://127.0.0.1:{free_port()}"
    for name, value in {
        "CXLENS_DATA_DIR": str(tmp_path / "data"),
        "CXLENS_DATABASE_URL": f"sqlite:///{tmp_path / 'cxlens.db'}",
        "CXLENS_SIGNING_KEYS": "e2e-signing-key-0123456789abcdef",
        "CXLENS_PUBLIC_BASE_URL": base,
        "CXLENS_SMTP_HOST": "127.0.0.1",
        "CXLENS_SMTP_PORT": str(mailbox.port),
        "CXLENS_SMTP_SECURITY": "none",
        "CXLENS_SMTP_TIMEOUT": "5",
        "CXLENS_EMAIL_FROM_ADDRESS": "anna@acme.example",
        "CXLENS_EMAIL_FROM_NAME": "Anna at Acme",
    }.items():
        monkeypatch.setenv(name, value)
    return Laptop(folder=tmp_path, base_url=base)


WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Writes a text file in tmp_path; its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
