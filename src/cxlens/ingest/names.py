"""Column names from header cells: cleaned, never empty, unique."""

from __future__ import annotations

from collections.abc import Sequence


def unique_names(cells: Sequence[str | None]) -> list[str]:
    """Clean header cells into unique names: ``Q1``, ``Q1 (2)``; empty → ``column N``."""
    seen: dict[str, int] = {}
    used: set[str] = set()
    out: list[str] = []
    for i, cell in enumerate(cells, start=1):
        base = (cell or "").replace("\ufeff", "").strip() or f"column {i}"
        name = base
        count = seen.get(base, 1)
        while name in used:
            count += 1
            name = f"{base} ({count})"
        seen[base] = count
        used.add(name)
        out.append(name)
    return out
