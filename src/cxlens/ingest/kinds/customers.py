"""Customers with their lifecycle (dates, a churn flag, tenure, contract) and profile.

Churn exports such as IBM's Telco sample hold no dates: a churn flag (``Churn`` Yes/No,
``status`` active/cancelled), the tenure in months and the contract type. They are read as
the extra columns ``churned`` (bool), ``tenure_months`` and ``contract`` of the table,
after the CUSTOMERS columns. Phone numbers are stored in E.164 (:mod:`cxlens.core.phones`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from cxlens.core.errors import InputError, Location
from cxlens.core.phones import PhoneError, is_region, to_e164
from cxlens.core.tables import CUSTOMERS

from ._common import (
    RawLike,
    clean_array,
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
    "total charges",
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
#: A churn flag: the column says whether the customer left (values in _CHURN_YES/_NO).
_CHURN_FLAG = (
    "churn",
    "churned",
    "churn flag",
    "churn label",
    "is churned",
    "has churned",
    "exited",
    "attrition",
    "attrition flag",
    "cancelled",
    "canceled",
)
#: Status columns: a churn flag only when every value is a churn-flag value.
_STATUS = (
    "status",
    "customer status",
    "account status",
    "subscription status",
    "membership status",
)
_TENURE = (
    "tenure_months",
    "tenure",
    "tenure months",
    "tenure in months",
    "months",
    "months active",
    "months as customer",
    "customer tenure",
    "subscription months",
)
_CONTRACT = ("contract", "contract type", "contract term", "contract length", "billing term")
_CHURN_YES = frozenset(
    {
        "yes", "y", "true", "t", "1", "churned", "churn", "cancelled", "canceled",
        "inactive", "lost", "left", "exited", "terminated", "former", "ended", "closed",
        "expired", "lapsed",
    }
)  # fmt: skip
_CHURN_NO = frozenset(
    {
        "no", "n", "false", "f", "0", "active", "current", "retained", "stayed", "renewed",
        "existing", "subscribed", "open", "customer",
    }
)  # fmt: skip
#: The lifecycle columns read beside the CUSTOMERS ones (names of the extra columns).
LIFECYCLE_EXTRA = ("churned", "tenure_months", "contract")
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
    "churned": _CHURN_FLAG,
    "tenure_months": _TENURE,
    "contract": _CONTRACT,
    "first_name": _FIRST,
    "last_name": _LAST,
}


@dataclass(frozen=True, slots=True)
class CustomersImport:
    """Customers: one row per customer.

    ``table`` has the CUSTOMERS columns, then the lifecycle columns the file holds
    (``churned``, ``tenure_months``, ``contract``), then one string column per header that
    is no known field (custom profile attributes; the importer keeps them as attributes).
    ``extra`` holds ``customer_ref`` and those custom columns only.
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


def _is_flag_column(raw: RawLike, column: str) -> bool:
    """Whether every value of ``column`` is a churn-flag value (and there is one)."""
    keys = {t.lower() for t in clean_values(raw, column) if t is not None}
    return bool(keys) and keys <= _CHURN_YES | _CHURN_NO


def _churn_flags(raw: RawLike, column: str) -> list[bool | None]:
    flags: list[bool | None] = []
    for index, text in enumerate(clean_values(raw, column)):
        key = None if text is None else text.lower()
        if key is None:
            flags.append(None)
        elif key in _CHURN_YES or key in _CHURN_NO:
            flags.append(key in _CHURN_YES)
        else:
            raise value_error(
                raw,
                index,
                column,
                text,
                "a churn flag: Yes/No, True/False, 1/0, or a status such as active, "
                "cancelled, churned",
            )
    return flags


def _lifecycle_fields(raw: RawLike, found: dict[str, str]) -> dict[str, str]:
    """``found`` with a churn column holding flags (not dates) moved to ``churned``."""
    out = dict(found)
    churned_at = out.get("churned_at")
    if "churned" not in out and churned_at is not None and _is_flag_column(raw, churned_at):
        out["churned"] = out.pop("churned_at")
    if "churned" not in out:
        status = match_fields(raw, {"status": _STATUS}, taken=out.values()).get("status")
        if status is not None and _is_flag_column(raw, status):
            out["churned"] = status
    return out


