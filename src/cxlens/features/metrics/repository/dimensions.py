"""The dimensions metrics can be sliced by, per kind of fact, and the SQL joins and
conditions they need (part of the repository: it builds statements)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import QueryableAttribute

from cxlens.core.errors import ConfigurationError
from cxlens.models import (
    CUSTOMER_ATTRIBUTES,
    Account,
    Customer,
    Invitation,
    Question,
    Response,
    SupportCase,
    Survey,
    SurveyVersion,
    Touchpoint,
)

Filters = Mapping[str, str | Sequence[str]]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\- ]{0,63}$")

#: Dimensions of each kind of fact besides ``account`` and the customer attributes.
BUILT_IN: Mapping[str, tuple[str, ...]] = {
    "responses": ("survey", "touchpoint", "channel", "language", "source", "question"),
    "cases": ("channel", "status"),
    "invitations": ("channel", "survey", "touchpoint"),
    "customers": (),
}
#: Dimensions every kind of fact has (through its customer).
COMMON: tuple[str, ...] = ("account", *CUSTOMER_ATTRIBUTES)


def built_in_dimensions() -> tuple[str, ...]:
    """Every dimension that exists whatever the store holds, sorted."""
    names = set(COMMON)
    for fact in BUILT_IN.values():
        names.update(fact)
    return tuple(sorted(names))


class UnknownDimensionError(ConfigurationError):
    """Metrics asked to be sliced or filtered by a dimension that does not exist."""

    def __init__(self, name: str, valid: Sequence[str]) -> None:
        self.name = name
        self.valid = tuple(valid)
        super().__init__(
            f"unknown dimension {name!r}; valid dimensions are: {', '.join(self.valid)}"
        )


class Dimensions:
    """Resolves dimension names to SQL expressions for one kind of fact.

    ``fact`` is ``responses`` (answers), ``cases``, ``customers`` or ``invitations``.
    Remembers which optional tables the expressions need; :meth:`join` adds them.
    """

    def __init__(self, fact: str) -> None:
        self.fact = fact
        self.needed: set[str] = set()

    def supports(self, name: str) -> bool:
        """Whether this fact can be sliced by ``name``."""
        try:
            Dimensions(self.fact).expr(name)
        except ConfigurationError:
            return False
        return True

    def expr(self, name: str) -> ColumnElement[Any]:
        """The SQL expression of dimension ``name``; :class:`ConfigurationError` if unknown."""
        if name in CUSTOMER_ATTRIBUTES:
            self.needed.add("customer")
            return _col(getattr(Customer, name))
        if name == "account":
            self.needed.add("account")
            return Account.account_ref.expression
        fact = self.fact
        if fact == "responses":
            return self._response(name)
        if fact == "cases" and name in ("channel", "status"):
            return _col(getattr(SupportCase, name))
        if fact == "invitations":
            if name == "channel":
                return Invitation.channel.expression
            if name in ("survey", "touchpoint"):
                self.needed.add(name)
                return (Survey.name if name == "survey" else Touchpoint.key).expression
        raise ConfigurationError(f"{fact} metrics cannot be sliced by {name!r}")

    def _response(self, name: str) -> ColumnElement[Any]:
        if name in ("channel", "language", "source"):
            return _col(getattr(Response, name))
        if name == "survey":
            self.needed.add("survey")
            return Survey.name.expression
        if name == "touchpoint":
            self.needed.add("touchpoint")
            return Touchpoint.key.expression
        if name == "question":
            return Question.key.expression
        if not _NAME.match(name):
            raise ConfigurationError(f"{name!r} is not a dimension name")
        value: ColumnElement[Any] = Response.dimensions[name].as_string()
        return value

    def join(self, stmt: Select[Any]) -> Select[Any]:
        """``stmt`` with outer joins to the tables the resolved expressions need."""
        if self.fact == "responses":
            if "survey" in self.needed:
                stmt = stmt.join(SurveyVersion, Response.survey_version_id == SurveyVersion.id)
                stmt = stmt.join(Survey, SurveyVersion.survey_id == Survey.id)
            if "touchpoint" in self.needed:
                stmt = stmt.outerjoin(Touchpoint, Response.touchpoint_id == Touchpoint.id)
            if "customer" in self.needed:
                stmt = stmt.outerjoin(Customer, Response.customer_id == Customer.id)
            if "account" in self.needed:
                stmt = stmt.outerjoin(Account, Response.account_id == Account.id)
            return stmt
        if self.fact == "invitations":
            if "survey" in self.needed:
                stmt = stmt.join(SurveyVersion, Invitation.survey_version_id == SurveyVersion.id)
                stmt = stmt.join(Survey, SurveyVersion.survey_id == Survey.id)
            if "touchpoint" in self.needed:
                stmt = stmt.outerjoin(Touchpoint, Invitation.touchpoint_id == Touchpoint.id)
            customer_fk = Invitation.customer_id
        elif self.fact == "cases":
            customer_fk = SupportCase.customer_id
        else:
            customer_fk = None
        if customer_fk is not None and self.needed & {"customer", "account"}:
            stmt = stmt.outerjoin(Customer, customer_fk == Customer.id)
        if "account" in self.needed:
            stmt = stmt.outerjoin(Account, Customer.account_id == Account.id)
        return stmt


def _col(attr: QueryableAttribute[Any]) -> ColumnElement[Any]:
    return attr.expression


def filter_conditions(dims: Dimensions, filters: Filters | None) -> list[ColumnElement[bool]]:
    """Conditions restricting rows to the given dimension value(s).

    Call it *before* :meth:`Dimensions.join`: resolving a filter's dimension records the
    table it needs, which the join then adds.
    """
    conditions: list[ColumnElement[bool]] = []
    for name, wanted in (filters or {}).items():
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        conditions.append(dims.expr(name).in_(values))
    return conditions
