"""What callers say about a customer."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from cxlens.core.phones import PhoneError, to_e164


class CustomerIn(BaseModel):
    """Who an event is about: found by ``ref``, created if new, contact fields updated.

    ``phone`` must be in international form (``+`` and the country code) and a valid number;
    it is stored in E.164 (``+31 6 2863 9799`` → ``+31628639799``).
    """

    ref: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=300)
    locale: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        """A phone in international form, stored in E.164; blank is none."""
        if value is None or not value.strip():
            return None
        try:
            return to_e164(value)
        except PhoneError as exc:
            raise ValueError(
                f"{value!r} is not a valid phone number in international form (+country "
                f"code and number): {exc}"
            ) from exc
