"""The staff pages: sign-in and sign-out, the signed-in home page, the audit log.

Server-rendered (Jinja2), no script, the stylesheet served by cxlens itself; sessions,
CSRF and throttling in :mod:`cxlens.features.accounts.sessions`. docs/accounts.md.
"""

from cxlens.web.staff.routes import router

__all__ = ["router"]
