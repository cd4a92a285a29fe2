"""Phone numbers: parsed with ``phonenumbers`` (libphonenumber) and stored in E.164.

The one place cxlens reads a phone number. A number written in international form
(``+31 6 2863 9799``) needs no region; a national one (``06 28639799``), or one dialled with
the region's international prefix (``0031 …`` from NL), is read in the customer's country
or, without one, in the default region (``CXLENS_PHONE_REGION``).
A number libphonenumber does not consider valid is refused, never stored as written.
"""

from __future__ import annotations

import phonenumbers

__all__ = ["PhoneError", "is_region", "to_e164"]


class PhoneError(ValueError):
    """A text that is not a valid phone number; the message says why."""


def is_region(code: str | None) -> bool:
    """Whether ``code`` is a region libphonenumber knows (ISO 3166 alpha-2: ``NL``, ``IT``)."""
    return code is not None and code.strip().upper() in phonenumbers.SUPPORTED_REGIONS


def to_e164(text: str, region: str | None = None) -> str:
    """``text`` as an E.164 number (``+31628639799``), or :class:`PhoneError`.

    ``region`` (ISO 3166 alpha-2) is used for numbers without a country code; an unknown
    region counts as none.
    """
    default = region.strip().upper() if is_region(region) and region is not None else None
    try:
        number = phonenumbers.parse(text, default)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise PhoneError(
                "no country code (+…) and no country to read it in"
                if default is None
                else "the country code is not one that exists"
            ) from exc
        raise PhoneError("not a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        if not phonenumbers.is_possible_number(number):
            raise PhoneError("too short or too long for its country")
        raise PhoneError("not a number that exists in its country's numbering plan")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
