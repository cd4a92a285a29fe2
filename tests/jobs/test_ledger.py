from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from cxlens.core.clock import ManualClock
from cxlens.db import unit_of_work
from cxlens.jobs import begin_delivery, mark_sent, message_id_for, once
from cxlens.models import Delivery


def test_once_is_true_only_the_first_time_and_only_if_committed(migrated_engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(migrated_engine) as session:
        assert once(session, "thank-you:42") is True
        raise RuntimeError("crash before commit")
    with unit_of_work(migrated_engine) as session:
        assert once(session, "thank-you:42") is True
        assert once(session, "thank-you:42") is False
    with unit_of_work(migrated_engine) as session:
        assert once(session, "thank-you:42") is False
        assert once(session, "thank-you:43") is True


def test_message_ids_are_derived_from_the_key() -> None:
    assert message_id_for("invite:1") == message_id_for("invite:1")
    assert message_id_for("invite:1") != message_id_for("invite:2")
    assert message_id_for("invite:1", "mail.example.org").endswith("@mail.example.org>")


def test_crash_windows_of_an_external_send(migrated_engine: Engine, clock: ManualClock) -> None:
    key = "invite:7"
    # attempt 1 commits "sending", then the process dies (before or after the send)
    first = begin_delivery(migrated_engine, key, job_id=1, clock=clock)
    assert (first.attempt, first.already_sent, first.uncertain) == (1, False, False)
    # attempt 2 cannot know whether the message left: same Message-ID, flagged uncertain
    second = begin_delivery(migrated_engine, key, job_id=1, clock=clock)
    assert (second.attempt, second.already_sent, second.uncertain) == (2, False, True)
    assert second.message_id == first.message_id == message_id_for(key)
    # attempt 2 sends, but its job transaction rolls back: "sent" is not recorded
    with pytest.raises(RuntimeError), unit_of_work(migrated_engine) as session:
        mark_sent(session, key, clock=clock)
        raise RuntimeError("crash between send and commit")
    assert begin_delivery(migrated_engine, key, clock=clock).attempt == 3
    # attempt 4 sends and commits with its job: later attempts skip
    begin_delivery(migrated_engine, key, clock=clock)
    with unit_of_work(migrated_engine) as session:
        mark_sent(session, key, clock=clock)
    after = begin_delivery(migrated_engine, key, clock=clock)
    assert after.already_sent is True
    with unit_of_work(migrated_engine) as session:
        row = session.execute(select(Delivery).where(Delivery.key == key)).scalar_one()
        assert (row.state, row.attempts, row.message_id) == ("sent", 4, first.message_id)
        assert row.sent_at is not None


def test_mark_sent_needs_a_ledger_entry(migrated_engine: Engine) -> None:
    with pytest.raises(LookupError), unit_of_work(migrated_engine) as session:
        mark_sent(session, "never-begun")
