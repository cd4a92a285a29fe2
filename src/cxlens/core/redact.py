"""Keep customer data out of the logs: e-mail addresses and phone numbers masked.

Log lines name things by id (job 12, invitation 345), never by a customer's address, number
or words. Where a line must carry text that can hold them (a provider's error message, an
exception), it goes through :func:`redact` first.
"""

from __future__ import annotations

import re

#: An e-mail address (also inside <...> or quotes, as SMTP replies give them).
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
#: A phone number: international (``+`` or ``00`` first) or national (``0`` or ``(0..)``
#: first), 7+ digits with spaces, dots, dashes or parentheses between. Dates, times and ids
#: (no leading ``+``/``0``) are not phone numbers.
PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d[\d ().-]{5,}\d"
    r"|(?<![\w.-])\(?0\d{1,4}\)?[ .-]?\d[\d .-]{4,}\d(?![\w-])"
)

MASK_EMAIL = "<email>"
MASK_PHONE = "<phone>"


def redact(text: str) -> str:
    """``text`` with every e-mail address and phone number masked."""
    masked = EMAIL.sub(MASK_EMAIL, text)
    return PHONE.sub(_phone, masked)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return MASK_PHONE if digits >= 7 else match.group(0)


__all__ = ["redact"]
