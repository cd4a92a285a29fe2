"""Export and erase one customer everywhere, on SQLite and PostgreSQL, amid the demo data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, exists, func, select, text
from sqlalchemy.orm import Session

import factories as f
from cxlens.core.errors import NotFoundError
from cxlens.db import unit_of_work
from cxlens.demo import generate
from cxlens.features.demo.service import load_demo
from cxlens.features.privacy import (
    EXPORT_FORMAT,
    ErasureCheckError,
    erase_customer,
    erasure_plan,
    export_customer,
    marker,
    reclaim_space,
)
from cxlens.features.privacy.datamap import tables_in_order
from cxlens.models import AuditEntry, Base, Customer, Delivery, IncentiveCode, Job
from cxlens.models.text import TextTheme

KEY = "k" * 32
EMAIL = "erase.me@example.org"
COMMENT = "Courier threw the box over the fence, call me on 0612345678"


@pytest.fixture
def store(migrated_engine: Engine) -> Engine:
    """The demo company (100 customers) plus two customers in every table: P1 and P2."""
    with unit_of_work(migrated_engine) as session:
        load_demo(session, generate(seed=3, customers=100))
        f.add_customer_everywhere(session, "P1", EMAIL, comment=COMMENT)
        f.add_customer_everywhere(session, "P2", "keep.me@example.org")
        session.add(
            AuditEntry(source="web", action="note", details={"note": f"{EMAIL.upper()} rang"})
        )
    return migrated_engine


def _count(session: Session, model: type[Base]) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def orphans(session: Session) -> list[str]:
    """Every foreign key value without its parent row (``PRAGMA foreign_key_check`` on any
    backend), as ``table.column``."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            dangling = select(func.count()).where(
                child.isnot(None), ~exists().where(parent == child)
            )
            if session.execute(dangling.select_from(table)).scalar():
                found.append(f"{table.name}.{child.name}")
    return found


def test_the_export_holds_the_customer_in_every_table(store: Engine) -> None:
    with unit_of_work(store) as session:
        document = export_customer(session, "P1", key=KEY)
    dumped = json.dumps(document)
    assert document["format"] == EXPORT_FORMAT
    assert document["customer"]["email"] == EMAIL
    for name in [*tables_in_order()[1:], "incentive_codes", "jobs", "deliveries"]:
        assert document["tables"][name], f"nothing exported from {name}"
    assert {a["text"] for a in document["tables"]["answers"]} >= {COMMENT}
    assert document["theme_examples"] == [{"theme": "delivery", "text": COMMENT}]
    assert [e["action"] for e in document["audit_log"]] == ["customer.updated", "note"]
    assert "keep.me@example.org" not in dumped  # nothing of the other customer
    with unit_of_work(store) as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "customer.exported")
        ).scalar_one()
        assert entry.details is not None
        assert entry.details["marker"] == marker("P1", KEY)
        assert EMAIL not in json.dumps(entry.details) and "P1" not in str(entry.target)


def test_erasing_removes_every_row_and_leaves_the_others_untouched(store: Engine) -> None:
    with unit_of_work(store) as session:
        other_before = erasure_plan(session, "P2")
        plan = erasure_plan(session, "P1")
        customers_before = session.execute(select(func.count()).select_from(Customer)).scalar()
        ledger_before = [_count(session, Job), _count(session, Delivery)]
    assert plan.deleted["customers"] == 1 and plan.deleted["answers"] == 2
    assert plan.deleted["jobs"] == 1 and plan.deleted["deliveries"] == 1
    assert plan.unlinked == {"incentive_codes": 1}
    assert plan.scrubbed == {"text_themes": 1, "audit_log": 2}
    assert plan.suppressed_channels == ["email"]
    with unit_of_work(store) as session:
        report = erase_customer(session, "P1", key=KEY, source="cli")
    reclaim_space(store)
    assert report.deleted == plan.deleted
    with unit_of_work(store) as session:
        assert orphans(session) == []
        if store.dialect.name == "sqlite":
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert session.execute(select(func.count()).select_from(Customer)).scalar() == (
            customers_before - 1
        )
        with pytest.raises(NotFoundError) as caught:
            erasure_plan(session, "P1")
        assert caught.value.error_code == "unknown_customer"
        assert erasure_plan(session, "P2") == other_before
        assert [_count(session, Job), _count(session, Delivery)] == [
            ledger_before[0] - 1,
            ledger_before[1] - 1,
        ]
        theme = session.execute(select(TextTheme).where(TextTheme.key == "delivery")).scalar_one()
        learned = theme.examples["learned"]
        assert COMMENT not in learned and len(learned) == 1  # P2's comment stays
        assert len(theme.details["answer_ids"]) == 1
        code = session.execute(
            select(IncentiveCode).where(IncentiveCode.code == "CODE-P1")
        ).scalar_one()
        assert code.response_id is None and code.assigned_at is not None  # never given twice
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        erased = [e for e in entries if e.action == "customer.erased"]
        assert len(erased) == 1 and erased[0].details is not None
        assert erased[0].details["deleted"] == plan.deleted
        assert erased[0].details["marker"] == marker("P1", KEY)
        everything = json.dumps([(e.target, e.details) for e in entries])
        assert EMAIL not in everything.lower() and '"P1"' not in everything
        assert "[erased] rang" in everything
        assert "keep.me@example.org" in everything  # P2's entry is untouched


