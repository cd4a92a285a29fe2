"""Changing a response after the fact: a window, the logic re-applied, every change kept.

The policy (docs/collection.md), applied by
:func:`~cxlens.features.collection.submission.submit_answers` for every way in:

- A response may be changed while it is partial, and for ``response_edit_hours`` (24 h by
  default) after it was first submitted; after that its links show the thank-you page and
  a posted answer is refused (:class:`~cxlens.features.collection.errors.ResponseClosedError`).
  Its submission time stays the first one.
- Every change to a submitted response re-applies the survey's logic: answers to questions
  the new answers hide are dropped (recorded with ``via = "logic"``).
- Every change of an answer once given is recorded in ``answer_changes`` with the old and
  the new value and the time (``via``: ``page``, ``vote``, ``logic`` or ``scan``); a vote
  is recorded from its first answer too, so a scanner's burst can be put back.

Pure rules; the statements are in :mod:`cxlens.features.collection.repository`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cxlens.core.settings import Settings
from cxlens.features.collection.logic import AnswerValue
from cxlens.models import AnswerChange

VIA_PAGE = "page"
VIA_VOTE = "vote"
VIA_LOGIC = "logic"
VIA_SCAN = "scan"
VIA_WIDGET = "widget"


def edit_window(settings: Settings) -> timedelta:
    """How long after its first submission a response may still be changed."""
    return timedelta(hours=settings.response_edit_hours)


def may_edit(submitted_at: datetime | None, now: datetime, window: timedelta) -> bool:
    """Whether a response submitted at ``submitted_at`` (``None``: not yet) may change now."""
    if submitted_at is None:
        return True
    if submitted_at.tzinfo is None:  # SQLite returns naive UTC
        submitted_at = submitted_at.replace(tzinfo=UTC)
    return now < submitted_at + window


def records_first_answer(via: str) -> bool:
    """Whether a first answer (none before) is recorded as a change: a vote's is."""
    return via == VIA_VOTE


def old_value(change: AnswerChange) -> AnswerValue | None:
    """The value an answer had before ``change``."""
    return change.old_value if change.old_value is not None else change.old_text
