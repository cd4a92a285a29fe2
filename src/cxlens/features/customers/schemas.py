"""What callers say about a customer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CustomerIn(BaseModel):
    """Who an event is about: found by ``ref``, created if new, contact fields updated.

    ``phone`` is checked by :func:`~cxlens.features.customers.upsert_customer`: a valid
    number in international form (``+`` and the country code), or in national form when
    ``locale`` names a country (``nl-NL``); it is stored in E.164 (``+31 6 2863 9799`` →
    ``+31628639799``). An invalid one is an ``invalid_phone`` error (422).
    """

    ref: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(
        default=None,
        max_length=64,
        description="international form (+31 6 2863 9799), or national when locale names a "
        "country; stored in E.164",
    )
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)


class ContactChanges(BaseModel):
    """New contact details of a stored customer; a field not given (``None``) is kept.

    An empty string clears a field. ``phone`` is checked and stored as in :class:`CustomerIn`.
    """

    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)
