"""The public links of an invitation: survey, vote, unsubscribe and open pixel.

This is the URL contract between distribution (which puts links in emails and SMS) and
collection (which serves them). Every link is ``{public_base_url}/{prefix}/{token}``; the
token is a :class:`~cxlens.core.signing.Signer` token that carries only the invitation id,
its purpose, (for votes) the score and (for survey and vote links) an expiry — no personal
data. Survey and vote links expire ``survey_link_days`` (60 by default) after the end of
the UTC day they were made on (one expiry per day, so a day's links for one invitation are
the same); an expired link shows a page that says so. Unsubscribe links never expire.

=========  ======================  ============================================
prefix     purpose                 served by
=========  ======================  ============================================
``/s/``    ``INVITATION``          the hosted survey page (``GET``/``POST``)
``/v/``    ``ANSWER`` + score      a vote link: ``GET`` confirms, ``POST`` records
``/u/``    ``UNSUBSCRIBE``         unsubscribe page; ``POST`` is RFC 8058 one-click
``/o/``    ``OPEN``                a 1×1 GIF that records the open
=========  ======================  ============================================
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cxlens.core.settings import Settings
from cxlens.core.signing import Purpose, Signer, signed_link

__all__ = [
    "OPEN_PREFIX",
    "SURVEY_PREFIX",
    "UNSUBSCRIBE_PREFIX",
    "VOTE_PREFIX",
    "link_expiry",
    "open_pixel_url",
    "signer_for",
    "survey_url",
    "unsubscribe_url",
    "vote_url",
]

SURVEY_PREFIX = "/s"
VOTE_PREFIX = "/v"
UNSUBSCRIBE_PREFIX = "/u"
OPEN_PREFIX = "/o"


def signer_for(settings: Settings) -> Signer:
    """The :class:`Signer` built from the settings' signing keys."""
    return Signer(settings.resolved_signing_keys())


def link_expiry(settings: Settings, now: datetime | None = None) -> datetime:
    """When survey and vote links made now expire: the end of today (UTC) plus the days."""
    today = (
        (now or datetime.now(UTC))
        .astimezone(UTC)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    return today + timedelta(days=settings.survey_link_days + 1)


def _url(settings: Settings, prefix: str, token: str) -> str:
    return signed_link(settings.public_base_url.rstrip("/") + prefix, token)


def survey_url(settings: Settings, invitation_id: int) -> str:
    """The hosted survey page of an invitation: ``{base}/s/{token}``."""
    token = signer_for(settings).sign(
        invitation_id, purpose=Purpose.INVITATION, expires_at=link_expiry(settings)
    )
    return _url(settings, SURVEY_PREFIX, token)


def vote_url(settings: Settings, invitation_id: int, score: int) -> str:
    """A one-click vote for ``score`` on the survey's first score question: ``{base}/v/{token}``.

    The token's purpose is ``ANSWER`` and its action is the score (a non-negative int).
    """
    token = signer_for(settings).sign(
        invitation_id, purpose=Purpose.ANSWER, action=score, expires_at=link_expiry(settings)
    )
    return _url(settings, VOTE_PREFIX, token)


def unsubscribe_url(settings: Settings, invitation_id: int) -> str:
    """The unsubscribe page (and RFC 8058 one-click ``POST`` target): ``{base}/u/{token}``."""
    token = signer_for(settings).sign(invitation_id, purpose=Purpose.UNSUBSCRIBE)
    return _url(settings, UNSUBSCRIBE_PREFIX, token)


def open_pixel_url(settings: Settings, invitation_id: int) -> str:
    """The 1×1 open-tracking GIF: ``{base}/o/{token}``."""
    token = signer_for(settings).sign(invitation_id, purpose=Purpose.OPEN)
    return _url(settings, OPEN_PREFIX, token)
