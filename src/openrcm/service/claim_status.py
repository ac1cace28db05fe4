"""Claim status follow-up (276/277) and claim acknowledgements (277CA).

- `awaiting_response` finds claims sent (submitted or accepted) that have heard nothing for
  the payer's follow-up period (`follow_up_days`: 30 days unless configured per payer,
  counted from the claim's last status move or status message).
- `build_276` asks about one claim (payer, receiver, provider, subscriber or dependent
  patient, our claim number, the payer's number when known, charge and dates);
  `follow_up` writes one 276 for every claim awaiting a response and records each inquiry
  with its trace number.
- `apply_status` reads a 277 (answer to a 276) or a 277CA (acknowledgement of an 837),
  records each claim's status with its category in plain language (from X12's claim status
  category and status code lists) and moves the claim through the state machine: A1/A2
  and pending (P*) categories mean accepted, rejection categories (A3, A4, A6, A7, A8)
  rejected, finalized (F*) adjudicated; the 835 then says how. A file applied twice
  changes nothing.
- `demo_277` is the demo payer's answer to a 276, from the payments it has made.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.claim_state import ClaimStatus, can_transition
from openrcm.domain.claim_status import (
    ClaimStatusRequest,
    ClaimStatusResponse,
    StatusCategory,
    StatusCode,
    StatusInformation,
)
from openrcm.domain.document import ImportedDocument, content_sha256
from openrcm.domain.eligibility import Entity
from openrcm.domain.party import Relationship
from openrcm.domain.remittance import ClaimPayment
from openrcm.service.reports import followup_of
from openrcm.store.followup_tables import StatusEvent

DEFAULT_FOLLOW_UP_DAYS = 30
WAITING = (ClaimStatus.SUBMITTED, ClaimStatus.ACCEPTED)


# ------------------------------------------------------------------ plain language


@dataclass(frozen=True, slots=True)
class StatusCodeLists:
    """X12's claim status category (507) and claim status (508) code descriptions."""

    categories: Mapping[str, str]
    statuses: Mapping[str, str]

    def category(self, code: str | None) -> str:
        """The category in plain words: the part after "Acknowledgement/Receipt-"."""
        text = self.categories.get(code or "", "")
        head, sep, tail = text.partition("-")
        return (tail if sep else head).strip() or f"status category {code}"

    def explain(self, status: StatusCode) -> str:
        words = self.category(status.category)
        detail = self.statuses.get(status.status, "")
        return f"{words} {detail}".strip() if detail else words


@cache
def load_status_codes(directory: Path) -> StatusCodeLists:
    """Read `claim_status_category_codes.csv` and `claim_status_codes.csv`."""

    def read(name: str) -> dict[str, str]:
        with (directory / name).open(newline="", encoding="utf-8") as handle:
            return {
                row["code"].strip(): row["description"].strip() for row in csv.DictReader(handle)
            }

    return StatusCodeLists(read("claim_status_category_codes.csv"), read("claim_status_codes.csv"))


def claim_state_for(category: str | None) -> ClaimStatus | None:
    """The claim state a status category implies (None: no change)."""
    if category is None:
        return None
    if category in StatusCategory.REJECTED_CODES:
        return ClaimStatus.REJECTED
    if category in {StatusCategory.RECEIVED, StatusCategory.ACCEPTED} or category.startswith("P"):
        return ClaimStatus.ACCEPTED
    if category.startswith("F"):
        return ClaimStatus.ADJUDICATED
    return None


# ------------------------------------------------------------------ the 276


def follow_up_days(payer_id: str, overrides: Mapping[str, int] | None = None) -> int:
    """Days without news before asking: the payer's own setting, then "*", then 30."""
    if overrides:
        return overrides.get(payer_id, overrides.get("*", DEFAULT_FOLLOW_UP_DAYS))
    return DEFAULT_FOLLOW_UP_DAYS


