"""Load a generated demo company into the store, through the store importers.

Flushes, never commits: the caller's unit of work makes the whole load one transaction.
Loading the same demo twice adds nothing (every importer is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from cxlens.demo import DemoData
from cxlens.features.demo import repository as repo
from cxlens.features.imports import (
    ImportResult,
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)

#: Called with (step, rows done, rows in the step) as the load goes on.
DemoProgress = Callable[[str, int, int], None]

STEPS = ("customers", "responses", "cases", "referrals", "renewals")


@dataclass(slots=True)
class DemoLoadResult:
    """What one load added: the importers' results by step, and renewal events."""

    company: str
    imports: dict[str, ImportResult] = field(default_factory=dict)
    renewals_added: int = 0

    @property
    def responses_added(self) -> int:
        """Responses new to the store."""
        result = self.imports.get("responses")
        return result.added if result is not None else 0


def load_demo(
    session: Session, data: DemoData, on_progress: DemoProgress | None = None
) -> DemoLoadResult:
    """Load customers, responses, support cases, referrals and renewals of ``data``.

    Customers go first, so that responses and cases find them with their profile.
    """

    def progress(step: str, done: int, total: int) -> None:
        if on_progress is not None:
            on_progress(step, done, total)

    result = DemoLoadResult(company=data.company)
    steps: list[tuple[str, int, Callable[[], ImportResult]]] = [
        ("customers", data.customers.num_rows, lambda: import_customers(session, data.customers)),
        (
            "responses",
            data.responses.table.num_rows,
            lambda: import_responses(
                session,
                data.responses,
                on_progress=lambda done, total: progress("responses", done, total),
            ),
        ),
        ("cases", data.cases.num_rows, lambda: import_cases(session, data.cases)),
        ("referrals", data.referrals.num_rows, lambda: import_referrals(session, data.referrals)),
    ]
    for step, total, run in steps:
        progress(step, 0, total)
        result.imports[step] = run()
        progress(step, total, total)

    total = data.renewals.num_rows
    progress("renewals", 0, total)
    refs = data.renewals.column("customer_ref").to_pylist()
    ats = data.renewals.column("renewed_at").to_pylist()
    ids = repo.customer_ids(session, refs)
    events = [(ids[ref], at) for ref, at in zip(refs, ats, strict=True) if ref in ids]
    result.renewals_added = repo.add_renewals(session, events)
    session.flush()
    progress("renewals", total, total)
    return result
