"""Support cases from a Zendesk, ServiceNow or Freshdesk export (or any similar table).

Each system names its columns its own way; the system is recognised from its distinctive
headers and its names are tried first, then generic ones (``case_id``, ``opened_at`` ...).
An audit/history export holds several rows per case: they collapse to the case's last
state, ordered by the "updated" timestamp when there is one (ServiceNow's ``sys_mod_count``
breaks ties), else by file order. ``contact_count`` counts agent contacts (Zendesk replies,
Freshdesk agent interactions, ServiceNow reassignments + 1), so a case resolved at the
first contact has ``contact_count <= 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import CASES

from ._common import (
    RawLike,
    clean_values,
    header_index,
    match_fields,
    missing_column_error,
    normalize_header,
    printable_mapping,
    value_error,
)
from .dates import parse_date_columns
from .numbers import parse_counts, parse_durations
from .values import parse_bool

SYSTEMS = ("zendesk", "servicenow", "freshdesk", "generic")

_GENERIC: dict[str, tuple[str, ...]] = {
    "case_ref": (
        "case_ref",
        "case_id",
        "case id",
        "case number",
        "case",
        "ticket_id",
        "ticket number",
        "ticket",
        "incident",
        "incident number",
        "id",
    ),
    "customer_ref": (
        "customer_ref",
        "customer_id",
        "customer",
        "customer email",
        "email",
        "requester",
        "contact",
        "contact id",
    ),
    "channel": ("channel", "source", "contact type", "via"),
    "status": ("status", "state"),
    "opened_at": (
        "opened_at",
        "opened",
        "created_at",
        "created",
        "open date",
        "created date",
        "date opened",
        "created time",
        "opened time",
        "open time",
    ),
    "first_response_at": (
        "first_response_at",
        "first response at",
        "first response",
        "first reply at",
        "responded_at",
    ),
    "first_response_minutes": (
        "first_response_minutes",
        "first response minutes",
        "first response time minutes",
        "first reply minutes",
    ),
    "first_response_hours": (
        "first_response_hours",
        "first response hours",
        "first response time hours",
    ),
    "resolved_at": ("resolved_at", "resolved", "solved_at", "resolution date", "date resolved"),
    "closed_at": ("closed_at", "closed", "date closed"),
    "updated_at": (
        "updated_at",
        "updated",
        "last_updated",
        "last updated",
        "modified_at",
        "last modified",
    ),
    "contact_count": ("contact_count", "contacts", "interactions", "touches", "replies"),
    "reopen_count": ("reopen_count", "reopens", "times reopened"),
    "reopened": ("reopened", "was_reopened", "is reopened"),
}

_SYSTEM_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "zendesk": {
        "case_ref": ("Id", "Ticket ID", "Ticket number"),
        "customer_ref": ("Requester email", "Requester id", "Requester"),
        "channel": ("Via", "Channel", "Ticket channel", "Submission channel"),
        "status": ("Status", "Ticket status"),
        "opened_at": ("Created at", "Ticket created - Timestamp"),
        "first_response_at": ("First reply at",),
        "first_response_minutes": (
            "First reply time in minutes",
            "First reply time (min)",
            "First reply time - Calendar (min)",
        ),
        "resolved_at": ("Solved at", "Ticket solved - Timestamp"),
        "updated_at": ("Updated at", "Ticket updated - Timestamp"),
        "replies": ("Replies", "Agent replies"),
        "reopen_count": ("Reopens",),
    },
    "servicenow": {
        "case_ref": ("number",),
        "customer_ref": ("caller_id", "opened_for", "caller"),
        "channel": ("contact_type",),
        "status": ("state", "incident_state"),
        "opened_at": ("opened_at", "sys_created_on"),
        "first_response_at": ("u_first_response", "first_response_at", "responded_at"),
        "resolved_at": ("resolved_at",),
        "closed_at": ("closed_at",),
        "updated_at": ("sys_updated_on",),
        "order": ("sys_mod_count",),
        "reassignment_count": ("reassignment_count",),
        "reopen_count": ("reopen_count",),
    },
    "freshdesk": {
        "case_ref": ("Ticket ID",),
        "customer_ref": ("Requester email", "Email", "Contact ID", "Requester ID"),
        "channel": ("Source",),
        "status": ("Status",),
        "opened_at": ("Created time",),
        "first_response_at": ("Initial response time",),
        "first_response_hours": ("First response time (in hrs)", "First response time (hrs)"),
        "resolved_at": ("Resolved time",),
        "closed_at": ("Closed time",),
        "updated_at": ("Last update time", "Last updated time"),
        "agent_interactions": ("Agent interactions",),
    },
}

#: Headers that only one system writes (normalised); two or more name the system.
_MARKERS: dict[str, frozenset[str]] = {
    "zendesk": frozenset(
        {
            "solved at",
            "first reply time in minutes",
            "reopens",
            "replies",
            "via",
            "requester email",
            "ticket created timestamp",
            "first reply at",
            "group stations",
            "assignee stations",
        }
    ),
    "servicenow": frozenset(
        {
            "number",
            "opened at",
            "sys updated on",
            "reassignment count",
            "caller id",
            "contact type",
            "incident state",
            "sys mod count",
            "sys created on",
            "reopen count",
        }
    ),
    "freshdesk": frozenset(
        {
            "created time",
            "resolved time",
            "first response time in hrs",
            "agent interactions",
            "customer interactions",
            "initial response time",
            "closed time",
            "last update time",
            "resolution status",
            "first response status",
        }
    ),
}

_RESOLVED_STATES = frozenset({"solved", "resolved", "closed", "6", "7"})
_SERVICENOW_STATES = {
    "1": "new",
    "2": "in progress",
    "3": "on hold",
    "6": "resolved",
    "7": "closed",
    "8": "canceled",
}
_CHANNELS = {
    "web": "web",
    "web form": "web",
    "web_form": "web",
    "portal": "web",
    "self service": "web",
    "self-service": "web",
    "help center": "web",
    "api": "api",
    "email": "email",
    "mail": "email",
    "e-mail": "email",
    "outbound email": "email",
    "voice": "phone",
    "phone": "phone",
    "phone call (incoming)": "phone",
    "call": "phone",
    "phone call (outgoing)": "phone",
    "chat": "chat",
    "messaging": "chat",
    "whatsapp": "chat",
    "native messaging": "chat",
    "sms": "sms",
    "twitter": "social",
    "facebook": "social",
    "instagram": "social",
    "walk-in": "store",
    "walk in": "store",
    "store": "store",
    "feedback widget": "widget",
    "widget": "widget",
    "forum": "web",
}


@dataclass(frozen=True, slots=True)
class CasesImport:
    """Cases collapsed to their last state (``table`` has the CASES schema)."""

    table: pa.Table
    system: str
    mapping: dict[str, str]
    warnings: tuple[str, ...] = ()
    source_rows: int = 0


def detect_case_system(raw: RawLike) -> str | None:
    """The support system whose export ``raw`` looks like, or None when none is recognised."""
    headers = {normalize_header(h) for h in raw.header}
    scores = {name: len(markers & headers) for name, markers in _MARKERS.items()}
    best = max(scores, key=lambda name: scores[name])
    return best if scores[best] >= 2 else None


def looks_like_cases(raw: RawLike) -> bool:
    """Whether ``raw`` looks like a support-case export (system markers or generic names)."""
    if detect_case_system(raw) is not None:
        return True
    found = match_fields(raw, {k: _GENERIC[k] for k in ("case_ref", "opened_at")})
    index = header_index(raw)
    specific = {
        "case id",
        "case ref",
        "case number",
        "ticket id",
        "ticket number",
        "ticket",
        "incident",
        "incident number",
        "case",
    }
    return (
        len(found) == 2
        and any(normalize_header(c) in specific for c in found.values())
        and (bool(set(index) & {"resolved at", "resolved", "solved at", "closed at", "status"}))
    )


def _fields(raw: RawLike, system: str) -> dict[str, str]:
    found = match_fields(raw, _SYSTEM_FIELDS.get(system, {}))
    generic = {k: v for k, v in _GENERIC.items() if k not in found}
    found.update(match_fields(raw, generic, taken=found.values()))
    return found


def _status(text: str | None, system: str) -> str | None:
    if text is None:
        return None
    low = text.strip().lower()
    if system == "servicenow":
        low = _SERVICENOW_STATES.get(low, low)
    return low


def _channel(text: str | None) -> str | None:
    if text is None:
        return None
    low = text.strip().lower()
    return _CHANNELS.get(low, low)


def _looks_like_duration(texts: Sequence[str | None]) -> bool:
    present = [t for t in texts if t is not None]
    return bool(present) and all(
        t.replace(":", "").replace(".", "").replace(",", "").isdigit() and len(t) < 10
        for t in present
    )


class _Columns:
    """Parsed columns of the raw table, by field name (absent fields read as all-None)."""

    def __init__(self, raw: RawLike, found: dict[str, str], tz: str) -> None:
        self.raw, self.found, self.n = raw, found, raw.table.num_rows
        self.values: dict[str, list[Any]] = {}
        self.absent: list[Any] = [None] * self.n
        self.warnings: list[str] = []
        dated: dict[str, str] = {
            name: found[name]
            for name in ("opened_at", "first_response_at", "resolved_at", "closed_at", "updated_at")
            if name in found
        }
        if "first_response_at" in found:
            column = found["first_response_at"]
            if _looks_like_duration(clean_values(raw, column)):
                self.values["first_response_minutes"] = parse_durations(raw, column, 60.0)
                found["first_response_hours"] = found.pop("first_response_at")
                del dated["first_response_at"]
        parsed, self.warnings = parse_date_columns(raw, dated, tz=tz)
        self.values.update(parsed)
        for name, unit in (("first_response_minutes", 1.0), ("first_response_hours", 60.0)):
            if name in found and "first_response_minutes" not in self.values:
                self.values["first_response_minutes"] = parse_durations(raw, found[name], unit)
        for name in (
            "contact_count",
            "replies",
            "agent_interactions",
            "reassignment_count",
            "reopen_count",
            "order",
        ):
            if name in found:
                self.values[name] = parse_counts(raw, found[name])
        if "reopened" in found:
            self.values["reopened"] = parse_bool(raw, found["reopened"])
        for name in ("case_ref", "customer_ref", "channel", "status"):
            if name in found:
                self.values[name] = clean_values(raw, found[name])

    def get(self, name: str) -> list[Any]:
        return self.values.get(name, self.absent)


def _contact_count(cols: _Columns, i: int) -> int | None:
    for name in ("contact_count", "replies", "agent_interactions"):
        if name in cols.values:
            value: int | None = cols.values[name][i]
            return value
    if "reassignment_count" in cols.values:
        reassignments = cols.values["reassignment_count"][i]
        return None if reassignments is None else reassignments + 1
    return None


def _reopened(cols: _Columns, rows: list[int], system: str) -> bool | None:
    last = rows[-1]
    flags: list[bool] = []
    if "reopen_count" in cols.values and cols.values["reopen_count"][last] is not None:
        flags.append(cols.values["reopen_count"][last] > 0)
    if "reopened" in cols.values and cols.values["reopened"][last] is not None:
        flags.append(bool(cols.values["reopened"][last]))
    if "status" in cols.values and len(rows) > 1:
        was_resolved = False
        history = False
        for i in rows:
            state = _status(cols.values["status"][i], system)
            if state is None:
                continue
            if state in _RESOLVED_STATES or state in {"resolved", "closed"}:
                was_resolved = True
            elif was_resolved:
                history = True
        flags.append(history)
    return any(flags) if flags else None


def _fill(values: list[Any], rows: list[int]) -> Any:
    """The value of the last row, else the latest earlier non-null one."""
    for i in reversed(rows):
        if values[i] is not None:
            return values[i]
    return None


def read_cases(raw: RawLike, *, tz: str = "UTC", system: str | None = None) -> CasesImport:
    """Read a support-case export into a CASES table, one row per case (its last state).

    ``system`` forces "zendesk", "servicenow", "freshdesk" or "generic"; by default it is
    recognised from the headers. Naive times are read in ``tz`` and stored as UTC.
    """
    if system is not None and system not in SYSTEMS:
        raise InputError(f"unknown case system {system!r}", expected=" | ".join(SYSTEMS))
    chosen = system or detect_case_system(raw) or "generic"
    found = _fields(raw, chosen)
    for required in ("case_ref", "opened_at"):
        if required not in found:
            accepted = [*_SYSTEM_FIELDS.get(chosen, {}).get(required, ()), *_GENERIC[required]]
            what = "case id" if required == "case_ref" else "opening time"
            raise missing_column_error(raw, what, accepted, "case")
    mapping = printable_mapping(found)
    cols = _Columns(raw, found, tz)
    refs = cols.get("case_ref")
    updated, order = cols.get("updated_at"), cols.get("order")
    groups: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        if ref is None:
            raise value_error(raw, i, found["case_ref"], "", "a case id", "the case id is empty")
        groups.setdefault(ref, []).append(i)
    floor = datetime.min.replace(tzinfo=None)

    def key(i: int) -> tuple[Any, int, int]:
        moment = updated[i]
        return (moment.replace(tzinfo=None) if moment else floor, order[i] or 0, i)

    out: dict[str, list[Any]] = {name: [] for name in CASES.names}
    for ref, unordered in groups.items():
        rows = sorted(unordered, key=key) if "updated_at" in found else unordered
        last = rows[-1]
        opened = _fill(cols.get("opened_at"), rows)
        resolved_col = "resolved_at" if cols.get("resolved_at")[last] is not None else "closed_at"
        resolved = cols.get(resolved_col)[last]
        if opened is not None and resolved is not None and resolved < opened:
            raise InputError(
                f"case {ref!r} is resolved ({resolved.isoformat()}) before it was opened "
                f"({opened.isoformat()})",
                Location(file=raw.source, row=raw.file_row(last), column=found[resolved_col]),
                expected="a resolution time at or after the opening time",
            )
        first = _fill(cols.get("first_response_at"), rows)
        minutes = cols.get("first_response_minutes")[last]
        if first is None and minutes is not None and opened is not None:
            first = opened + timedelta(minutes=minutes)
        out["case_ref"].append(ref)
        out["customer_ref"].append(_fill(cols.get("customer_ref"), rows))
        out["channel"].append(_channel(_fill(cols.get("channel"), rows)))
        out["status"].append(_status(cols.get("status")[last], chosen))
        out["opened_at"].append(opened)
        out["first_response_at"].append(first)
        out["resolved_at"].append(resolved)
        out["contact_count"].append(_contact_count(cols, last))
        out["reopened"].append(_reopened(cols, rows, chosen))
    warnings = list(cols.warnings)
    missing_open = sum(1 for v in out["opened_at"] if v is None)
    if missing_open:
        warnings.append(f"{missing_open} case(s) have no opening time")
    early = sum(
        1
        for o, f in zip(out["opened_at"], out["first_response_at"], strict=True)
        if o is not None and f is not None and f < o
    )
    if early:
        warnings.append(f"{early} case(s) have a first response before their opening time")
    table = pa.table(out, schema=CASES)
    return CasesImport(table, chosen, mapping, tuple(warnings), raw.table.num_rows)
