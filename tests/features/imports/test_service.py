from __future__ import annotations

from datetime import UTC

import pyarrow as pa
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import factories as f
from cxlens.core.errors import InputError
from cxlens.core.tables import QuestionColumn
from cxlens.db import unit_of_work
from cxlens.features.imports import (
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)
from cxlens.models import (
    Answer,
    Customer,
    LifecycleEvent,
    Question,
    Referral,
    Response,
    SupportCase,
    SurveyVersion,
    Touchpoint,
)
from cxlens.models.text import TextLabel


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_responses_stores_responses_answers_and_references(
    migrated_engine: Engine,
) -> None:
    data = f.responses(
        [
            {
                "nps": 10,
                "comment": "great",
                "customer_ref": "u1",
                "account_ref": "acme",
                "touchpoint": "support",
                "channel": "email",
                "submitted_at": f.ts("2025-01-02"),
                "region": "north",
            },
            {
                "nps": 3,
                "comment": None,
                "customer_ref": "u2",
                "touchpoint": "new_step",
                "language": "it",
            },
        ],
        [f.NPS_Q, f.COMMENT_Q],
        dimensions=("region",),
    )
    with unit_of_work(migrated_engine) as s:
        result = import_responses(s, data)
    assert (result.added, result.skipped_duplicates, result.answers_added) == (2, 0, 3)
    assert result.customers_added == 2
    with unit_of_work(migrated_engine) as s:
        first = s.scalars(select(Response).where(Response.response_ref == "r0")).one()
        assert first.dimensions == {"region": "north"}
        assert first.channel == "email"
        assert first.submitted_at is not None and first.submitted_at.day == 2
        customer = s.get(Customer, first.customer_id)
        assert customer is not None and customer.customer_ref == "u1"
        assert customer.account_id == first.account_id is not None
        texts = s.scalars(select(Answer.text).where(Answer.text.is_not(None))).all()
        assert texts == ["great"]
        assert s.scalar(select(Touchpoint.position).where(Touchpoint.key == "new_step")) == 7
        q = s.scalars(select(Question).where(Question.key == "nps")).one()
        assert (q.positive_min, q.negative_max, q.scale_low, q.scale_high) == (9, 6, 0, 10)


def test_importing_the_same_data_twice_adds_nothing(migrated_engine: Engine) -> None:
    data = f.responses([*f.nps_rows([9, 8, 7, 1]), {"response_ref": "n-0", "nps": 5}])
    with unit_of_work(migrated_engine) as s:
        first = import_responses(s, data)
    with unit_of_work(migrated_engine) as s:
        second = import_responses(s, data)
    assert (first.added, first.skipped_duplicates) == (4, 1)  # repeated ref in the file
    assert (second.added, second.skipped_duplicates, second.answers_added) == (0, 5, 0)
    with unit_of_work(migrated_engine) as s:
        assert count(s, Response) == 4
        assert count(s, Answer) == 4
        assert count(s, SurveyVersion) == 1  # same questions: same version


