"""Referrals: which customer brought which new customer, and when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from cxlens.core.tables import REFERRALS

from ._common import (
    RawLike,
    clean_values,
    match_fields,
    missing_column_error,
    printable_mapping,
    value_error,
)
from .dates import parse_date_column

FIELDS: dict[str, tuple[str, ...]] = {
    "referrer_ref": (
        "referrer_ref",
        "referrer",
        "referrer_id",
        "referrer id",
        "referrer email",
        "referred by",
        "referred_by",
        "advocate",
        "advocate id",
        "advocate email",
        "ambassador",
        "sponsor",
        "inviter",
        "invited by",
        "from customer",
    ),
    "referred_ref": (
        "referred_ref",
        "referred",
        "referred_id",
        "referred id",
        "referred email",
        "referred customer",
        "referee",
        "referee id",
        "referee email",
        "friend",
        "friend email",
        "invitee",
        "invitee email",
        "new customer",
        "new customer id",
        "to customer",
    ),
    "referred_at": (
        "referred_at",
        "referral date",
        "referral_date",
        "date",
        "referred on",
        "created_at",
        "created",
        "converted at",
        "signup date",
        "timestamp",
    ),
}


@dataclass(frozen=True, slots=True)
class ReferralsImport:
    """Referrals (``table`` has the REFERRALS schema), duplicates removed."""

    table: pa.Table
    mapping: dict[str, str]
    warnings: tuple[str, ...] = ()
    system: str = "generic"


def looks_like_referrals(raw: RawLike) -> bool:
    """Whether ``raw`` has both a referrer and a referred column."""
    found = match_fields(raw, FIELDS)
    return "referrer_ref" in found and "referred_ref" in found


def read_referrals(raw: RawLike, *, tz: str = "UTC") -> ReferralsImport:
    """Read a referral list (referrer, referred, optional date) into a REFERRALS table.

    A row repeating an earlier (referrer, referred) pair is dropped with a warning; a
    customer referring itself or an empty referrer/referred is an InputError.
    """
    found = match_fields(raw, FIELDS)
    for name, what in (("referrer_ref", "referrer"), ("referred_ref", "referred customer")):
        if name not in found:
            raise missing_column_error(raw, what, FIELDS[name], "referral")
    referrers = clean_values(raw, found["referrer_ref"])
    referred = clean_values(raw, found["referred_ref"])
    warnings: list[str] = []
    if "referred_at" in found:
        parsed = parse_date_column(raw, found["referred_at"], tz=tz)
        dates: list[Any] = parsed.values.to_pylist()
        if parsed.warning:
            warnings.append(parsed.warning)
    else:
        dates = [None] * raw.table.num_rows
    seen: set[tuple[str, str]] = set()
    out: dict[str, list[Any]] = {name: [] for name in REFERRALS.names}
    for index, (source, target) in enumerate(zip(referrers, referred, strict=True)):
        for value, field in ((source, "referrer_ref"), (target, "referred_ref")):
            if value is None:
                raise value_error(
                    raw, index, found[field], "", "a customer id or e-mail", "the value is empty"
                )
        assert source is not None and target is not None
        if source == target:
            raise value_error(
                raw,
                index,
                found["referred_ref"],
                target,
                "a customer other than the referrer",
                f"customer {source!r} cannot refer itself",
            )
        if (source, target) in seen:
            continue
        seen.add((source, target))
        out["referrer_ref"].append(source)
        out["referred_ref"].append(target)
        out["referred_at"].append(dates[index])
    dropped = raw.table.num_rows - len(seen)
    if dropped:
        warnings.append(f"{dropped} repeated referral row(s) were ignored")
    table = pa.table(out, schema=REFERRALS)
    return ReferralsImport(table, printable_mapping(found), tuple(warnings))
