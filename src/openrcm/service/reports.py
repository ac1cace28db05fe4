"""Report use cases: claim facts from the stored ledger, claims and status history; the KPIs,
A/R aging, denial figures, CSV exports, charts and billing-service invoices built on them.

`claim_facts(uow)` reduces every stored claim to a `reports.ClaimFacts`:
- money from the ledger (`ledger.claim_balances`): charge, payments, balances; the
  contractual write-down is the part of the contractual-adjustment account whose CARC is a
  contractual one (CO-45, CO-253...), so denials posted with group CO do not lower the base
  of the net collection rate; a claim billed but not yet answered (no entries) owes its
  whole charge from the payer;
- history from the status history: created (first record), first submitted, submissions
  (moves to submitted, plus corrected claims and appeals, moves to appealed), rejected
  (a move to rejected), adjudicated and denied (the first decision was denied or partly
  paid), scrub errors (a stored scrub result with errors up to the first submission, see
  `service.scrub`; for a claim with no stored results, sent back to draft before it first
  went out);
- denial codes from the denials 835 posting queued, with their root cause.
The pure formulas live in `openrcm.reports`; this module only gathers.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from openrcm.denials.queue import root_cause, split_label
from openrcm.denials.reasons import Category, ReasonCodes
from openrcm.domain.aging import AGING_BUCKETS
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.money import ZERO, format_money, to_money
from openrcm.ledger import AccountKind, JournalEntry, SourceKind, claim_balances
from openrcm.reports.aging import AgingRow, ar_aging
from openrcm.reports.charts import BarChart, bar_chart_png, bar_chart_svg
from openrcm.reports.facts import ClaimFacts
from openrcm.reports.invoice import Invoice, ServiceAgreement, invoice_for
from openrcm.reports.kpis import Kpis, compute_kpis
from openrcm.service.ledger import ledger_of
from openrcm.service.scrub import errors_before_first_submission, scrub_marks
from openrcm.store.followup_tables import HistoryRow, SqlFollowUpRepository

DECIDED = {ClaimStatus.PAID, ClaimStatus.PARTIALLY_PAID, ClaimStatus.DENIED}
ADJUDICATED = DECIDED | {ClaimStatus.ADJUDICATED}
NOT_BILLED = {ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.VOID}


def followup_of(uow: Any) -> SqlFollowUpRepository:
    """The follow-up repository of an open unit of work."""
    found = getattr(uow, "followup", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlFollowUpRepository(uow.session, uow.tenant_id)


def _contractual(entries: Sequence[JournalEntry], codes: ReasonCodes | None) -> Decimal:
    """Contractual write-downs: 835 legs on the contractual account whose CARC is a
    contractual one (every such leg when no code list is given)."""
    total = ZERO
    for e in entries:
        if e.source is not SourceKind.CLAIM_PAYMENT:
            continue
        for leg in e.legs:
            if leg.account.kind is not AccountKind.CONTRACTUAL_ADJUSTMENT:
                continue
            if codes is not None:
                _, code = split_label((leg.reason or "").removeprefix("COB:"))
                found = codes.explain(code)
                if found is not None and found.category is not Category.CONTRACTUAL:
                    continue
            total += leg.amount
    return total


def _history_facts(history: Sequence[HistoryRow]) -> dict[str, Any]:
    submitted = [h for h in history if h.to_status == ClaimStatus.SUBMITTED.value]
    first_submit = submitted[0].changed_at if submitted else None
    before = [h for h in history if first_submit is None or h.changed_at <= first_submit]
    decided = [h for h in history if h.to_status in {s.value for s in DECIDED}]
    return {
        "first_submitted_at": first_submit,
        "first_submitted_date": first_submit.date() if first_submit else None,
        "submissions": len(submitted)
        + sum(1 for h in history if h.to_status == ClaimStatus.APPEALED.value),
        "rejected": any(h.to_status == ClaimStatus.REJECTED.value for h in history),
        "adjudicated": any(h.to_status in {s.value for s in ADJUDICATED} for h in history),
        "first_decision": decided[0].to_status if decided else None,
        "scrub_errors": any(
            h.to_status == ClaimStatus.DRAFT.value and h.from_status is not None for h in before
        ),
    }


def claim_facts(uow: Any, *, codes: ReasonCodes | None = None) -> list[ClaimFacts]:
    """Every stored claim of the tenant as `ClaimFacts`, by patient control number."""
    with uow:
        repo = followup_of(uow)
        ledger = ledger_of(uow)
        claims = repo.claim_summaries()
        histories = repo.status_histories()
        entries = ledger.entries()
        denials = ledger.work_items(kind="denial", open_only=False, limit=10_000_000)
        scrubs = scrub_marks(uow)
    by_claim: dict[str, list[JournalEntry]] = defaultdict(list)
    for e in entries:
        if e.claim is not None:
            by_claim[e.claim].append(e)
    balances = claim_balances(entries)
    denial_codes: dict[str, list[str]] = defaultdict(list)
    denial_remarks: dict[str, list[str]] = defaultdict(list)
    for item in denials:
        denial_codes[item["claim"]].extend(item.get("carcs") or ())
        denial_remarks[item["claim"]].extend(item.get("remark_codes") or ())
    facts = []
    for c in claims:
        pcn = c.patient_control_number
        h = _history_facts(histories.get(c.claim_id, []))
        if pcn in scrubs:
            h["scrub_errors"] = errors_before_first_submission(scrubs[pcn], h["first_submitted_at"])
        status = ClaimStatus(c.status)
        balance = balances.get(pcn)
        carcs = tuple(dict.fromkeys(denial_codes.get(pcn, ())))
        remarks = tuple(dict.fromkeys(denial_remarks.get(pcn, ())))
        adjudicated = h["adjudicated"] or any(
            e.source is SourceKind.CLAIM_PAYMENT for e in by_claim.get(pcn, ())
        )
        denied = h["first_decision"] in {
            ClaimStatus.DENIED.value,
            ClaimStatus.PARTIALLY_PAID.value,
        } or (h["first_decision"] is None and bool(carcs))
        if balance is not None:
            contractual = _contractual(by_claim[pcn], codes)
            money = {
                "charge": balance.charge,
                "insurance_paid": balance.insurance_paid,
                "patient_paid": balance.patient_paid,
                "contractual": contractual,
                "other_adjustments": balance.adjustments - contractual,
                "insurance_balance": balance.insurance_balance,
                "patient_balance": balance.patient_balance,
            }
        else:
            billed = status not in NOT_BILLED and h["first_submitted_date"] is not None
            money = {
                "charge": c.total_charge_amount,
                "insurance_balance": c.total_charge_amount if billed else ZERO,
            }
        created = histories[c.claim_id][0].changed_at.date() if c.claim_id in histories else None
        facts.append(
            ClaimFacts(
                patient_control_number=pcn,
                payer_id=c.payer_id,
                payer_name=c.payer_name,
                patient_id=c.patient_id,
                patient_name=c.patient_name,
                service_date=c.first_service_date,
                created_date=created or c.created_at.date(),
                first_submitted_date=h["first_submitted_date"],
                scrub_errors_before_first_submission=h["scrub_errors"],
                rejected=h["rejected"],
                adjudicated=adjudicated,
                denied=denied,
                submissions=h["submissions"],
                denial_carcs=carcs,
                denial_category=(
                    root_cause(carcs, remarks, codes).value if codes and carcs else None
                ),
                **money,
            )
        )
    return facts


# ------------------------------------------------------------------------- the report pack


def kpis(uow: Any, *, as_of: date, codes: ReasonCodes | None = None, period_days: int = 90) -> Kpis:
    """The KPIs of the tenant's stored claims as of `as_of`."""
    return compute_kpis(claim_facts(uow, codes=codes), as_of=as_of, period_days=period_days)


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def kpis_json(result: Kpis, *, as_of: date) -> dict[str, Any]:
    """The `openrcm reports kpis --json` document: rates as numbers (fractions), money as
    strings with two decimals, days as numbers."""
    return {
        "as_of": as_of.isoformat(),
        "days_in_ar": _rate(result.days_in_ar),
        "clean_claim_rate": _rate(result.clean_claim_rate),
        "denial_rate": _rate(result.denial_rate),
        "net_collection_rate": _rate(result.net_collection_rate),
        "first_pass_resolution_rate": _rate(result.first_pass_resolution_rate),
        "charge_lag_days": _rate(result.charge_lag_days),
        "total_ar": format_money(result.total_ar),
        "gross_charges": format_money(result.gross_charges),
        "payments": format_money(result.payments),
        "claims": result.claims,
        "claims_submitted": result.claims_submitted,
        "claims_adjudicated": result.claims_adjudicated,
        "claims_denied": result.claims_denied,
        "denial_rate_by_reason": {k: float(v) for k, v in result.denial_rate_by_category.items()},
        "denial_rate_by_payer": {k: float(v) for k, v in result.denial_rate_by_payer.items()},
    }


