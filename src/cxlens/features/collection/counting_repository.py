"""What a counted response is: the one definition every metric query uses.

A response is **counted** when it was submitted, when its first question was answered from
the invitation email by a person (a confirmed vote link that no scanner burst reverted:
``voted_at``), or when it came from outside cxlens' own collection (an import: what another
tool exported is a finished response, dated or not). Anything else is **partial**: a
response started on the survey page or on an anonymous link and never submitted. Partial
responses are never mixed into a metric; they are reported beside it.

A counted response's time is its submission time, else its vote time (period metrics bucket
on it; an undated import has none, so it is in the headline figure and in no period).

This module imports only the models, so any feature's repository may use it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, not_, or_

from cxlens.models import Response

INVITATION_SOURCE = "invitation"
"""``responses.source`` of answers collected for an invitation (survey page, vote, widget)."""
LINK_SOURCE = "link"
"""``responses.source`` of answers collected on an anonymous link (``/a/``)."""
LIVE_SOURCES = (INVITATION_SOURCE, LINK_SOURCE)
"""The sources cxlens collects itself, where a response may still be partial."""


def counted_response() -> ColumnElement[bool]:
    """SQL condition on ``responses``: the response is counted (see the module docstring)."""
    return or_(
        Response.submitted_at.is_not(None),
        Response.voted_at.is_not(None),
        Response.source.not_in(LIVE_SOURCES),
    )


def partial_response() -> ColumnElement[bool]:
    """SQL condition on ``responses``: started on cxlens' own pages, not (yet) counted."""
    return and_(not_(counted_response()))


def response_time() -> ColumnElement[datetime]:
    """SQL expression: when a counted response counts (submission, else vote time)."""
    return func.coalesce(Response.submitted_at, Response.voted_at)
