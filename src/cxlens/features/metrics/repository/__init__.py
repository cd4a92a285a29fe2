"""All SQL of the store metrics: bucket counts grouped in the database.

Each query groups by the requested dimensions and (when a period is asked for) by a UTC
time bucket; :mod:`cxlens.features.metrics.service` folds buckets into periods and applies
the formulas of :mod:`cxlens.analytics.formulas`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from cxlens.core.vocabulary import METRIC_TYPES
from cxlens.features.collection.counting_repository import (
    counted_response,
    partial_response,
    response_time,
)
from cxlens.features.metrics.repository.dimensions import Dimensions, Filters, filter_conditions
from cxlens.features.metrics.repository.timebuckets import utc_bucket
from cxlens.models import (
    CUSTOMER_ATTRIBUTES,
    Account,
    Answer,
    Customer,
    Invitation,
    Question,
    Referral,
    Response,
    SupportCase,
    Survey,
    SurveyVersion,
    Touchpoint,
)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _keys(dims: Dimensions, by: Sequence[str]) -> list[ColumnElement[Any]]:
    return [dims.expr(name).label(f"k{i}") for i, name in enumerate(by)]


def score_buckets(
    session: Session,
    *,
    by: Sequence[str],
    granularity: str | None,
    survey: str | None,
    filters: Filters | None,
) -> Sequence[Row[Any]]:
    """Answer counts per question type, scale, group and UTC bucket.

    Row: ``type, scale_low, scale_high, k0..kN, bucket, n, promoters, passives, detractors,
    ultra, positive, negative, total, total_sq`` (scores oriented: higher = better). Only
    counted responses (:func:`~cxlens.features.collection.counting_repository.counted_response`) are
    in, with or without a period; a period buckets on their
    :func:`~cxlens.features.collection.counting_repository.response_time`.
    """
    dims = Dimensions("responses")
    keys = _keys(dims, by)
    conditions = filter_conditions(dims, filters)
    value = Answer.value.expression
    oriented = case(
        (Question.higher_is_better.is_(True), value),
        else_=Question.scale_low + Question.scale_high - value,
    )
    bucket = [utc_bucket(response_time(), granularity).label("bucket")] if granularity else []
    stmt: Select[Any] = select(
        Question.type,
        Question.scale_low,
        Question.scale_high,
        *keys,
        *bucket,
        func.count(value).label("n"),
        _count_if(value >= 9).label("promoters"),
        _count_if(and_(value >= 7, value < 9)).label("passives"),
        _count_if(value <= 6).label("detractors"),
        _count_if(value <= 1).label("ultra"),
        _count_if(oriented >= Question.positive_min).label("positive"),
        _count_if(oriented <= Question.negative_max).label("negative"),
        func.coalesce(func.sum(oriented), 0.0).label("total"),
        func.coalesce(func.sum(oriented * oriented), 0.0).label("total_sq"),
    )
    stmt = _from_answers(stmt)
    if survey is not None:
        dims.needed.add("survey")
        stmt = dims.join(stmt).where(Survey.name == survey)
    else:
        stmt = dims.join(stmt)
    stmt = stmt.where(Question.type.in_(METRIC_TYPES), value.is_not(None), counted_response())
    if granularity:
        stmt = stmt.where(response_time().is_not(None))
    stmt = stmt.where(*conditions)
    group = [Question.type, Question.scale_low, Question.scale_high, *keys, *bucket]
    return session.execute(stmt.group_by(*group)).all()


def _from_answers(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.select_from(Answer)
        .join(Question, Answer.question_id == Question.id)
        .join(Response, Answer.response_id == Response.id)
    )


def case_buckets(
    session: Session, *, by: Sequence[str], granularity: str | None, filters: Filters | None
) -> Sequence[Row[Any]]:
    """Support cases per group and UTC bucket of ``opened_at``: ``k.., bucket, n, first``.

    ``first`` counts cases resolved within the first contact and never reopened (FCR).
    """
    dims = Dimensions("cases")
    keys = _keys(dims, by)
    conditions = filter_conditions(dims, filters)
    bucket = [utc_bucket(SupportCase.opened_at, granularity).label("bucket")] if granularity else []
    first = and_(
        SupportCase.contact_count == 1,
        SupportCase.resolved_at.is_not(None),
        SupportCase.reopened.is_(False),
    )
    stmt: Select[Any] = select(
        *keys, *bucket, func.count().label("n"), _count_if(first).label("first")
    )
    stmt = dims.join(stmt.select_from(SupportCase))
    if granularity:
        stmt = stmt.where(SupportCase.opened_at.is_not(None))
    stmt = stmt.where(*conditions)
    return session.execute(stmt.group_by(*keys, *bucket)).all()


def resolution_times(
    session: Session, *, by: Sequence[str], filters: Filters | None
) -> Sequence[Row[Any]]:
    """Resolved cases: ``k.., opened_at, resolved_at`` (quantiles need the values)."""
    dims = Dimensions("cases")
    keys = _keys(dims, by)
    conditions = filter_conditions(dims, filters)
    stmt: Select[Any] = select(*keys, SupportCase.opened_at, SupportCase.resolved_at)
    stmt = dims.join(stmt.select_from(SupportCase)).where(
        SupportCase.opened_at.is_not(None), SupportCase.resolved_at.is_not(None)
    )
    return session.execute(stmt.where(*conditions)).all()


def customer_lifetimes(
    session: Session, *, by: Sequence[str], filters: Filters | None
) -> Sequence[Row[Any]]:
    """Every customer: ``id, k.., acquired_at, churned_at`` (dates may be null)."""
    dims = Dimensions("customers")
    dims.needed.add("customer")
    keys = _keys(dims, by)
    conditions = filter_conditions(dims, filters)
    stmt: Select[Any] = select(Customer.id, *keys, Customer.acquired_at, Customer.churned_at)
    stmt = dims.join(stmt.select_from(Customer))
    return session.execute(stmt.where(*conditions)).all()


def referral_moments(session: Session) -> Sequence[tuple[int, datetime | None]]:
    """(referrer id, when) of every referral."""
    rows = session.execute(select(Referral.referrer_id, Referral.at)).all()
    return [(r[0], r[1]) for r in rows]


def invitation_buckets(
    session: Session,
    *,
    by: Sequence[str],
    granularity: str | None,
    survey: str | None,
    filters: Filters | None,
) -> Sequence[Row[Any]]:
    """Delivered invitations per group and UTC bucket of delivery: ``k.., bucket, n, hits``.

    A hit is an invitation completed or linked to a counted response.
    """
    dims = Dimensions("invitations")
    keys = _keys(dims, by)
    conditions = filter_conditions(dims, filters)
    bucket = (
        [utc_bucket(Invitation.delivered_at, granularity).label("bucket")] if granularity else []
    )
    answered = or_(
        Invitation.completed_at.is_not(None),
        exists().where(Response.invitation_id == Invitation.id, counted_response()),
    )
    stmt: Select[Any] = select(
        *keys, *bucket, func.count().label("n"), _count_if(answered).label("hits")
    )
    if survey is not None:
        dims.needed.add("survey")
    stmt = dims.join(stmt.select_from(Invitation)).where(Invitation.delivered_at.is_not(None))
    if survey is not None:
        stmt = stmt.where(Survey.name == survey)
    stmt = stmt.where(*conditions)
    return session.execute(stmt.group_by(*keys, *bucket)).all()


def has_response_dimension(session: Session, name: str) -> bool:
    """Whether some response carries the extra dimension ``name``."""
    stmt = select(Response.id).where(Response.dimensions[name].as_string().is_not(None))
    return session.execute(stmt.limit(1)).first() is not None


def response_dimension_names(session: Session) -> list[str]:
    """The names of the extra dimensions the responses carry, sorted."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        keys = func.json_object_keys(Response.dimensions)
        rows = session.execute(select(keys).distinct()).scalars().all()
    else:
        each = func.json_each(Response.dimensions).table_valued("key")
        stmt = select(each.c.key).select_from(Response).join(each, true()).distinct()
        rows = session.execute(stmt).scalars().all()
    return sorted(str(r) for r in rows if r is not None)


