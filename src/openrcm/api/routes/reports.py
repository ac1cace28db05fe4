"""Reports: the dashboard's figures and, when the reports service is installed, the KPIs."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter

from openrcm.api.deps import ReadFinance
from openrcm.api.problems import Problem
from openrcm.api.schemas import DashboardOut
from openrcm.service.claims import dashboard

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/dashboard", response_model=DashboardOut, responses={401: {}, 403: {}})
def dashboard_figures(who: ReadFinance) -> DashboardOut:
    """Claims by status, charges, insurance and patient A/R, open denials and exceptions."""
    found = dashboard(who.uow())
    return DashboardOut(
        claims_by_status=found.claims_by_status,
        total_charges=found.total_charges,
        insurance_ar=found.insurance_ar,
        patient_ar=found.patient_ar,
        open_denials=found.open_denials,
        open_exceptions=found.open_exceptions,
    )


@router.get("/kpis", response_model=dict[str, Any], responses={401: {}, 403: {}, 503: {}})
def kpis(who: ReadFinance, as_of: date | None = None) -> dict[str, Any]:
    """Days in A/R, clean-claim, denial, net collection and first-pass resolution rates."""
    try:
        from openrcm.service import reports
    except ImportError as error:
        raise Problem(503, "the reports service is not installed on this server") from error
    day = as_of or who.resources.today()
    result: dict[str, Any] = reports.kpis_json(reports.kpis(who.uow(), as_of=day), as_of=day)
    return result
