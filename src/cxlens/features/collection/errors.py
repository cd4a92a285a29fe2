"""Collection's errors: a link past its expiry, a response past its edit window.

Both are :class:`~cxlens.core.errors.CxlensError` subclasses with a status and a code
(``docs/errors.md``); the survey pages answer them with a page of their own, the API's
error handler with problem details.
"""

from __future__ import annotations

from cxlens.core.errors import CxlensError, NotFoundError


class LinkExpiredError(NotFoundError):
    """A genuine survey or vote link past its expiry (the pages say so, with status 410)."""

    http_status = 410
    error_code = "link_expired"


class ResponseClosedError(CxlensError):
    """A change to a response submitted longer ago than the edit window (409)."""

    http_status = 409
    error_code = "response_closed"


__all__ = ["LinkExpiredError", "ResponseClosedError"]
