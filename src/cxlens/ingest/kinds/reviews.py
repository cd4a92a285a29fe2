"""Public reviews (Trustpilot, Google Business Profile, App Store, Google Play) as feedback.

A review becomes a response on the ``review`` channel with one ``rating`` question (stars,
1-5) and one ``text`` question (title and content joined). The source is recognised from
the export's headers.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from cxlens.core.errors import InputError, Location
from cxlens.core.tables import RESPONSES, NormalizedResponses, QuestionColumn

from ._common import (
    RawLike,
    clean_values,
    match_fields,
    normalize_header,
    printable_mapping,
    value_error,
)
from .dates import from_epoch_millis, parse_date_column

SOURCES = ("trustpilot", "google_business", "google_play", "app_store")
_LABELS = {
    "trustpilot": "Trustpilot",
    "google_business": "Google Business Profile",
    "google_play": "Google Play",
    "app_store": "App Store",
}
_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "trustpilot": {
        "ref": ("Review Id", "Review ID", "Reference Id"),
        "submitted_at": ("Review Created (UTC)", "Review Created", "Review Date"),
        "rating": ("Review Stars", "Stars", "Rating"),
        "title": ("Review Title", "Title"),
        "content": ("Review Content", "Content", "Review Text"),
        "language": ("Review Language", "Language"),
        "customer_ref": ("Email Address", "Email", "Consumer Email", "Customer Email"),
    },
    "google_business": {
        "ref": ("reviewId", "review id", "name"),
        "submitted_at": ("createTime", "create time", "created", "date"),
        "rating": ("starRating", "star rating", "rating", "stars"),
        "content": ("comment", "review", "text"),
        "author": ("reviewer", "reviewer.displayName", "reviewer name", "author"),
    },
    "google_play": {
        "ref": ("Review Link", "Review ID"),
        "submitted_at": ("Review Submit Date and Time",),
        "submitted_millis": ("Review Submit Millis Since Epoch",),
        "rating": ("Star Rating",),
        "title": ("Review Title",),
        "content": ("Review Text",),
        "language": ("Reviewer Language",),
    },
    "app_store": {
        "ref": ("Review ID", "Review Id", "Id"),
        "submitted_at": ("Date", "Review Date", "Review Submit Date and Time", "Created"),
        "rating": ("Rating", "Star Rating", "Stars"),
        "title": ("Title", "Review Title"),
        "content": ("Review", "Review Text", "Body", "Content"),
        "language": ("Language",),
        "author": ("Nickname", "Author", "User Name"),
    },
}
_MARKERS: dict[str, frozenset[str]] = {
    "trustpilot": frozenset(
        {
            "review created utc",
            "review stars",
            "review content",
            "review language",
            "reference id",
            "review consumer user id",
            "business unit id",
            "source of review",
        }
    ),
    "google_play": frozenset(
        {
            "package name",
            "app version code",
            "reviewer language",
            "review submit date and time",
            "review submit millis since epoch",
            "star rating",
            "review link",
            "device",
        }
    ),
    "google_business": frozenset(
        {
            "createtime",
            "starrating",
            "reviewid",
            "updatetime",
            "reviewer",
            "reviewer displayname",
            "reviewreply",
            "comment",
        }
    ),
}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_STARS = re.compile(r"^(\d+(?:[.,]0+)?)\s*(?:stars?|/\s*5|★+)?$")
_TEXT = QuestionColumn(column="text", text="Review", kind="text")


@dataclass(frozen=True, slots=True)
class ReviewsImport:
    """Reviews read from one export, with the source and the mapping used."""

    responses: NormalizedResponses
    system: str
    mapping: dict[str, str]

    @property
    def table(self) -> pa.Table:
        """The responses table."""
        return self.responses.table

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings raised while reading."""
        return self.responses.warnings


def detect_review_source(raw: RawLike) -> str | None:
    """The review site whose export ``raw`` looks like, or None."""
    headers = {normalize_header(h) for h in raw.header}
    for source in ("trustpilot", "google_play", "google_business"):
        if len(_MARKERS[source] & headers) >= 2:
            return source
    has_rating = bool(headers & {"rating", "star rating", "stars"})
    has_text = bool(headers & {"review", "review text", "body", "content"})
    return "app_store" if has_rating and has_text else None


def _stars(raw: RawLike, column: str) -> list[float | None]:
    out: list[float | None] = []
    for index, text in enumerate(clean_values(raw, column)):
        low = None if text is None else text.strip().lower()
        if low is None or low == "star_rating_unspecified":
            out.append(None)
            continue
        match = _STARS.match(low)
        stars = _WORDS.get(low) or (int(float(match.group(1).replace(",", "."))) if match else 0)
        if not 1 <= stars <= 5:
            raise value_error(raw, index, column, text, "a star rating from 1 to 5 (or ONE..FIVE)")
        out.append(float(stars))
    return out


