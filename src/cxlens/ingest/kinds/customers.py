"""Customers with their lifecycle dates (acquired, churned) and profile attributes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import CUSTOMERS

from ._common import (
    RawLike,
    clean_values,
    match_fields,
    missing_column_error,
    printable_mapping,
    value_error,
)
from .dates import parse_date_columns
from .numbers import parse_numbers

_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "customer_ref": (
        "customer_ref",
        "customer_id",
        "customer id",
        "customer number",
        "customer",
        "client id",
        "client",
        "user_id",
        "user id",
        "contact id",
        "external id",
        "id",
    ),
    "account_ref": (
        "account_ref",
        "account",
        "account_id",
        "account name",
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
    ),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "phone": ("phone", "phone number", "mobile", "mobile phone", "telephone", "tel"),
    "name": ("name", "full name", "customer name", "contact name", "display name"),
    "locale": ("locale", "language", "lang", "preferred language"),
    "time_zone": ("time_zone", "timezone", "time zone", "tz"),
    "age_band": ("age_band", "age band", "age group", "age range", "age bracket", "age"),
    "gender": ("gender", "sex"),
    "industry": ("industry", "sector", "vertical"),
    "company_size": (
        "company_size",
        "company size",
        "employees",
        "number of employees",
        "headcount",
        "size",
    ),
    "plan": ("plan", "subscription", "subscription plan", "tier", "package"),
    "region": ("region", "country", "area", "market", "territory", "state"),
}
_VALUE = (
    "value",
    "customer value",
    "lifetime value",
    "ltv",
    "clv",
    "revenue",
    "arr",
    "mrr",
    "annual value",
    "total spent",
    "total spend",
)
_ACQUIRED = (
    "acquired_at",
    "acquired",
    "acquisition date",
    "signup_date",
    "sign up date",
    "signup date",
    "signed up",
    "signed up at",
    "signup",
    "customer since",
    "created_at",
    "created",
    "start date",
    "join date",
    "joined",
    "joined at",
    "registration date",
    "registered at",
    "first purchase date",
    "date acquired",
)
_CHURNED = (
    "churned_at",
    "churned",
    "churn_date",
    "churn date",
    "cancelled_at",
    "canceled_at",
    "cancelled",
    "canceled",
    "cancellation date",
    "cancel date",
    "cancelled on",
    "end date",
    "terminated at",
    "date churned",
    "lost at",
)
_FIRST = ("first name", "first_name", "given name", "firstname")
_LAST = ("last name", "last_name", "surname", "family name", "lastname")
_AGE_BANDS = (
    (18, "under 18"),
    (25, "18-24"),
    (35, "25-34"),
    (45, "35-44"),
    (55, "45-54"),
    (65, "55-64"),
)

ALL_ALIASES: dict[str, tuple[str, ...]] = {
    **_TEXT_FIELDS,
    "value": _VALUE,
    "acquired_at": _ACQUIRED,
    "churned_at": _CHURNED,
    "first_name": _FIRST,
    "last_name": _LAST,
}


@dataclass(frozen=True, slots=True)
class CustomersImport:
    """Customers (``table`` has the CUSTOMERS schema, one row per customer).

    ``extra`` keeps the columns that are no known field: ``customer_ref`` plus one string
    column per unknown header, for custom profile attributes.
    """

    table: pa.Table
    mapping: dict[str, str]
    extra: pa.Table
    warnings: tuple[str, ...] = ()
    system: str = "generic"


def _age_bands(raw: RawLike, column: str) -> list[str | None]:
    texts = clean_values(raw, column)
    if not all(t is None or t.isdigit() for t in texts):
        return texts  # already bands ("25-34", "35+")
    bands: list[str | None] = []
    for index, text in enumerate(texts):
        if text is None:
            bands.append(None)
            continue
        age = int(text)
        if age > 120:
            raise value_error(raw, index, column, text, "an age from 0 to 120 or an age band")
        bands.append(next((band for limit, band in _AGE_BANDS if age < limit), "65+"))
    return bands


def _time_zones(raw: RawLike, column: str) -> list[str | None]:
    texts = clean_values(raw, column)
    for index, text in enumerate(texts):
        if text is None:
            continue
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise value_error(
                raw, index, column, text, "an IANA time zone such as 'Europe/Rome'"
            ) from exc
    return texts


def _names(raw: RawLike, found: dict[str, str]) -> list[str | None]:
    if "name" in found:
        return clean_values(raw, found["name"])
    n = raw.table.num_rows
    first = clean_values(raw, found["first_name"]) if "first_name" in found else [None] * n
    last = clean_values(raw, found["last_name"]) if "last_name" in found else [None] * n
    return [" ".join(p for p in (a, b) if p) or None for a, b in zip(first, last, strict=True)]


def read_customers(raw: RawLike, *, tz: str = "UTC") -> CustomersImport:
    """Read a customer list into a CUSTOMERS table.

    A customer is identified by its id column, else by its e-mail address. A customer listed
    twice keeps its last row (with a warning). Naive dates are read in ``tz``.
    """
    found = match_fields(raw, ALL_ALIASES)
    if "customer_ref" not in found and "email" not in found:
        accepted = [*_TEXT_FIELDS["customer_ref"], *_TEXT_FIELDS["email"]]
        raise missing_column_error(raw, "customer id or e-mail", accepted, "customer")
    n = raw.table.num_rows
    columns: dict[str, list[Any]] = {}
    for name in _TEXT_FIELDS:
        if name == "age_band" and name in found:
            columns[name] = _age_bands(raw, found[name])
        elif name == "time_zone" and name in found:
            columns[name] = _time_zones(raw, found[name])
        elif name in found:
            columns[name] = clean_values(raw, found[name])
        else:
            columns[name] = [None] * n
    columns["name"] = _names(raw, found)
    columns["value"] = (
        parse_numbers(raw, found["value"], "an amount such as 1234.50 or 1.234,50")
        if "value" in found
        else [None] * n
    )
    dated: dict[str, str] = {
        name: found[name] for name in ("acquired_at", "churned_at") if name in found
    }
    parsed, warnings = parse_date_columns(raw, dated, tz=tz)
    for name in ("acquired_at", "churned_at"):
        columns[name] = parsed.get(name) or [None] * n
    id_column = found.get("customer_ref", found.get("email", ""))
    if "customer_ref" not in found:
        columns["customer_ref"] = list(columns["email"])
    rows: dict[str, int] = {}
    for index, ref in enumerate(columns["customer_ref"]):
        if ref is None:
            raise value_error(
                raw, index, id_column, "", "a customer id", "the customer id is empty"
            )
        acquired, churned = columns["acquired_at"][index], columns["churned_at"][index]
        if acquired is not None and churned is not None and churned < acquired:
            raise InputError(
                f"customer {ref!r} churned ({churned.date()}) before being acquired "
                f"({acquired.date()})",
                Location(
                    file=raw.source, row=raw.first_data_row + index, column=found["churned_at"]
                ),
                expected="a churn date at or after the acquisition date",
            )
        rows.pop(ref, None)
        rows[ref] = index
    if len(rows) < n:
        warnings.append(
            f"{n - len(rows)} row(s) repeat a customer already listed; "
            "the last row of each customer was kept"
        )
    keep = sorted(rows.values())
    table = pa.table({k: [columns[k][i] for i in keep] for k in CUSTOMERS.names}, schema=CUSTOMERS)
    used = set(found.values())
    extra: dict[str, Any] = {"customer_ref": table.column("customer_ref")}
    for column in (c for c in raw.header if c not in used):
        values = clean_values(raw, column)
        extra[column] = pa.array([values[i] for i in keep], pa.string())
    return CustomersImport(table, printable_mapping(found), pa.table(extra), tuple(warnings))


def looks_like_customers(raw: RawLike) -> bool:
    """Whether ``raw`` looks like a customer list (an id/e-mail and lifecycle or profile)."""
    found = match_fields(raw, ALL_ALIASES)
    if "customer_ref" not in found and "email" not in found:
        return False
    if "acquired_at" in found or "churned_at" in found:
        return True
    profile = {
        "account_ref",
        "phone",
        "name",
        "first_name",
        "locale",
        "time_zone",
        "age_band",
        "gender",
        "industry",
        "company_size",
        "plan",
        "region",
        "value",
    }
    return len(profile & set(found)) >= 3 and len(found) >= len(raw.header) / 2
