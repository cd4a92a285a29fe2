"""The map of everything cxlens holds about one customer, written down as data.

Every foreign key that leads, directly or through other rows, to a customer is one
:class:`Link` of :data:`CUSTOMER_LINKS`: the table holding the rows, its column, the table
that column points at, and what an erasure does to the rows (delete them, or only clear the
pointer). The list is in parent-before-child order, so that collecting ids walks it once
and deleting walks its tables backwards. ``tests/features/privacy/test_datamap.py`` fails
when a table gains a foreign key into this graph (a ``customer_id``, ``response_id``,
``answer_id``, ``invitation_id`` … column) that the list does not name.

What no foreign key points at — rows that name the customer inside a value — is
:data:`VALUE_REFERENCES`: send jobs and their delivery-ledger entries (an invitation id in
the payload and key), theme examples copied from comments, and audit entries that mention
the customer. The service handles each of those by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: The table every link leads back to.
ROOT = "customers"


class LinkAction(StrEnum):
    """What erasing a customer does to the rows a link reaches."""

    #: The rows are the customer's: exported, then deleted.
    DELETE = "delete"
    #: The rows are not the customer's (an incentive code, another opt-out): the pointer is
    #: cleared, the row stays.
    UNLINK = "unlink"


@dataclass(frozen=True)
class Link:
    """``table.column`` points at ``parent`` (its primary key); ``action`` on erasure."""

    table: str
    column: str
    parent: str
    action: LinkAction = LinkAction.DELETE
    why: str = ""


_D = LinkAction.DELETE
_U = LinkAction.UNLINK

#: Every foreign key into the customer's graph, parents before children.
CUSTOMER_LINKS: tuple[Link, ...] = (
    Link("customer_events", "customer_id", ROOT, _D, "events received for the customer"),
    Link("invitations", "customer_id", ROOT, _D, "invitations sent to the customer"),
    Link("invitation_dispatches", "customer_id", ROOT, _D, "how each invitation is sent"),
    Link("invitation_dispatches", "invitation_id", "invitations", _D, "1:1 with invitations"),
    Link("invitation_dispatches", "event_id", "customer_events", _D, "the event behind a send"),
    Link("responses", "customer_id", ROOT, _D, "the customer's responses"),
    Link("responses", "invitation_id", "invitations", _D, "responses to their invitations"),
    Link("answers", "response_id", "responses", _D, "answers and comments"),
    Link("answer_changes", "response_id", "responses", _D, "old and new answer values"),
    Link(
        "incentive_codes",
        "response_id",
        "responses",
        _U,
        "a code handed out stays used (never given twice); only the link to the response goes",
    ),
    Link("vote_clicks", "invitation_id", "invitations", _D, "score-link clicks"),
    Link("contact_suppressions", "customer_id", ROOT, _D, "opt-outs and bounces"),
    Link(
        "contact_suppressions",
        "invitation_id",
        "invitations",
        _U,
        "another customer's opt-out made from this customer's link keeps its row",
    ),
    Link("suppression_log", "customer_id", ROOT, _D, "sends not made, and why"),
    Link("suppression_log", "invitation_id", "invitations", _D, "sends not made, and why"),
    Link("customer_flags", "customer_id", ROOT, _D, "silent-customer flags"),
    Link("lifecycle_events", "customer_id", ROOT, _D, "acquired, renewed, churned"),
    Link("referrals", "referrer_id", ROOT, _D, "whom they referred"),
    Link("referrals", "referred_id", ROOT, _D, "who referred them"),
    Link("support_cases", "customer_id", ROOT, _D, "support cases"),
    Link("text_analyses", "answer_id", "answers", _D, "language and sentiment of comments"),
    Link("text_theme_hits", "analysis_id", "text_analyses", _D, "themes found in comments"),
    Link("text_embeddings", "answer_id", "answers", _D, "cached embeddings of comments"),
    Link("text_labels", "answer_id", "answers", _D, "the team's labels of comments"),
)

#: Rows that name the customer in a value, not through a foreign key (handled by name).
VALUE_REFERENCES: dict[str, str] = {
    "jobs": "send jobs (email.send, sms.send) whose payload names one of their invitations",
    "deliveries": "delivery-ledger entries keyed by one of their invitations",
    "text_themes": "theme examples copied from their comments; their answer ids in details",
    "audit_log": "earlier audit entries naming their reference or address (scrubbed)",
}


def tables_in_order() -> list[str]:
    """The tables the links reach, root first, each after every table it points at."""
    order = [ROOT]
    for link in CUSTOMER_LINKS:
        if link.action is LinkAction.DELETE and link.table not in order:
            order.append(link.table)
    return order


def links_from(table: str) -> list[Link]:
    """The links of ``table`` (one per column pointing into the graph)."""
    return [link for link in CUSTOMER_LINKS if link.table == table]