def _language(code: str | None) -> str | None:
    if code is None:
        return None
    parts = code.replace("_", "-").split("-")
    head = parts[0].lower()
    if not head.isalpha() or not 2 <= len(head) <= 3:
        return None
    return "-".join([head, *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def _original(text: str | None) -> str | None:
    """Google's "(Translated by Google) … (Original) …": keep the customer's own words."""
    if text is not None and "(Original)" in text:
        return text.split("(Original)", 1)[1].strip() or None
    return text


def _join(title: str | None, content: str | None) -> str | None:
    parts = [p for p in (title, content) if p]
    return "\n".join(parts) or None


def read_review_export(raw: RawLike, *, tz: str = "UTC") -> ReviewsImport:
    """Read a review export, returning the responses with the source and mapping used."""
    source = detect_review_source(raw)
    if source is None:
        raise InputError(
            "this file is not a recognised review export; columns found: " + ", ".join(raw.header),
            Location(file=raw.source),
            expected="a Trustpilot, Google Business Profile, App Store or Google Play export "
            "(e.g. 'Review Stars' and 'Review Content', or 'Rating' and 'Review')",
        )
    found = match_fields(raw, _FIELDS[source])
    if "rating" not in found:
        accepted = list(_FIELDS[source]["rating"])
        raise InputError(
            "no star-rating column; columns found: " + ", ".join(raw.header),
            Location(file=raw.source),
            expected="a column named one of: " + ", ".join(repr(a) for a in accepted),
        )
    n = raw.table.num_rows
    warnings: list[str] = []

    def texts(field: str) -> list[str | None]:
        return clean_values(raw, found[field]) if field in found else [None] * n

    stars = _stars(raw, found["rating"])
    if "submitted_at" in found:
        utc_column = "utc" in normalize_header(found["submitted_at"]).split()
        parsed = parse_date_column(raw, found["submitted_at"], tz="UTC" if utc_column else tz)
        dates: list[Any] = parsed.values.to_pylist()
        if parsed.warning:
            warnings.append(parsed.warning)
    elif "submitted_millis" in found:
        dates = from_epoch_millis(raw, found["submitted_millis"]).to_pylist()
    else:
        dates = [None] * n
        warnings.append("no review date column: reviews have no date")
    titles, contents, authors = texts("title"), texts("content"), texts("author")
    joined = [_join(t, _original(c)) for t, c in zip(titles, contents, strict=True)]
    ids, customers = texts("ref"), texts("customer_ref")
    languages = [_language(code) for code in texts("language")]
    rows: dict[str, int] = {}
    refs: list[str] = []
    for i in range(n):
        ref = ids[i] or _content_hash(source, dates[i], stars[i], joined[i], authors[i])
        refs.append(ref)
        rows.pop(ref, None)
        rows[ref] = i
    if len(rows) < n:
        warnings.append(f"{n - len(rows)} repeated review row(s): the last of each was kept")
    keep = sorted(rows.values())
    columns: dict[str, list[Any]] = {
        "response_ref": [refs[i] for i in keep],
        "submitted_at": [dates[i] for i in keep],
        "customer_ref": [customers[i] for i in keep],
        "account_ref": [None] * len(keep),
        "channel": ["review"] * len(keep),
        "source": [source] * len(keep),
        "language": [languages[i] for i in keep],
        "touchpoint": [None] * len(keep),
        "rating": [stars[i] for i in keep],
        "text": [joined[i] for i in keep],
    }
    schema = RESPONSES.append(pa.field("rating", pa.float64())).append(
        pa.field("text", pa.string())
    )
    rating = QuestionColumn(
        column="rating",
        text=f"{_LABELS[source]} star rating",
        kind="rating",
        scale_low=1,
        scale_high=5,
    )
    responses = NormalizedResponses(
        table=pa.table(columns, schema=schema),
        questions=(rating, _TEXT),
        survey_name=f"{_LABELS[source]} reviews",
        warnings=tuple(warnings),
    )
    return ReviewsImport(responses, source, printable_mapping(found))


def read_reviews(raw: RawLike, *, tz: str = "UTC") -> NormalizedResponses:
    """Read a review export into responses: channel "review", a 1-5 rating and the text."""
    return read_review_export(raw, tz=tz).responses


def _content_hash(source: str, *parts: object) -> str:
    digest = hashlib.sha256(repr((source, *parts)).encode("utf-8")).hexdigest()
    return f"{source}:{digest[:32]}"
