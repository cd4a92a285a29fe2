"""Creating and updating customers (flushes, never commits)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.core.phones import PhoneError, to_e164
from cxlens.features.customers import repository as repo
from cxlens.features.customers.schemas import CustomerIn
from cxlens.models import Customer

#: The contact fields a caller may give; a field not given keeps its stored value.
CONTACT_FIELDS = ("email", "phone", "name", "locale", "time_zone")


def locale_region(locale: str | None) -> str | None:
    """The country of a locale tag (``nl-NL`` → ``NL``, ``pt_BR`` → ``BR``), if it names one."""
    if not locale:
        return None
    parts = locale.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            return part.upper()
    return None


def contact_phone(phone: str | None, locale: str | None) -> str | None:
    """``phone`` in E.164 (national numbers read in the locale's country); blank is none.

    An invalid number is an :class:`~cxlens.core.errors.InputError` (``invalid_phone``).
    """
    if phone is None or not phone.strip():
        return None
    try:
        return to_e164(phone, locale_region(locale))
    except PhoneError as exc:
        raise InputError(
            f"{phone!r} is not a valid phone number: {exc}",
            Location(field="phone"),
            expected="a phone number in international form (+31 6 2863 9799), or national "
            "with a locale that names the country (nl-NL)",
            error_code="invalid_phone",
        ) from exc


def upsert_customer(session: Session, data: CustomerIn) -> Customer:
    """The customer ``data.ref``, created if new; given contact fields replace stored ones.

    The phone is checked and stored in E.164 (:func:`contact_phone`, with the locale given
    or stored): an invalid one raises ``invalid_phone`` before anything is written.
    """
    customer = repo.customer_by_ref(session, data.ref)
    locale = data.locale or (customer.locale if customer is not None else None)
    phone = contact_phone(data.phone, locale)
    if customer is None:
        customer = Customer(customer_ref=data.ref)
        session.add(customer)
    for field in CONTACT_FIELDS:
        value = phone if field == "phone" else getattr(data, field)
        if value is not None:
            setattr(customer, field, value)
    session.flush()
    return customer
