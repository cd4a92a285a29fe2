"""Load a generated demo company into the store, through the store importers.

Flushes, never commits: the caller's unit of work makes the whole load one transaction.
Loading the same demo twice adds nothing (every importer is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from cxlens.demo import DemoData
from cxlens.features.customers.repository import customer_ids
from cxlens.features.demo import repository as repo
from cxlens.features.imports import (
    ImportResult,
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)

#: Called with a message ("Loading responses") and the share of the load done (0 to 1).
DemoProgress = Callable[[str, float | None], None]

STEPS = ("customers", "responses", "cases", "referrals", "renewals")


@dataclass(slots=True)
class DemoLoadResult:
    """What one load added: the importers' results by step, and renewal events."""

    company: str
    imports: dict[str, ImportResult] = field(default_factory=dict)
    renewals_added: int = 0

    def added(self, step: str) -> int:
        """Rows new to the store for ``step`` (one of :data:`STEPS`)."""
        if step == "renewals":
            return self.renewals_added
        result = self.imports.get(step)
        return result.added if result is not None else 0

    @property
    def responses_added(self) -> int:
        """Responses new to the store."""
        return self.added("responses")

    def __str__(self) -> str:
        parts = ", ".join(f"{self.added(step):,} {step}" for step in STEPS)
        return f"{self.company}: added {parts}"


def store_has_responses(session: Session) -> bool:
    """Whether the store holds any response (``cxlens demo --if-empty`` then does nothing)."""
    return repo.has_responses(session)


def load_demo(
    session: Session, data: DemoData, on_progress: DemoProgress | None = None
) -> DemoLoadResult:
    """Load customers, responses, support cases, referrals and renewals of ``data``.

    Customers go first, so that responses and cases find them with their profile.
    ``on_progress`` hears of each step and of the share done, by rows.
    """
    sizes = {
        "customers": data.customers.num_rows,
        "responses": data.responses.table.num_rows,
        "cases": data.cases.num_rows,
        "referrals": data.referrals.num_rows,
        "renewals": data.renewals.num_rows,
    }
    everything = max(1, sum(sizes.values()))
    before = {step: sum(sizes[s] for s in STEPS[: STEPS.index(step)]) for step in STEPS}

    def progress(step: str, done: int) -> None:
        if on_progress is not None:
            on_progress(f"Loading {step}", (before[step] + done) / everything)

    result = DemoLoadResult(company=data.company)
    steps: list[tuple[str, Callable[[], ImportResult]]] = [
        ("customers", lambda: import_customers(session, data.customers)),
        (
            "responses",
            lambda: import_responses(
                session, data.responses, on_progress=lambda done, _all: progress("responses", done)
            ),
        ),
        ("cases", lambda: import_cases(session, data.cases)),
        ("referrals", lambda: import_referrals(session, data.referrals)),
    ]
    for step, run in steps:
        progress(step, 0)
        result.imports[step] = run()
        progress(step, sizes[step])

    progress("renewals", 0)
    refs = data.renewals.column("customer_ref").to_pylist()
    ats = data.renewals.column("renewed_at").to_pylist()
    ids = customer_ids(session, refs)
    events = [(ids[ref], at) for ref, at in zip(refs, ats, strict=True) if ref in ids]
    result.renewals_added = repo.add_renewals(session, events)
    session.flush()
    progress("renewals", sizes["renewals"])
    return result