def _entity(
    code: str,
    name: str,
    qualifier: str,
    identifier: str,
    *,
    person: bool = False,
    first: str | None = None,
) -> Entity:
    return Entity(
        entity_code=code,
        entity_type="1" if person else "2",
        name=name[:60],
        first_name=first,
        id_qualifier=qualifier,
        identifier=identifier,
    )


def build_276(
    claim: Claim,
    *,
    trace_number: str,
    created: date,
    control_number: str = "0001",
    payer_claim_control_number: str | None = None,
) -> ClaimStatusRequest:
    """The 276 inquiry about one claim."""
    provider = claim.billing_provider
    receiver = _entity("41", provider.name, "46", provider.tin or provider.npi)
    service_provider = _entity("1P", provider.name, "XX", provider.npi)
    subscriber = claim.coverage.subscriber
    self_pay = claim.coverage.relationship is Relationship.SELF
    patient = claim.patient
    return ClaimStatusRequest(
        control_number=control_number,
        reference_id=trace_number,
        created_date=created,
        payer=_entity("PR", claim.payer.name, "PI", claim.payer.id),
        receiver=receiver,
        provider=service_provider,
        subscriber=_entity(
            "IL",
            subscriber.name.last,
            "MI",
            claim.coverage.member_id,
            person=True,
            first=subscriber.name.first,
        ),
        subscriber_birth_date=subscriber.birth_date if self_pay else None,
        subscriber_sex=subscriber.sex.value if self_pay else None,
        patient=None
        if self_pay
        else Entity(
            entity_code="QC", entity_type="1", name=patient.name.last, first_name=patient.name.first
        ),
        patient_birth_date=None if self_pay else patient.birth_date,
        patient_sex=None if self_pay else patient.sex.value,
        trace_number=trace_number,
        payer_claim_control_number=payer_claim_control_number or claim.payer_claim_control_number,
        patient_control_number=claim.patient_control_number,
        charge_amount=claim.total_charge_amount,
        service_date=claim.first_service_date,
        service_date_end=claim.last_service_date
        if claim.last_service_date != claim.first_service_date
        else None,
    )


def awaiting_response(
    uow: Any, *, today: date, days: Mapping[str, int] | None = None
) -> list[Claim]:
    """Claims sent and not answered for their payer's follow-up period, by CLM01.

    Call inside an open unit of work.
    """
    repo = followup_of(uow)
    last_event = repo.last_event_dates()
    histories = repo.status_histories()
    waiting: list[Claim] = []
    for status in WAITING:
        offset = 0
        while True:
            page = uow.claims.list(status=status, limit=500, offset=offset)
            for claim in page:
                moved = max(
                    (h.changed_at.date() for h in histories.get(claim.id, [])), default=None
                )
                heard = max(
                    (d for d in (moved, last_event.get(claim.patient_control_number)) if d),
                    default=None,
                )
                if heard is None or (today - heard).days >= follow_up_days(claim.payer.id, days):
                    waiting.append(claim)
            if len(page) < 500:
                break
            offset += 500
    return sorted(waiting, key=lambda c: c.patient_control_number)


@dataclass(frozen=True, slots=True)
class FollowUpRun:
    text_276: str
    requests: tuple[ClaimStatusRequest, ...]


def _trace(pcn: str, day: date) -> str:
    return f"{day:%y%m%d}{hashlib.sha256(pcn.encode()).hexdigest()[:12].upper()}"