def test_changed_questions_make_a_new_survey_version(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        a = import_responses(s, f.responses([{"nps": 5}]))
        b = import_responses(s, f.responses([{"response_ref": "x", "csat": 4}], [f.CSAT_Q]))
    assert (a.survey_version, b.survey_version) == (1, 2)
    assert a.survey_id == b.survey_id


def test_a_batch_failing_midway_leaves_the_store_unchanged(migrated_engine: Engine) -> None:
    scores: list[float] = [5.0] * 25
    scores[17] = 12.0  # outside 0-10, in the second batch
    data = f.responses(f.nps_rows(scores))
    progress: list[tuple[int, int]] = []
    with pytest.raises(InputError) as err, unit_of_work(migrated_engine) as s:
        import_responses(s, data, batch_size=10, on_progress=lambda d, t: progress.append((d, t)))
    assert progress == [(10, 25)]  # the first batch went in before the failure
    assert err.value.location.row == 18
    assert err.value.location.column == "nps"
    with unit_of_work(migrated_engine) as s:
        assert count(s, Response) == 0
        assert count(s, Answer) == 0
        assert count(s, Customer) == 0


def test_missing_response_ref_is_an_input_error(migrated_engine: Engine) -> None:
    data = f.responses([{"nps": 5}, {"nps": 6, "response_ref": None}])
    with pytest.raises(InputError, match="response_ref") as err, unit_of_work(migrated_engine) as s:
        import_responses(s, data)
    assert err.value.location.row == 2


def test_non_numeric_scores_are_an_input_error(migrated_engine: Engine) -> None:
    data = f.responses([{"nps": 5}])
    table = data.table.set_column(
        data.table.schema.get_field_index("nps"), "nps", pa.array(["very"], pa.string())
    )
    bad = type(data)(table=table, questions=data.questions)
    with pytest.raises(InputError, match="non-numeric"), unit_of_work(migrated_engine) as s:
        import_responses(s, bad)


def test_import_cases_upserts_by_case_ref(migrated_engine: Engine) -> None:
    first = f.cases(
        [
            {
                "case_ref": "T1",
                "customer_ref": "u1",
                "status": "open",
                "contact_count": 1,
                "opened_at": f.ts("2025-01-01T09:00"),
            },
            {"case_ref": "T2", "status": "closed", "contact_count": 2},
        ]
    )
    later = f.cases(
        [
            {
                "case_ref": "T1",
                "customer_ref": "u1",
                "status": "resolved",
                "contact_count": 3,
                "opened_at": f.ts("2025-01-01T09:00"),
                "resolved_at": f.ts("2025-01-02T09:00"),
                "reopened": True,
            },
        ]
    )
    with unit_of_work(migrated_engine) as s:
        r1 = import_cases(s, first)
    with unit_of_work(migrated_engine) as s:
        r2 = import_cases(s, later)
    assert (r1.added, r1.updated, r2.added, r2.updated) == (2, 0, 0, 1)
    with unit_of_work(migrated_engine) as s:
        case = s.scalars(select(SupportCase).where(SupportCase.case_ref == "T1")).one()
        assert (case.status, case.contact_count, case.reopened) == ("resolved", 3, True)
        assert case.customer_id is not None
        assert count(s, SupportCase) == 2


def test_import_cases_rejects_negative_contact_counts(migrated_engine: Engine) -> None:
    with pytest.raises(InputError, match="negative") as err, unit_of_work(migrated_engine) as s:
        import_cases(s, f.cases([{"contact_count": 1}, {"contact_count": -2}]))
    assert err.value.location.row == 2


def test_import_customers_upserts_and_writes_lifecycle_events(migrated_engine: Engine) -> None:
    rows = f.customers(
        [
            {
                "customer_ref": "u1",
                "region": "north",
                "plan": "pro",
                "account_ref": "acme",
                "acquired_at": f.ts("2024-01-01"),
                "churned_at": f.ts("2024-06-01"),
                "favourite": "blue",
            },
            {"customer_ref": "u2", "acquired_at": f.ts("2024-02-01")},
        ],
        extra=("favourite",),
    )
    with unit_of_work(migrated_engine) as s:
        r1 = import_customers(s, rows)
    update = f.customers([{"customer_ref": "u1", "plan": "basic"}])
    with unit_of_work(migrated_engine) as s:
        r2 = import_customers(s, update)
        again = import_customers(s, rows)
    assert (r1.added, r1.events_added) == (2, 3)
    assert (r2.added, r2.updated, r2.events_added) == (0, 1, 0)
    assert again.events_added == 0
    with unit_of_work(migrated_engine) as s:
        u1 = s.scalars(select(Customer).where(Customer.customer_ref == "u1")).one()
        assert (u1.plan, u1.region) == ("pro", "north")  # re-imported last
        assert u1.attributes == {"favourite": "blue"}
        assert u1.account_id is not None
        kinds = s.scalars(select(LifecycleEvent.kind).order_by(LifecycleEvent.at)).all()
        assert kinds == ["acquired", "acquired", "churned"]


def test_customer_update_keeps_values_the_file_leaves_empty(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers([{"customer_ref": "u1", "region": "north"}]))
        import_customers(s, f.customers([{"customer_ref": "u1", "plan": "pro"}]))
    with unit_of_work(migrated_engine) as s:
        u1 = s.scalars(select(Customer)).one()
        assert (u1.region, u1.plan) == ("north", "pro")


def test_a_reimport_that_changes_contact_details_is_audited_by_field_name(
    migrated_engine: Engine,
) -> None:
    from cxlens.features.accounts import recent_audit

    first = [{"customer_ref": "u1", "email": "a@example.com", "name": "Ann"}]
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers([*first, {"customer_ref": "u2", "plan": "pro"}]))
        assert recent_audit(s) == []  # new customers: nothing changed
    changed = [
        {"customer_ref": "u1", "email": "b@example.com", "name": "Ann", "plan": "pro"},
        {"customer_ref": "u2", "plan": "basic"},  # no contact column changes
    ]
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers(changed))
        import_customers(s, f.customers(changed))  # again: the same values, no entry
    with unit_of_work(migrated_engine) as s:
        [entry] = recent_audit(s)
        assert s.scalars(select(Customer.email).where(Customer.customer_ref == "u1")).one() == (
            "b@example.com"
        )
    assert (entry.action, entry.source, entry.target) == ("customer.contact_changed", "cli", "u1")
    assert entry.details == {"fields": ["email"], "via": "import"}


