"""Graceful stop: SIGINT/SIGTERM set a stop event; a second signal stops at once."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

log = logging.getLogger("cxlens.worker")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While in the block, SIGINT/SIGTERM set ``stop`` (finish the current job, then exit).

    A second signal restores the default handlers, so a third ends the process at once.
    Outside the main thread signals cannot be caught: the block then only yields.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            log.warning("second %s: default handlers restored", signal.Signals(signum).name)
            for sig, old in previous.items():
                signal.signal(sig, old)
            return
        log.info("%s: finishing the current jobs, then stopping", signal.Signals(signum).name)
        stop.set()

    for sig in STOP_SIGNALS:
        signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