def follow_up(
    uow: Any, *, today: date, days: Mapping[str, int] | None = None, sender_id: str | None = None
) -> FollowUpRun:
    """Write one 276 asking about every claim awaiting a response; record each inquiry."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t276 import write_276

    with uow:
        claims = awaiting_response(uow, today=today, days=days)
        requests = []
        for n, claim in enumerate(claims, 1):
            payer_number = _payer_claim_number(uow, claim)
            requests.append(
                build_276(
                    claim,
                    trace_number=_trace(claim.patient_control_number, today),
                    created=today,
                    control_number=f"{(n - 1) // 1000 + 1:04d}",
                    payer_claim_control_number=payer_number,
                )
            )
        if not requests:
            return FollowUpRun("", ())
        header = InterchangeHeader(
            sender_id=(sender_id or claims[0].billing_provider.npi)[:15],
            receiver_id=claims[0].payer.id[:15],
            interchange_control_number=int(today.strftime("%y%m%d")) % 1_000_000_000,
            group_control_number=1,
            created_at=datetime.combine(today, datetime.min.time(), tzinfo=UTC),
        )
        text = write_276(requests, header)
        followup_of(uow).add_status_events(
            [
                StatusEvent(
                    claim=r.patient_control_number or "",
                    kind="276",
                    event_date=today,
                    payer_id=r.payer.identifier,
                    trace_number=r.trace_number,
                    description="claim status inquiry sent",
                )
                for r in requests
            ]
        )
        uow.commit()
    return FollowUpRun(text, tuple(requests))


def _payer_claim_number(uow: Any, claim: Claim) -> str | None:
    from openrcm.service.ledger import ledger_of

    for e in reversed(ledger_of(uow).entries(claim=claim.patient_control_number)):
        if e.payer_claim_number:
            return e.payer_claim_number
    return claim.payer_claim_control_number


# ------------------------------------------------------------------ the 277 / 277CA


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdate:
    """One claim's status as applied: the codes, in words, and the claim's new state."""

    claim: str | None
    category: str | None
    status_code: str | None
    description: str
    claim_status: str | None  # the claim's state after applying, None when unmatched
    moved: bool


@dataclass(frozen=True, slots=True)
class StatusRun:
    kind: str  # "277" or "277CA"
    updates: tuple[StatusUpdate, ...]
    already_applied: bool = False
    unmatched: int = 0


def apply_status(
    uow: Any, text: str, codes: StatusCodeLists, *, today: date, name: str | None = None
) -> StatusRun:
    """Apply a 277 or 277CA: record every claim's status and move the claims it implies.

    Raises `X12Error` when the text cannot be read as X12 at all.
    """
    from openrcm.x12.t277 import read_277
    from openrcm.x12.t277ca import read_277ca

    kind = "277CA" if "X214" in text[:400] else "277"
    digest = content_sha256(text)
    with uow:
        if uow.documents.seen(digest):
            return StatusRun(kind, (), already_applied=True)
    responses, _ = (read_277ca if kind == "277CA" else read_277)(text)
    updates: list[StatusUpdate] = []
    unmatched = 0
    with uow:
        repo = followup_of(uow)
        traces = repo.trace_numbers(r.trace_number for r in responses if r.trace_number)
        numbers = {
            r.patient_control_number or traces.get(r.trace_number or "", "") for r in responses
        }
        claims = uow.claims.by_control_numbers(n for n in numbers if n)
        events = []
        for response in responses:
            pcn = response.patient_control_number or traces.get(response.trace_number or "")
            claim = claims.get(pcn or "")
            if claim is None or not response.statuses:
                unmatched += 1 if response.patient is not None else 0
                continue
            first = response.statuses[0]
            words = "; ".join(codes.explain(code) for code in first.codes)
            target = claim_state_for(first.primary.category)
            moved = False
            if (
                target is not None
                and claim.status is not target
                and can_transition(claim.status, target)
            ):
                claim = uow.claims.set_status(
                    claim, target, reason=f"{kind} {first.primary.category}:{first.primary.status}"
                )
                claims[claim.patient_control_number] = claim
                moved = True
            events.append(
                StatusEvent(
                    claim=claim.patient_control_number,
                    kind=kind,
                    event_date=first.effective_date or response.created_date or today,
                    payer_id=response.payer.identifier,
                    trace_number=response.trace_number,
                    category=first.primary.category,
                    status_code=first.primary.status,
                    entity=first.primary.entity,
                    description=words,
                    document_sha256=digest,
                )
            )
            updates.append(
                StatusUpdate(
                    claim=claim.patient_control_number,
                    category=first.primary.category,
                    status_code=first.primary.status,
                    description=words,
                    claim_status=claim.status.value,
                    moved=moved,
                )
            )
        repo.add_status_events(events)
        uow.documents.add(
            ImportedDocument(
                kind=kind,
                content_sha256=digest,
                name=name[:255] if name else None,
                received_at=datetime.now(UTC),
            )
        )
        uow.commit()
    return StatusRun(kind, tuple(updates), unmatched=unmatched)


# ------------------------------------------------------------------ the demo payer


def demo_277(
    request: ClaimStatusRequest,
    payments: Mapping[str, ClaimPayment],
    *,
    answered: date,
    control_number: str = "0001",
    reference_id: str | None = None,
) -> ClaimStatusResponse:
    """The demo payer's answer to one 276: finalized (F1 paid, F2 denied) with amounts for
    a claim it has paid or denied, pending in process (P1) for one it holds, as the 835's
    CLP02 says; A4 (not found) when it has no record of the claim."""
    payment = payments.get(request.patient_control_number or "")
    if payment is None:
        status = StatusInformation(
            codes=(StatusCode(category=StatusCategory.NOT_FOUND, status="35"),),
            effective_date=answered,
            charge_amount=request.charge_amount,
        )
    elif payment.status.value in {"1", "2", "3", "19", "20", "21"}:
        status = StatusInformation(
            codes=(
                StatusCode(
                    category=StatusCategory.PAID, status="65" if payment.paid_amount else "107"
                ),
            ),
            effective_date=answered,
            charge_amount=payment.charge_amount,
            paid_amount=payment.paid_amount,
            adjudication_date=answered,
        )
    elif payment.status.value == "4":
        status = StatusInformation(
            codes=(StatusCode(category=StatusCategory.DENIED, status="88"),),
            effective_date=answered,
            charge_amount=payment.charge_amount,
            paid_amount=payment.paid_amount,
            adjudication_date=answered,
        )
    else:
        status = StatusInformation(
            codes=(StatusCode(category=StatusCategory.PENDING_IN_PROCESS, status="20"),),
            effective_date=answered,
            charge_amount=payment.charge_amount,
        )
    return ClaimStatusResponse(
        control_number=control_number,
        reference_id=reference_id or request.reference_id,
        created_date=answered,
        payer=request.payer,
        receiver=request.receiver,
        provider=request.provider,
        subscriber=request.subscriber,
        patient=request.patient,
        trace_number=request.trace_number,
        patient_control_number=request.patient_control_number,
        statuses=(status,),
        payer_claim_control_number=(payment.payer_claim_control_number if payment else None)
        or request.payer_claim_control_number,
        service_date=request.service_date,
        service_date_end=request.service_date_end,
    )


def answer_276(text: str, payments: Mapping[str, ClaimPayment], *, answered: date) -> str:
    """The demo payer, X12 in and out: a 277 answering every claim of a 276."""
    from openrcm.x12.envelope import InterchangeHeader
    from openrcm.x12.t276 import read_276
    from openrcm.x12.t277 import write_277

    requests, _ = read_276(text)
    first = requests[0] if requests else None
    reference = first.reference_id if first else None  # one BHT03 per 277
    responses = [demo_277(r, payments, answered=answered, reference_id=reference) for r in requests]
    header = InterchangeHeader(
        sender_id=((first.payer.identifier if first else None) or "PAYER")[:15],
        receiver_id=((first.receiver.identifier if first else None) or "PROVIDER")[:15],
        interchange_control_number=1,
        group_control_number=1,
        created_at=datetime.combine(answered, datetime.min.time(), tzinfo=UTC),
    )
    return write_277(responses, header)


def status_history(uow: Any, claim: str) -> list[StatusEvent]:
    """A claim's 276 inquiries and 277/277CA statuses, oldest first."""
    with uow:
        return followup_of(uow).status_events(claim=claim)
