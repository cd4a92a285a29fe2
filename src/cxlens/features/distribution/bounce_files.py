"""The returned messages in a file: one ``.eml`` message, an mbox file, or a Maildir folder."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from cxlens.core.errors import InputError, Location


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def read_messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """``(where, raw bytes)`` of each message in ``path``, in file order.

    ``where`` names the message for a report (``box.mbox#3``, ``Maildir/new/…``). A folder
    that is not a Maildir (``cur``, ``new``, ``tmp``), or a path that does not exist, is an
    :class:`InputError`.
    """
    if path.is_dir():
        if not _is_maildir(path):
            raise InputError(
                f"{path} is a folder but not a Maildir",
                Location(file=str(path)),
                expected="a .eml file, an mbox file, or a Maildir folder (cur/, new/, tmp/)",
            )
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.keys()):
            yield f"{path}/{key}", box.get_bytes(key)
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}", Location(file=str(path))) from exc
    if head == b"From ":
        box_file = mailbox.mbox(path, factory=None, create=False)
        try:
            for index, key in enumerate(box_file.keys(), start=1):
                yield f"{path}#{index}", box_file.get_bytes(key)
        finally:
            box_file.close()
        return
    yield str(path), path.read_bytes()