def test_import_referrals_skips_stored_pairs(migrated_engine: Engine) -> None:
    table = f.referrals(
        [
            {"referrer_ref": "u1", "referred_ref": "u2", "referred_at": f.ts("2024-03-01")},
            {"referrer_ref": "u1", "referred_ref": "u3"},
        ]
    )
    with unit_of_work(migrated_engine) as s:
        first = import_referrals(s, table)
    with unit_of_work(migrated_engine) as s:
        second = import_referrals(s, table)
    assert (first.added, first.customers_added) == (2, 3)
    assert (second.added, second.skipped_duplicates) == (0, 2)
    with unit_of_work(migrated_engine) as s:
        assert count(s, Referral) == 2


def test_self_referral_is_an_input_error(migrated_engine: Engine) -> None:
    table = f.referrals([{"referrer_ref": "u1", "referred_ref": "u1"}])
    with pytest.raises(InputError, match="themself"), unit_of_work(migrated_engine) as s:
        import_referrals(s, table)


def test_a_later_import_adds_only_the_new_responses_across_batches(
    migrated_engine: Engine,
) -> None:
    moment = f.ts("2025-02-03T04:05:06.789012")
    first = f.responses(f.nps_rows([1, 2, 3, 4, 5], submitted_at=moment))
    later = f.responses(f.nps_rows([1, 2, 3, 4, 5, 6, 7, float("nan")], submitted_at=moment))
    with unit_of_work(migrated_engine) as s:
        import_responses(s, first, batch_size=2)
    with unit_of_work(migrated_engine) as s:
        result = import_responses(s, later, batch_size=3)
    assert (result.added, result.skipped_duplicates, result.answers_added) == (3, 5, 2)
    with unit_of_work(migrated_engine) as s:
        refs = s.scalars(select(Response.response_ref).order_by(Response.id)).all()
        assert refs == [f"n-{i}" for i in range(8)]
        assert s.scalars(select(Answer.value).order_by(Answer.id)).all() == [1, 2, 3, 4, 5, 6, 7]
        stored = s.scalars(select(Response.submitted_at)).first()
        assert stored is not None
        assert (stored if stored.tzinfo else stored.replace(tzinfo=UTC)) == moment
        hashes = s.scalars(select(Response.content_hash)).all()
        assert all(len(h) == 64 for h in hashes) and len(set(hashes)) == 8


def test_a_changed_response_replaces_its_answers_and_keeps_unchanged_comments(
    migrated_engine: Engine,
) -> None:
    why = QuestionColumn("why", "Why?", "text")
    more = QuestionColumn("more", "Anything else?", "text")
    questions = [f.NPS_Q, why, more]
    first = f.responses(
        [
            {"nps": 3, "why": "slow", "more": "rude", "customer_ref": "u1"},
            {"nps": 9, "why": "fast", "more": None},
        ],
        questions,
    )
    with unit_of_work(migrated_engine) as s:
        import_responses(s, first)
        kept = s.scalars(select(Answer).where(Answer.text == "fast")).one()
        s.add(TextLabel(answer_id=kept.id, sentiment="positive"))
    later = f.responses(
        [
            {"nps": 4, "why": "very slow", "more": "very rude", "customer_ref": "u2"},
            {"nps": None, "why": "fast", "more": "thanks"},
        ],
        questions,
    )
    with unit_of_work(migrated_engine) as s:
        result = import_responses(s, later)
        again = import_responses(s, later)
    assert (result.added, result.updated, result.skipped_duplicates) == (0, 2, 0)
    assert (again.added, again.updated, again.skipped_duplicates) == (0, 0, 2)
    with unit_of_work(migrated_engine) as s:
        rows = s.execute(
            select(Response.response_ref, Question.key, Answer.value, Answer.text)
            .join(Answer, Answer.response_id == Response.id)
            .join(Question, Question.id == Answer.question_id)
            .order_by(Response.response_ref, Question.key)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("r0", "more", None, "very rude"),
            ("r0", "nps", 4.0, None),
            ("r0", "why", None, "very slow"),
            ("r1", "more", None, "thanks"),
            ("r1", "why", None, "fast"),
        ]
        label = s.scalars(select(TextLabel)).one()  # the unchanged comment kept its label
        assert s.get(Answer, label.answer_id) is not None
        customer = s.scalars(
            select(Customer.customer_ref).join(Response, Response.customer_id == Customer.id)
        ).one()
        assert customer == "u2"
        assert count(s, Response) == 2