def _tenures(raw: RawLike, column: str) -> list[float | None]:
    expected = "a tenure in months (0 or more)"
    months = parse_numbers(raw, column, expected)
    texts = clean_values(raw, column)
    for index, value in enumerate(months):
        if value is not None and value < 0:
            raise value_error(raw, index, column, texts[index], expected)
    return months


def _phones(
    raw: RawLike, column: str, regions: list[str | None], default_region: str | None
) -> list[str | None]:
    """E.164 numbers, read in the customer's country (a region code) or ``default_region``.

    Every invalid number is reported in one error naming the first one's row and column.
    """
    out: list[str | None] = []
    bad: list[tuple[int, str, str]] = []
    for index, text in enumerate(clean_values(raw, column)):
        if text is None:
            out.append(None)
            continue
        region = regions[index] if is_region(regions[index]) else default_region
        try:
            out.append(to_e164(text, region))
        except PhoneError as exc:
            bad.append((index, text, str(exc)))
            out.append(None)
    if bad:
        index, text, why = bad[0]
        more = ""
        if len(bad) > 1:
            rows = ", ".join(str(raw.file_row(i)) for i, _, _ in bad[1:6])
            more = f"; {len(bad) - 1} more invalid number(s), in row(s) {rows}"
            more += " …" if len(bad) > 6 else ""
        raise value_error(
            raw,
            index,
            column,
            text,
            "a valid phone number: +country code and number, or a national number with the "
            "customer's country (a region code such as NL) or CXLENS_PHONE_REGION set",
            f"{text!r} is not a valid phone number ({why}){more}",
        )
    return out


def read_customers(
    raw: RawLike, *, tz: str = "UTC", phone_region: str | None = None
) -> CustomersImport:
    """Read a customer list into a CUSTOMERS table (plus lifecycle and custom columns).

    A customer is identified by its id column, else by its e-mail address. A customer listed
    twice keeps its last row (with a warning). Naive dates are read in ``tz``. Phone numbers
    are stored in E.164, read in the customer's country (when the region column holds a
    region code) or in ``phone_region``; an invalid one is an error naming row and column.
    """
    if phone_region is not None and not is_region(phone_region):
        raise InputError(
            f"{phone_region!r} is not a country phone numbers can be read in",
            Location(field="phone_region"),
            expected="an ISO 3166 country code such as NL, IT or US",
        )
    found = _lifecycle_fields(raw, match_fields(raw, ALL_ALIASES))
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
        elif name == "phone" and name in found:
            regions: list[str | None] = (
                clean_values(raw, found["region"]) if "region" in found else [None] * n
            )
            columns[name] = _phones(raw, found[name], regions, phone_region)
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
                Location(file=raw.source, row=raw.file_row(index), column=found["churned_at"]),
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
    lifecycle: dict[str, pa.Array] = {}
    if "churned" in found:
        flags = _churn_flags(raw, found["churned"])
        lifecycle["churned"] = pa.array([flags[i] for i in keep], pa.bool_())
    if "tenure_months" in found:
        months = _tenures(raw, found["tenure_months"])
        lifecycle["tenure_months"] = pa.array([months[i] for i in keep], pa.float64())
    if "contract" in found:
        contracts = clean_values(raw, found["contract"])
        lifecycle["contract"] = pa.array([contracts[i] for i in keep], pa.string())
    used = set(found.values())
    taken = {*CUSTOMERS.names, *LIFECYCLE_EXTRA}
    extra: dict[str, Any] = {"customer_ref": table.column("customer_ref")}
    for column in (c for c in raw.header if c not in used and c not in taken):
        values = clean_values(raw, column)
        extra[column] = pa.array([values[i] for i in keep], pa.string())
    for name, array in [*lifecycle.items(), *list(extra.items())[1:]]:
        table = table.append_column(name, array)
    return CustomersImport(table, printable_mapping(found), pa.table(extra), tuple(warnings))


def looks_like_customers(raw: RawLike) -> bool:
    """Whether ``raw`` looks like a customer list (an id/e-mail and lifecycle or profile)."""
    found = {
        name: column
        for name, column in _lifecycle_fields(raw, match_fields(raw, ALL_ALIASES)).items()
        if clean_array(raw, column).null_count < raw.table.num_rows  # an empty column says nothing
    }
    if "customer_ref" not in found and "email" not in found:
        return False
    if found.keys() & {"acquired_at", "churned_at", "churned", "tenure_months"}:
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
        "contract",
    }
    return len(profile & set(found)) >= 3 and len(found) >= len(raw.header) / 2