def _file_bytes(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _secure_delete_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA secure_delete=0")


def test_the_erased_email_and_comment_leave_the_sqlite_files(store: Engine) -> None:
    if store.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reclaims dead rows with VACUUM (reclaim_space runs it)")
    url = store.url.render_as_string()
    assert EMAIL.encode() in _file_bytes(url)
    # Debian builds SQLite with secure delete on by default, most others do not: start every
    # connection with it off, so the erasure has to turn it on itself.
    store.dispose()
    event.listen(store, "connect", _secure_delete_off)
    with unit_of_work(store) as session:
        erase_customer(session, "P1", key=KEY)
    reclaim_space(store)
    raw = _file_bytes(url)
    assert EMAIL.encode() not in raw
    assert COMMENT.encode() not in raw
    assert b"keep.me@example.org" in raw


def test_an_erasure_that_fails_leaves_everything_as_it_was(store: Engine) -> None:
    with unit_of_work(store) as session:
        before = erasure_plan(session, "P1")
    with pytest.raises(RuntimeError), unit_of_work(store) as session:
        erase_customer(session, "P1", key=KEY)
        raise RuntimeError("the edge failed before the commit")
    with unit_of_work(store) as session:
        assert erasure_plan(session, "P1") == before
        assert not session.execute(
            select(AuditEntry).where(AuditEntry.action == "customer.erased")
        ).first()


def test_an_unknown_customer_is_not_found(session: Session) -> None:
    with pytest.raises(NotFoundError) as caught:
        erase_customer(session, "nobody", key=KEY)
    assert caught.value.error_code == "unknown_customer"


def test_a_demo_customer_is_erased_and_nobody_else(store: Engine) -> None:
    with unit_of_work(store) as session:
        plan = erasure_plan(session, "C000001")
        others = [erasure_plan(session, ref) for ref in ("C000002", "C000050", "P2")]
        customers = _count(session, Customer)
    assert plan.deleted["customers"] == 1 and plan.deleted.get("responses")
    with unit_of_work(store) as session:
        report = erase_customer(session, "C000001", key=KEY)
    assert report.deleted == plan.deleted
    with unit_of_work(store) as session:
        assert orphans(session) == []
        assert [erasure_plan(session, ref) for ref in ("C000002", "C000050", "P2")] == others
        assert _count(session, Customer) == customers - 1


def test_a_table_missing_from_the_map_stops_the_erasure(store: Engine) -> None:
    with unit_of_work(store) as session:
        session.execute(
            text(
                "CREATE TABLE unmapped_notes (id INTEGER PRIMARY KEY, "
                "customer_id INTEGER REFERENCES customers (id))"
            )
        )
        customer_id = session.execute(
            select(Customer.id).where(Customer.customer_ref == "P1")
        ).scalar_one()
        session.execute(text(f"INSERT INTO unmapped_notes VALUES (1, {customer_id})"))
        before = erasure_plan(session, "P1")
    with pytest.raises(ErasureCheckError) as caught, unit_of_work(store) as session:
        erase_customer(session, "P1", key=KEY)
    assert caught.value.error_code == "erasure_incomplete"
    with unit_of_work(store) as session:
        assert erasure_plan(session, "P1") == before
