"""REST API v1."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from cxlens.core.errors import ConfigurationError, InputError
from cxlens.core.settings import Settings
from cxlens.features.metrics.service import (
    operational_metrics,
    partial_responses,
    store_metrics,
)
from cxlens.web.deps import get_session, get_settings

router = APIRouter(prefix="/api/v1", tags=["metrics"])


class ComparisonOut(BaseModel):
    """Significance of the change against the previous period."""

    reference: str
    difference: float | None
    test: str
    statistic: float | None
    p_value: float | None
    significant: bool


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


class MetricsOut(BaseModel):
    """Metrics computed from the store."""

    metrics: list[MetricOut]
    partial_responses: int = Field(
        description="responses started and never submitted: reported here, in no metric"
    )
    min_n: int
    by: list[str]
    period: str | None


@router.get("/metrics", response_model=MetricsOut, summary="Metrics with 95% intervals")
def get_metrics(
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
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
    try:
        options: dict[str, Any] = {
            "by": tuple(by or ()),
            "period": period,
            "tz": tz,
            "min_n": effective_min_n,
        }
        values = store_metrics(session, **options) + operational_metrics(session, **options)
    except (InputError, ConfigurationError) as error:
        raise HTTPException(status_code=422, detail=str(error)) from None
    return {
        "metrics": [v.to_json() for v in values],
        "partial_responses": partial_responses(session),
        "min_n": effective_min_n,
        "by": list(by or ()),
        "period": period,
    }
