"""The SQL of contact pressure: policies, the one opt-out and bounce store, the send history
the frequency rules read, customer flags and the suppression log.

:mod:`cxlens.features.distribution.pressure` decides; this module only reads and writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from cxlens.models import Invitation, SurveyVersion
from cxlens.models.distribution import (
    ContactPolicy,
    ContactSuppression,
    CustomerFlag,
    DispatchStatus,
    InvitationDispatch,
    InvitationKind,
    SuppressionLogEntry,
    SuppressionReason,
)

# --- policies ------------------------------------------------------------------------------


def policy_rows(session: Session, survey_id: int | None) -> list[ContactPolicy]:
    """The global policy row and ``survey_id``'s own row (those that exist)."""
    return list(
        session.execute(
            select(ContactPolicy).where(
                (ContactPolicy.survey_id.is_(None)) | (ContactPolicy.survey_id == survey_id)
            )
        ).scalars()
    )


def policy_row(session: Session, survey_id: int | None) -> ContactPolicy:
    """The global policy row (``survey_id`` None) or one survey's, added when missing."""
    row = session.execute(
        select(ContactPolicy).where(
            ContactPolicy.survey_id.is_(None)
            if survey_id is None
            else ContactPolicy.survey_id == survey_id
        )
    ).scalar_one_or_none()
    if row is None:
        row = ContactPolicy(survey_id=survey_id)
        session.add(row)
    return row


# --- the opt-out and bounce store -------------------------------------------------------------


