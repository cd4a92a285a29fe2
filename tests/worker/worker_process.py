"""A worker process for the tests: ``python worker_process.py URL OUTBOX MODE [LEASE_S]``.

Its one handler, ``mail.send``, plays an email send against ``OUTBOX`` (a file standing in
for the SMTP server: one line per received message, "<Message-ID> <to>"), using the
ledger. MODE says where the FIRST attempt hangs so the test can SIGKILL it there:
``before_send``, ``after_send`` (sent, not committed), ``slow`` (sleeps 0.3 s, for SIGTERM)
or ``none``. When it hangs it writes OUTBOX + ".hung". ``count`` jobs only append their id.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.settings import Settings
from cxlens.jobs import HandlerRegistry, JobContext, begin_delivery, mark_sent
from cxlens.worker import run_worker


def _append(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def main(url: str, outbox: Path, mode: str, lease_s: float) -> None:
    registry = HandlerRegistry()

    def hang(where: str, context: JobContext) -> None:
        if mode == where and context.attempt == 1:
            _append(outbox.with_name(outbox.name + ".hung"), str(os.getpid()))
            time.sleep(3600)

    @registry.handler("mail.send")
    def send(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        key = f"mail:{payload['to']}"
        ticket = begin_delivery(context.engine, key, job_id=context.job_id)
        if ticket.already_sent:
            return
        hang("before_send", context)
        _append(outbox, f"{ticket.message_id} {payload['to']}")
        hang("after_send", context)
        if mode == "slow":
            _append(outbox.with_name(outbox.name + ".hung"), str(os.getpid()))
            time.sleep(0.3)
        mark_sent(session, key)

    @registry.handler("count")
    def count(session: Session, payload: dict[str, Any], context: JobContext) -> None:
        _append(outbox, f"{context.job_id} {os.getpid()}")
        time.sleep(0.005)

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    run_worker(
        Settings(database_url=url),
        registry=registry,
        lease=timedelta(seconds=lease_s),
        poll_interval=0.05,
    )


if __name__ == "__main__":
    main(
        sys.argv[1], Path(sys.argv[2]), sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 60
    )
