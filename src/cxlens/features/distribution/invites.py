"""Invite a list of customers to a survey by hand, all or none (``cxlens invite``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from cxlens.core.errors import InputError, Location
from cxlens.core.settings import Settings
from cxlens.features.collection.links import survey_url
from cxlens.features.customers import CustomerIn, save_customer
from cxlens.features.customers.repository import customer_by_ref
from cxlens.features.distribution.schemas import InvitationRow
from cxlens.features.distribution.service import SENT_CHANNELS, create_invitation
from cxlens.models import Customer


def resolve_customers(
    session: Session,
    given: Sequence[tuple[str, Location]],
    contact: CustomerIn | None = None,
) -> list[Customer]:
    """The stored customers of the references ``given`` (each with where it was read), once
    each; ``contact`` creates or updates the one customer given instead (the operator's
    authenticated path: a change of a stored customer's contact details is audited)."""
    if not given:
        raise InputError(
            "no customers to invite",
            Location(field="customer"),
            expected="--customer REF (repeat) or --customers-file FILE",
        )
    if contact is not None:
        if len(given) != 1 or given[0][1].file is not None:
            raise InputError(
                "--email/--phone/--name/--locale describe one customer",
                Location(field="email"),
                expected="exactly one --customer with them",
            )
        return [save_customer(session, contact.model_copy(update={"ref": given[0][0]}))]
    out: list[Customer] = []
    seen: set[str] = set()
    for ref, where in given:
        if ref in seen:
            continue
        seen.add(ref)
        customer = customer_by_ref(session, ref)
        if customer is None:
            raise InputError(
                f"no customer {ref!r} in the store",
                where,
                expected="customers imported with `cxlens import FILE --kind customers`, "
                "or one --customer with --email/--phone",
            )
        out.append(customer)
    return out


def invite(
    session: Session,
    settings: Settings,
    *,
    survey_key: str,
    channel: str,
    customers: Sequence[tuple[str, Location]],
    contact: CustomerIn | None = None,
    touchpoint: str | None = None,
    prefill: Mapping[str, Any] | None = None,
    reminders: int = 0,
    reminder_interval: timedelta = timedelta(days=3),
) -> list[InvitationRow]:
    """Invite ``customers`` (see :func:`resolve_customers`) to ``survey_key``: all or none.

    Email and SMS invitations are queued for the worker; web ones are live at once, with
    their link.
    """
    rows: list[InvitationRow] = []
    for person in resolve_customers(session, customers, contact):
        invitation = create_invitation(
            session,
            settings,
            customer_id=person.id,
            survey_key=survey_key,
            channel=channel,
            touchpoint=touchpoint,
            prefill=prefill,
            reminders=reminders,
            reminder_interval=reminder_interval,
        )
        live = channel not in SENT_CHANNELS
        rows.append(
            InvitationRow(
                invitation_id=invitation.id,
                customer=person.customer_ref,
                channel=invitation.channel,
                status="live" if live else "queued",
                link=survey_url(settings, invitation.id) if live else None,
            )
        )
    return rows
