"""Creating and updating customers (flushes, never commits).

Two ways in: :func:`upsert_customer` for what anyone may send (an event: it creates a
customer but never changes a stored one's e-mail, phone or name) and
:func:`update_customer_contact` / :func:`save_customer` for an authenticated caller (audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cxlens.core.clock import Clock
from cxlens.core.errors import InputError, Location, NotFoundError
from cxlens.core.phones import PhoneError, to_e164
from cxlens.features.accounts import AuditAction, Principal, record_audit
from cxlens.features.customers import repository as repo
from cxlens.features.customers.schemas import ContactChanges, CustomerIn
from cxlens.models import Customer

#: The contact fields a caller may give; a field not given keeps its stored value.
CONTACT_FIELDS = ("email", "phone", "name", "locale", "time_zone")
#: Where a customer's invitations and their signed links go, and whom they greet: an event
#: may set them for a new customer, never change them for a stored one.
PROTECTED_FIELDS = ("email", "phone", "name")


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


@dataclass(frozen=True, slots=True)
class CustomerUpsert:
    """What :func:`upsert_customer` did: the customer, whether it was new, and the contact
    fields given that differ from the stored ones and were left as they were."""

    customer: Customer
    created: bool
    contact_ignored: tuple[str, ...] = ()


def _same(field: str, given: str, stored: str | None) -> bool:
    if field == "email":
        return given.strip().casefold() == (stored or "").strip().casefold()
    return given.strip() == (stored or "").strip()


def upsert_customer(session: Session, data: CustomerIn) -> CustomerUpsert:
    """The customer ``data.ref`` as an unauthenticated caller (an event) may give it.

    A new customer is created with every contact field given. For a stored customer only
    ``locale`` and ``time_zone`` are taken; ``email``, ``phone`` and ``name``
    (:data:`PROTECTED_FIELDS`) are never changed from here: those that differ from the
    stored ones are named in ``contact_ignored``. Contact details change only through
    :func:`update_customer_contact` (audited).

    The phone is checked (:func:`contact_phone`, with the locale given or stored) even when
    it is ignored: an invalid one raises ``invalid_phone`` before anything is written.
    """
    customer = repo.customer_by_ref(session, data.ref)
    locale = data.locale or (customer.locale if customer is not None else None)
    phone = contact_phone(data.phone, locale)
    given = {field: phone if field == "phone" else getattr(data, field) for field in CONTACT_FIELDS}
    if customer is None:
        customer = Customer(customer_ref=data.ref)
        session.add(customer)
        for field, value in given.items():
            if value is not None:
                setattr(customer, field, value)
        session.flush()
        return CustomerUpsert(customer, created=True)
    ignored = tuple(
        field
        for field in PROTECTED_FIELDS
        if (value := given[field]) is not None
        and value.strip()
        and not _same(field, value, getattr(customer, field))
    )
    for field in CONTACT_FIELDS:
        if field not in PROTECTED_FIELDS and given[field] is not None:
            setattr(customer, field, given[field])
    session.flush()
    return CustomerUpsert(customer, created=False, contact_ignored=ignored)


def update_customer_contact(
    session: Session,
    external_ref: str,
    changes: ContactChanges,
    *,
    actor: Principal | None = None,
    source: str = "cli",
    clock: Clock | None = None,
) -> list[str]:
    """Change the contact details of the stored customer ``external_ref``: the one way an
    authenticated caller (an operator at the command line, a signed-in user) does it.

    Fields given as ``None`` are kept; an empty string clears one. Returns the names of the
    fields that changed; when any did, a ``customer.contact_changed`` audit entry names them
    (never their old or new values). An unknown reference is a ``NotFoundError``
    (``unknown_customer``); an invalid phone an ``invalid_phone`` error.
    """
    customer = repo.customer_by_ref(session, external_ref)
    if customer is None:
        raise NotFoundError(f"no customer {external_ref!r}", error_code="unknown_customer")
    locale = changes.locale or customer.locale
    changed: list[str] = []
    for field in CONTACT_FIELDS:
        raw: str | None = getattr(changes, field)
        if raw is None:
            continue
        value: str | None = contact_phone(raw, locale) if field == "phone" else raw.strip()
        value = value or None
        if value != getattr(customer, field):
            setattr(customer, field, value)
            changed.append(field)
    if changed:
        record_audit(
            session,
            AuditAction.CUSTOMER_CONTACT_CHANGED,
            actor=actor,
            source=source,
            target=external_ref,
            details={"fields": changed},
            clock=clock,
        )
    session.flush()
    return changed


def save_customer(
    session: Session,
    data: CustomerIn,
    *,
    actor: Principal | None = None,
    source: str = "cli",
) -> Customer:
    """The customer ``data.ref`` as an authenticated caller gives it: created if new, else
    its contact details changed with :func:`update_customer_contact` (audited)."""
    if repo.customer_by_ref(session, data.ref) is None:
        return upsert_customer(session, data).customer
    changes = ContactChanges.model_validate(data.model_dump(include=set(CONTACT_FIELDS)))
    update_customer_contact(session, data.ref, changes, actor=actor, source=source)
    customer = repo.customer_by_ref(session, data.ref)
    assert customer is not None
    return customer