def aging(
    uow: Any, *, by: Literal["payer", "patient"], as_of: date, codes: ReasonCodes | None = None
) -> list[AgingRow]:
    """Open A/R by payer (insurance balances) or by patient (patient balances)."""
    return ar_aging(claim_facts(uow, codes=codes), by=by, as_of=as_of)


def aging_json(rows: Sequence[AgingRow], *, by: str, as_of: date) -> dict[str, Any]:
    """The `openrcm reports ar-aging --json` document."""
    buckets = [name for name, _, _ in AGING_BUCKETS]
    totals = {b: sum((r.buckets[b] for r in rows), ZERO) for b in buckets}
    return {
        "as_of": as_of.isoformat(),
        "by": by,
        "buckets": buckets,
        "rows": [
            {
                "key": r.key,
                "name": r.name,
                **{b: format_money(r.buckets[b]) for b in buckets},
                "total": format_money(r.total),
            }
            for r in rows
        ],
        "totals": {
            **{b: format_money(v) for b, v in totals.items()},
            "total": format_money(sum(totals.values(), ZERO)),
        },
    }


def aging_csv(rows: Sequence[AgingRow], *, by: str) -> str:
    """A/R aging as CSV: one row per payer or patient, then a total row."""
    buckets = [name for name, _, _ in AGING_BUCKETS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([by, "name", *buckets, "total"])
    for r in rows:
        writer.writerow(
            [r.key, r.name, *(format_money(r.buckets[b]) for b in buckets), format_money(r.total)]
        )
    totals = [sum((r.buckets[b] for r in rows), ZERO) for b in buckets]
    writer.writerow(
        ["TOTAL", "", *(format_money(t) for t in totals), format_money(sum(totals, ZERO))]
    )
    return out.getvalue()


def kpis_csv(result: Kpis, *, as_of: date) -> str:
    """The KPIs as a two-column CSV (metric, value)."""
    document = kpis_json(result, as_of=as_of)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["metric", "value"])
    for key, value in document.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                writer.writerow([f"{key}:{sub}", v])
        else:
            writer.writerow([key, "" if value is None else value])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ReportPack:
    """Files written by `write_report_pack`."""

    files: tuple[Path, ...]
    kpis: Kpis