def touchpoint_positions(session: Session) -> dict[str, int]:
    """Journey position of every touchpoint, by key (``touchpoints.position``)."""
    rows = session.execute(select(Touchpoint.key, Touchpoint.position, Touchpoint.id)).all()
    ranked = sorted(rows, key=lambda r: (r[1], r[2]))
    return {str(r[0]): i for i, r in enumerate(ranked)}


def partial_count(session: Session, *, survey: str | None) -> int:
    """How many responses are partial (started, never counted), of ``survey`` or all."""
    stmt: Select[Any] = select(func.count(Response.id)).where(partial_response())
    if survey is not None:
        stmt = stmt.join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
        stmt = stmt.join(Survey, SurveyVersion.survey_id == Survey.id).where(Survey.name == survey)
    return int(session.scalar(stmt) or 0)


def dimension_cardinality(session: Session, name: str) -> int:
    """How many values dimension ``name`` has, counted on the smallest table that holds it.

    An upper bound of the groups it splits a metric into (customer attributes are counted
    on the customers, surveys on the surveys ...), for the query-cost estimate.
    """
    column: ColumnElement[Any]
    if name in CUSTOMER_ATTRIBUTES:
        column = getattr(Customer, name).expression
    elif name == "account":
        return int(session.scalar(select(func.count(Account.id))) or 0) + 1
    elif name == "survey":
        return int(session.scalar(select(func.count(Survey.id))) or 0)
    elif name == "touchpoint":
        return int(session.scalar(select(func.count(Touchpoint.id))) or 0) + 1
    elif name == "question":
        return int(session.scalar(select(func.count(func.distinct(Question.key)))) or 0)
    else:
        column = Dimensions("responses").expr(name)
        distinct = select(column).select_from(Response).distinct().subquery()
        return int(session.scalar(select(func.count()).select_from(distinct)) or 0)
    distinct = select(column).distinct().subquery()
    return int(session.scalar(select(func.count()).select_from(distinct)) or 0)


def response_time_span(session: Session) -> tuple[datetime | None, datetime | None]:
    """The first and the last moment a counted response counts at."""
    row = session.execute(
        select(func.min(response_time()), func.max(response_time())).where(counted_response())
    ).one()
    return row[0], row[1]
