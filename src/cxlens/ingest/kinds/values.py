"""Reading yes/no columns."""

from __future__ import annotations

from ._common import RawLike, clean_values, value_error

_TRUE = frozenset({"true", "yes", "y", "1", "t", "x", "ja", "si", "sì", "oui", "da", "sí"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "nee", "nein", "non", "nu"})


def parse_bool(raw: RawLike, column: str) -> list[bool | None]:
    """Parse a yes/no column (nulls kept); InputError on anything else."""
    out: list[bool | None] = []
    for index, text in enumerate(clean_values(raw, column)):
        if text is None:
            out.append(None)
        elif text.lower() in _TRUE:
            out.append(True)
        elif text.lower() in _FALSE:
            out.append(False)
        else:
            raise value_error(raw, index, column, text, "yes/no, true/false or 1/0")
    return out