def write_report_pack(
    uow: Any, out: Path, *, as_of: date, codes: ReasonCodes | None = None
) -> ReportPack:
    """KPIs, A/R aging by payer and patient, denial rates: CSV files and SVG/PNG charts."""
    facts = claim_facts(uow, codes=codes)
    result = compute_kpis(facts, as_of=as_of)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def write(name: str, content: str | bytes) -> None:
        path = out / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        files.append(path)

    write("kpis.csv", kpis_csv(result, as_of=as_of))
    by_payer = ar_aging(facts, by="payer", as_of=as_of)
    write("ar_aging_by_payer.csv", aging_csv(by_payer, by="payer"))
    write(
        "ar_aging_by_patient.csv",
        aging_csv(ar_aging(facts, by="patient", as_of=as_of), by="patient"),
    )
    buckets = [name for name, _, _ in AGING_BUCKETS]
    charts = {
        "ar_aging": BarChart(
            f"Insurance A/R by age on {as_of.isoformat()}",
            tuple(buckets),
            tuple(to_money(sum((r.buckets[b] for r in by_payer), ZERO)) for b in buckets),
        ),
        "denial_rate_by_reason": BarChart(
            "Denial rate by reason",
            tuple(result.denial_rate_by_category),
            tuple(result.denial_rate_by_category.values()),
            unit="%",
        ),
        "denial_rate_by_payer": BarChart(
            "Denial rate by payer",
            tuple(result.denial_rate_by_payer),
            tuple(result.denial_rate_by_payer.values()),
            unit="%",
        ),
    }
    for name, chart in charts.items():
        write(f"{name}.svg", bar_chart_svg(chart))
        write(f"{name}.png", bar_chart_png(chart))
    return ReportPack(tuple(files), result)


def monthly_invoice(uow: Any, agreement: ServiceAgreement, *, year: int, month: int) -> Invoice:
    """A billing service's invoice to one client practice (the unit of work's tenant) for a
    month: collections are the payments posted in the month (insurance and patient), claims
    are the claims first submitted in it."""
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    with uow:
        entries = ledger_of(uow).entries()
        histories = followup_of(uow).status_histories()
    collections = sum(
        (
            e.cash
            for e in entries
            if start <= e.entry_date < end
            and e.source in {SourceKind.CLAIM_PAYMENT, SourceKind.PATIENT_PAYMENT}
        ),
        ZERO,
    )
    submitted = 0
    for history in histories.values():
        first = next((h for h in history if h.to_status == ClaimStatus.SUBMITTED.value), None)
        if first is not None and start <= first.changed_at.date() < end:
            submitted += 1
    return invoice_for(
        agreement,
        period_start=start,
        period_end=end - timedelta(days=1),
        collections=collections,
        claims_submitted=submitted,
    )
