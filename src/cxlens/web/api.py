"""REST API v1."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cxlens.features.accounts.permissions import Permission
from cxlens.features.metrics.service import (
    operational_metrics,
    partial_responses,
    store_metrics,
)
from cxlens.web.auth import requires
from cxlens.web.deps import ReadSession, SettingsDep
from cxlens.web.errors import problem_responses

router = APIRouter(prefix="/api/v1", tags=["metrics"])


class ComparisonOut(BaseModel):
    """Significance of the change against the previous period."""

    reference: str
    difference: float | None
    test: str
    statistic: float | None
    p_value: float | None
    q_value: float | None = Field(
        default=None, description="p adjusted over the metric's changes (Benjamini-Hochberg)"
    )
    significant: bool = Field(description="q_value < 0.05")
    note: str | None = Field(default=None, description="why the change was not tested")


class MetricOut(BaseModel):
    """One metric for one group and period, with its 95% interval."""

    metric: str = Field(examples=["nps"])
    group: dict[str, str | None] = Field(examples=[{"touchpoint": "website"}])
    period: str | None = Field(examples=["2025-03"])
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    low_confidence: bool = Field(description="n below the minimum: shown, but uncertain")
    details: dict[str, float | None] | None = None
    change: ComparisonOut | None = None


class NoDataOut(BaseModel):
    """A metric with no data behind it (never reported as a value), and why."""

    metric: str = Field(examples=["referral_rate"])
    group: dict[str, str | None]
    period: str | None
    reason: str = Field(examples=["no referrals in the store"])


class MetricsOut(BaseModel):
    """Metrics computed from the store."""

    metrics: list[MetricOut]
    no_data: list[NoDataOut]
    partial_responses: int = Field(
        description="responses started and never submitted: reported here, in no metric"
    )
    min_n: int
    by: list[str]
    period: str | None


@router.get(
    "/metrics",
    response_model=MetricsOut,
    summary="Metrics with 95% intervals",
    responses=problem_responses(401, 403, 422),
    dependencies=[requires(Permission.READ)],
)
def get_metrics(
    session: ReadSession,
    settings: SettingsDep,
    by: Annotated[
        list[str] | None,
        Query(
            description="survey, touchpoint, channel, language, source, account or a "
            "customer attribute (region, plan ...); repeat for several"
        ),
    ] = None,
    period: Annotated[Literal["day", "week", "month", "quarter", "year"] | None, Query()] = None,
    tz: Annotated[str, Query(description="IANA time zone for periods")] = "UTC",
    min_n: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """NPS, CSAT, CES, CXi and the operational metrics, sliced and trended."""
    effective_min_n = min_n or settings.min_n
    options: dict[str, Any] = {
        "by": tuple(by or ()),
        "period": period,
        "tz": tz,
        "min_n": effective_min_n,
    }
    values = store_metrics(session, **options) + operational_metrics(session, **options)
    return {
        "metrics": [v.to_json() for v in values],
        "no_data": values.no_data_json(),
        "partial_responses": partial_responses(session),
        "min_n": effective_min_n,
        "by": list(by or ()),
        "period": period,
    }