def add_suppression(
    session: Session,
    customer_id: int,
    *,
    reason: SuppressionReason,
    channel: str | None,
    created_at: datetime,
    address: str | None = None,
    detail: str | None = None,
    invitation_id: int | None = None,
    method: str | None = None,
) -> ContactSuppression:
    """Store an opt-out or a bounce (flushed)."""
    row = ContactSuppression(
        customer_id=customer_id,
        channel=channel,
        address=address,
        reason=reason.value,
        detail=detail,
        invitation_id=invitation_id,
        method=method,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return row


def opt_out_of(
    session: Session, customer_id: int, channel: str | None
) -> ContactSuppression | None:
    """The customer's opt-out covering ``channel`` (one of that channel or of all channels);
    with ``channel`` None, only an opt-out of all channels."""
    covers: ColumnElement[bool] = ContactSuppression.channel.is_(None)
    if channel is not None:
        covers = covers | (ContactSuppression.channel == channel)
    return session.execute(
        select(ContactSuppression)
        .where(
            ContactSuppression.customer_id == customer_id,
            ContactSuppression.reason == SuppressionReason.OPT_OUT.value,
            covers,
        )
        .order_by(ContactSuppression.id)
        .limit(1)
    ).scalar()


def bounced_addresses(session: Session, customer_id: int, channel: str) -> list[str | None]:
    """The addresses of the customer that bounced on ``channel`` (None: all of them)."""
    return list(
        session.execute(
            select(ContactSuppression.address).where(
                ContactSuppression.customer_id == customer_id,
                ContactSuppression.reason == SuppressionReason.BOUNCE.value,
                ContactSuppression.channel == channel,
            )
        ).scalars()
    )


# --- send history -----------------------------------------------------------------------------


def last_sent_since(
    session: Session, customer_id: int, since: datetime, exclude: int, survey_id: int | None
) -> Invitation | None:
    """The customer's latest invitation sent after ``since`` (to ``survey_id`` if given),
    other than invitation ``exclude``."""
    query = select(Invitation).where(
        Invitation.customer_id == customer_id,
        Invitation.sent_at.is_not(None),
        Invitation.sent_at > since,
        Invitation.id != exclude,
    )
    if survey_id is not None:
        query = query.join(SurveyVersion, SurveyVersion.id == Invitation.survey_version_id).where(
            SurveyVersion.survey_id == survey_id
        )
    return session.execute(query.order_by(Invitation.sent_at.desc()).limit(1)).scalar()


def open_hot_dispatches(
    session: Session, customer_id: int, exclude: int
) -> list[tuple[int, str, datetime | None]]:
    """``(invitation id, status, sent_at)`` of the customer's pending or sent hot
    invitations, other than ``exclude``."""
    rows = session.execute(
        select(InvitationDispatch.invitation_id, InvitationDispatch.status, Invitation.sent_at)
        .join(Invitation, Invitation.id == InvitationDispatch.invitation_id)
        .where(
            InvitationDispatch.customer_id == customer_id,
            InvitationDispatch.kind == InvitationKind.HOT.value,
            InvitationDispatch.invitation_id != exclude,
            InvitationDispatch.status.in_(
                [DispatchStatus.PENDING.value, DispatchStatus.SENT.value]
            ),
        )
    ).all()
    return [(int(i), str(status), sent_at) for i, status, sent_at in rows]


def latest_sent_outcomes(
    session: Session, customer_id: int, limit: int = 100
) -> list[tuple[datetime | None, datetime | None]]:
    """``(started_at, completed_at)`` of the customer's latest sent invitations, newest first."""
    rows = session.execute(
        select(Invitation.started_at, Invitation.completed_at)
        .where(Invitation.customer_id == customer_id, Invitation.sent_at.is_not(None))
        .order_by(Invitation.sent_at.desc(), Invitation.id.desc())
        .limit(limit)
    ).all()
    return [(started, completed) for started, completed in rows]


def customers_sent_to(session: Session) -> list[int]:
    """Ids of the customers who were sent at least one invitation."""
    return [
        int(i)
        for i in session.execute(
            select(Invitation.customer_id)
            .where(Invitation.customer_id.is_not(None), Invitation.sent_at.is_not(None))
            .distinct()
        ).scalars()
        if i is not None
    ]


def last_sent_at(session: Session, customer_id: int) -> datetime | None:
    """When the customer's latest invitation was sent."""
    return session.execute(
        select(Invitation.sent_at)
        .where(Invitation.customer_id == customer_id, Invitation.sent_at.is_not(None))
        .order_by(Invitation.sent_at.desc())
        .limit(1)
    ).scalar()


# --- customer flags ---------------------------------------------------------------------------


def customer_flag(session: Session, customer_id: int, flag: str) -> CustomerFlag | None:
    """The customer's ``flag`` row, if set."""
    return session.execute(
        select(CustomerFlag).where(
            CustomerFlag.customer_id == customer_id, CustomerFlag.flag == flag
        )
    ).scalar_one_or_none()


def set_customer_flag(
    session: Session, customer_id: int, flag: str, *, detail: str, at: datetime
) -> CustomerFlag:
    """Set (or update the detail of) the customer's ``flag`` (flushed)."""
    row = customer_flag(session, customer_id, flag)
    if row is None:
        row = CustomerFlag(customer_id=customer_id, flag=flag, detail=detail, flagged_at=at)
        session.add(row)
    else:
        row.detail = detail
    session.flush()
    return row


def clear_customer_flag(session: Session, customer_id: int, flag: str) -> None:
    """Clear the customer's ``flag`` (flushed); nothing when it is not set."""
    row = customer_flag(session, customer_id, flag)
    if row is not None:
        session.delete(row)
        session.flush()


def flagged_customer_ids(session: Session, flag: str) -> list[int]:
    """Ids of the customers carrying ``flag``, in id order."""
    return [
        int(i)
        for i in session.execute(
            select(CustomerFlag.customer_id)
            .where(CustomerFlag.flag == flag)
            .order_by(CustomerFlag.customer_id)
        ).scalars()
    ]


# --- the suppression log ----------------------------------------------------------------------


def add_log_entries(session: Session, entries: Sequence[SuppressionLogEntry]) -> None:
    """Write suppression-log entries (flushed)."""
    session.add_all(entries)
    session.flush()
