"""REST API v1."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cxlens.features.metrics.service import (
    check_query_cost,
    operational_metrics,
    partial_responses,
    store_metrics,
)
from cxlens.web.auth import Reader
from cxlens.web.cancellation import cancellable_read
from cxlens.web.deps import SettingsDep
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
    responses=problem_responses(401, 403, 422, 503),
)
async def get_metrics(
    request: Request,
    settings: SettingsDep,
    caller: Reader,
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
    """NPS, CSAT, CES, CXi and the operational metrics, sliced and trended.

    A request estimated to make more than ``CXLENS_METRICS_MAX_GROUPS`` groups (dimension
    values × periods) is refused at once (422 ``query_too_costly``); one running longer than
    ``CXLENS_METRICS_TIMEOUT_S`` is stopped (503 ``query_timeout``), and one whose client
    disconnected is stopped too. A caller with a data scope (``region=NL``) gets the metrics
    of the customers within it; a metric that cannot be limited to customers is "no data".
    """
    effective_min_n = min_n or settings.min_n
    options: dict[str, Any] = {
        "by": tuple(by or ()),
        "period": period,
        "tz": tz,
        "min_n": effective_min_n,
        "filters": caller.data_scope,
    }

    def compute(session: Session) -> dict[str, Any]:
        check_query_cost(
            session,
            by=options["by"],
            period=period,
            filters=caller.data_scope,
            max_groups=settings.metrics_max_groups,
        )
        values = store_metrics(session, **options) + operational_metrics(session, **options)
        return {
            "metrics": [v.to_json() for v in values],
            "no_data": values.no_data_json(),
            "partial_responses": partial_responses(session),
            "min_n": effective_min_n,
            "by": list(by or ()),
            "period": period,
        }

    return await cancellable_read(
        request.app.state.engine,
        compute,
        is_disconnected=request.is_disconnected,
        timeout_s=settings.metrics_timeout_s,
    )
