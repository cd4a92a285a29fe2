"""Option values as the commands take them: durations, moments, key=value pairs, quiet
hours, customer files. Errors say which option was wrong and what it expects."""

from __future__ import annotations

import csv
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from cxlens.core.errors import InputError, Location

#: The CSV columns ``--customers-file`` takes the customer reference from (first found).
REF_COLUMNS = ("customer_ref", "customer_id", "customer", "ref", "id")
_DURATION = re.compile(r"(\d+)\s*(w|d|h|m|s)", re.IGNORECASE)
_SECONDS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_duration(text: str, field: str) -> timedelta:
    """``2h``, ``90m``, ``1h30m``, ``3d``, ``1w``, ``45s`` or plain seconds as a timedelta."""
    value = text.strip().replace(" ", "")
    if value.isdigit():
        return timedelta(seconds=int(value))
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts).lower() != value.lower():
        raise InputError(
            f"cannot read the duration {text!r}",
            Location(field=field),
            expected="e.g. 2h, 90m, 1h30m, 3d, 1w, 45s",
        )
    return timedelta(seconds=sum(int(n) * _SECONDS[u.lower()] for n, u in parts))


def parse_moment(text: str, field: str) -> datetime:
    """An ISO 8601 moment with a time zone (``2030-01-01T10:00:00Z``)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(
            f"cannot read the time {text!r}",
            Location(field=field),
            expected="ISO 8601 with a time zone, e.g. 2030-01-01T10:00:00Z",
        )
    return moment


def parse_pairs(values: list[str] | None, field: str) -> dict[str, Any]:
    """``key=value`` options as a mapping; a key given twice, or ``a,b``, means any of them."""
    out: dict[str, Any] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"cannot read {item!r}", Location(field=field), expected="key=value")
        key = key.strip()
        found = [v.strip() for v in value.split(",")] if "," in value else [value.strip()]
        if key in out:
            before = out[key] if isinstance(out[key], list) else [out[key]]
            out[key] = before + found
        else:
            out[key] = found if len(found) > 1 else found[0]
    return out


def parse_quiet(text: str) -> tuple[time, time] | None:
    """``21:00-08:00`` as (start, end); ``off`` as ``None``."""
    if text.strip().lower() in ("off", "none", "no"):
        return None
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", text)
    if (
        match is None
        or int(match[1]) > 23
        or int(match[3]) > 23
        or max(int(match[2]), int(match[4])) > 59
    ):
        raise InputError(
            f"cannot read the quiet hours {text!r}",
            Location(field="quiet"),
            expected="HH:MM-HH:MM (e.g. 21:00-08:00) or off",
        )
    return time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))


def refs_from_file(path: Path) -> list[tuple[str, Location]]:
    """The customer references of a CSV file, each with its place (header = row 1)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            names = {name.strip().lower(): name for name in reader.fieldnames or []}
            column = next((names[c] for c in REF_COLUMNS if c in names), None)
            if column is None:
                raise InputError(
                    "no customer column",
                    Location(file=str(path), row=1),
                    expected="a header with one of " + ", ".join(REF_COLUMNS),
                )
            return [
                # blank lines are skipped, not counted
                (row[column].strip(), Location(file=str(path), row=reader.line_num))
                for row in reader
                if (row.get(column) or "").strip()
            ]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"cannot read the file: {error}", Location(file=str(path))) from None
