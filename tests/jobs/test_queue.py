from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cxlens.core.clock import ManualClock
from cxlens.db import unit_of_work
from cxlens.jobs import LeaseLost, claim, enqueue
from cxlens.jobs.queue import complete, hold
from cxlens.models import Job, JobStatus

LEASE = timedelta(seconds=30)


def _count(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return session.execute(select(func.count()).select_from(Job)).scalar_one()


def test_enqueue_in_a_rolled_back_transaction_leaves_nothing(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    with pytest.raises(RuntimeError), unit_of_work(migrated_engine) as session:
        enqueue(session, "email.send", {"to": "a@example.org"}, clock=clock)
        raise RuntimeError("the change that caused the job failed")
    assert _count(migrated_engine) == 0
    with unit_of_work(migrated_engine) as session:
        job = enqueue(session, "email.send", {"to": "a@example.org"}, clock=clock)
        assert job.id is not None
    assert _count(migrated_engine) == 1


def test_a_second_enqueue_with_the_same_key_is_a_no_op(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(migrated_engine) as session:
        first = enqueue(session, "email.send", {"n": 1}, idempotency_key="inv-7", clock=clock)
    with unit_of_work(migrated_engine) as session:
        second = enqueue(session, "email.send", {"n": 2}, idempotency_key="inv-7", clock=clock)
        again = enqueue(session, "email.send", {"n": 3}, idempotency_key="inv-7", clock=clock)
    assert first.id == second.id == again.id
    assert second.payload == {"n": 1}
    assert _count(migrated_engine) == 1


def test_payload_must_be_json() -> None:
    with Session() as session, pytest.raises(TypeError):
        enqueue(session, "x", {"when": object()})


def test_claim_takes_due_jobs_of_known_kinds_once(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(migrated_engine) as session:
        now_id = enqueue(session, "a", {}, clock=clock).id
        later_id = enqueue(session, "a", {}, run_at=clock.now() + timedelta(hours=1)).id
        enqueue(session, "unknown.kind", {}, clock=clock)
    long_lease = timedelta(hours=2)
    got = claim(migrated_engine, "w1", {"a"}, limit=10, lease=long_lease, clock=clock)
    assert [c.id for c in got] == [now_id]
    assert got[0].attempt == 1
    assert claim(migrated_engine, "w2", {"a"}, limit=10, lease=LEASE, clock=clock) == []
    clock.advance(timedelta(hours=1))
    got_later = claim(migrated_engine, "w2", {"a"}, limit=10, lease=LEASE, clock=clock)
    assert [c.id for c in got_later] == [later_id]


def test_claim_respects_the_limit_oldest_first(migrated_engine: Engine, clock: ManualClock) -> None:
    with unit_of_work(migrated_engine) as session:
        ids = [
            enqueue(session, "a", {"i": i}, run_at=clock.now() - timedelta(minutes=i)).id
            for i in range(5)
        ]
    got = claim(migrated_engine, "w1", {"a"}, limit=2, lease=LEASE, clock=clock)
    assert sorted(c.id for c in got) == sorted(ids[-2:])


def test_an_expired_lease_is_claimable_again_and_fences_the_old_worker(
    migrated_engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(migrated_engine) as session:
        job_id = enqueue(session, "a", {}, clock=clock).id
    (old,) = claim(migrated_engine, "crashed", {"a"}, limit=5, lease=LEASE, clock=clock)
    clock.advance(LEASE - timedelta(seconds=1))
    assert claim(migrated_engine, "w2", {"a"}, limit=5, lease=LEASE, clock=clock) == []
    clock.advance(timedelta(seconds=2))
    (new,) = claim(migrated_engine, "w2", {"a"}, limit=5, lease=LEASE, clock=clock)
    assert (new.id, new.attempt) == (job_id, 2)
    with unit_of_work(migrated_engine) as session:
        job = session.get_one(Job, job_id)
        assert job.locked_by == "w2"
        assert "crashed" in (job.last_error or "")
    with pytest.raises(LeaseLost), unit_of_work(migrated_engine) as session:
        hold(session, old)
    with pytest.raises(LeaseLost), unit_of_work(migrated_engine) as session:
        complete(session, old, now=clock.now())
    with unit_of_work(migrated_engine) as session:
        hold(session, new)
        complete(session, new, now=clock.now())
    with unit_of_work(migrated_engine) as session:
        job = session.get_one(Job, job_id)
        assert job.status == JobStatus.DONE
        assert job.locked_by is None
