"""``cxlens serve`` on an empty store makes the first admin and prints it once, never again."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from cxlens.db import engine_for_url, unit_of_work
from cxlens.features.accounts import authenticate, list_users
from cxlens.features.accounts.service import FIRST_ADMIN_EMAIL

SIGN_IN = re.compile(r"Sign in at (http://\S+/login) as (\S+) with password (\S+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_up_output(env: dict[str, str]) -> str:
    """What ``cxlens serve`` prints until it says where it listens; then it is stopped."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cxlens", "serve", "--port", str(port)],
        env={**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("cxlens on http://"):
                break
        else:
            raise AssertionError("cxlens serve did not start: " + "".join(lines))
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stdout is not None:
            server.stdout.close()
    return "".join(lines)


def test_the_first_serve_prints_the_first_admin_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cxlens.db'}"
    env = {**os.environ, "CXLENS_DATA_DIR": str(tmp_path), "CXLENS_DATABASE_URL": url}
    first = _start_up_output(env)
    found = SIGN_IN.search(first)
    assert found, first
    assert found.group(1).startswith("http://127.0.0.1:")
    assert found.group(2) == FIRST_ADMIN_EMAIL
    password = found.group(3)
    assert "cxlens users reset-password" in first
    engine = engine_for_url(url)
    try:
        with unit_of_work(engine) as session:
            assert authenticate(session, FIRST_ADMIN_EMAIL, password).role.value == "admin"
            assert [u.email for u in list_users(session)] == [FIRST_ADMIN_EMAIL]
    finally:
        engine.dispose()
    second = _start_up_output(env)
    assert "password" not in second and password not in second
    assert second.count("cxlens on http://") == 1
