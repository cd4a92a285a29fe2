"""The system of record: SQLAlchemy 2.0 ORM models of every cxlens table."""

from cxlens.models import distribution as distribution  # distribution tables (issue 3)
from cxlens.models import text as text  # text analytics tables (issue 4)
from cxlens.models.accounts import ApiToken, AuditEntry, SignInFailure, User, WebSession
from cxlens.models.base import Base, utcnow
from cxlens.models.collection import AnswerChange, IncentiveCode, VoteClick
from cxlens.models.customers import (
    CUSTOMER_ATTRIBUTES,
    Account,
    Customer,
    LifecycleEvent,
    Referral,
)
from cxlens.models.enums import LifecycleKind, QuestionType
from cxlens.models.feedback import Answer, Invitation, Response
from cxlens.models.jobs import Delivery, DeliveryState, Job, JobStatus, Schedule
from cxlens.models.journey import DEFAULT_TOUCHPOINTS, Touchpoint
from cxlens.models.support import SupportCase
from cxlens.models.surveys import Question, Survey, SurveyVersion

__all__ = [
    "CUSTOMER_ATTRIBUTES",
    "DEFAULT_TOUCHPOINTS",
    "Account",
    "Answer",
    "AnswerChange",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Customer",
    "Delivery",
    "DeliveryState",
    "IncentiveCode",
    "Invitation",
    "Job",
    "JobStatus",
    "LifecycleEvent",
    "LifecycleKind",
    "Question",
    "QuestionType",
    "Referral",
    "Response",
    "Schedule",
    "SignInFailure",
    "SupportCase",
    "Survey",
    "SurveyVersion",
    "Touchpoint",
    "User",
    "VoteClick",
    "WebSession",
    "utcnow",
]
