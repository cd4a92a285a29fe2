"""What callers say about a customer."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CustomerIn(BaseModel):
    """Who an event is about: found by ``ref``, created if new, contact fields updated."""

    ref: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)
