from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cxlens.db import unit_of_work
from cxlens.demo import DemoData, generate
from cxlens.features.demo import load_demo, store_has_responses
from cxlens.features.demo.service import STEPS
from cxlens.models import (
    Answer,
    Customer,
    LifecycleEvent,
    LifecycleKind,
    Referral,
    Response,
    SupportCase,
)


@pytest.fixture(scope="module")
def small_demo() -> DemoData:
    return generate(seed=11, customers=500, years=1)


def count(session: Session, model: type, *where: object) -> int:
    stmt = select(func.count()).select_from(model)
    for condition in where:
        stmt = stmt.where(condition)  # type: ignore[arg-type]
    return session.scalar(stmt) or 0


def test_load_demo_stores_every_table(migrated_engine: Engine, small_demo: DemoData) -> None:
    steps: list[tuple[str, float | None]] = []
    with unit_of_work(migrated_engine) as s:
        assert not store_has_responses(s)
        result = load_demo(s, small_demo, on_progress=lambda m, f: steps.append((m, f)))
    assert result.responses_added == small_demo.responses.table.num_rows
    with unit_of_work(migrated_engine) as s:
        assert count(s, Response) == small_demo.responses.table.num_rows
        assert count(s, Customer) == small_demo.customers.num_rows
        assert count(s, SupportCase) == small_demo.cases.num_rows
        assert count(s, Referral) == small_demo.referrals.num_rows
        renewed = count(s, LifecycleEvent, LifecycleEvent.kind == LifecycleKind.RENEWED.value)
        assert renewed == small_demo.renewals.num_rows == result.renewals_added > 0
        churned = count(s, LifecycleEvent, LifecycleEvent.kind == LifecycleKind.CHURNED.value)
        assert churned == small_demo.customers.column("churned_at").drop_null().__len__()
        assert count(s, Answer) > count(s, Response)
        region = s.scalar(select(Customer.region).where(Customer.customer_ref == "C000001"))
        assert region == small_demo.customers.column("region")[0].as_py()
    messages = {m for m, _ in steps}
    assert messages == {f"Loading {s}" for s in STEPS}
    fractions = [f or 0.0 for _, f in steps]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0 and fractions[-1] == 1
    with unit_of_work(migrated_engine) as s:
        assert store_has_responses(s)
    assert str(result).startswith(f"{small_demo.company}: added 500 customers, ")


def test_loading_twice_adds_nothing(migrated_engine: Engine, small_demo: DemoData) -> None:
    with unit_of_work(migrated_engine) as s:
        load_demo(s, small_demo)
    with unit_of_work(migrated_engine) as s:
        again = load_demo(s, small_demo)
    assert again.responses_added == 0
    assert again.renewals_added == 0
    assert again.imports["referrals"].added == 0
    with unit_of_work(migrated_engine) as s:
        assert count(s, Response) == small_demo.responses.table.num_rows


def test_the_planted_problem_is_visible_through_the_store_metrics(migrated_engine: Engine) -> None:
    from cxlens.features.metrics.service import store_metrics

    demo = generate(seed=11, customers=2_000, years=2)
    p = demo.planted
    with unit_of_work(migrated_engine) as s:
        load_demo(s, demo)
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, by=("touchpoint", "region"), period="quarter")
    planted_quarter = f"{p.start.year}-Q{(p.start.month - 1) // 3 + 1}"
    nps = {
        (m.group["touchpoint"], m.group["region"], m.period): m for m in values if m.metric == "nps"
    }
    hit = nps[(p.touchpoint, p.region, planted_quarter)]
    same_region = [m for (t, r, q), m in nps.items() if t == p.touchpoint and r == p.region]
    same_quarter = [m for (t, r, q), m in nps.items() if t == p.touchpoint and q == planted_quarter]
    assert len(same_region) == 8 and len(same_quarter) == 7
    assert hit.value is not None and hit.ci_high is not None
    others = [m.value for m in same_region + same_quarter if m is not hit]
    assert all(v is not None and v > hit.value for v in others)  # the worst of its row and column
    assert hit.ci_high < sorted(v for v in others if v is not None)[len(others) // 2]
    # On this small demo (2,000 customers) the cell holds few answers: its fall is clear on its
    # own (p < 0.05) but the table's false-discovery control (one q per cell) need not star it.
    assert hit.change is not None and hit.change.difference < 0 and hit.change.p_value < 0.05
    assert hit.change.q_value is not None and hit.change.q_value >= hit.change.p_value
