"""Posting 835 files to the ledger: one transaction per payment, idempotent by content hash.

`post_835(uow, text)` reads the file (pure), then posts each payment (check or EFT) in its
own unit of work: the claims it names are loaded, their history read, `post_remittance`
builds the entries, and entries, work items (exceptions, denials, discrepancies, secondary
claims) and claim statuses are written together or not at all. A payment already in the
ledger is skipped; the file's hash is recorded after its last payment, so the same file
twice changes nothing, and a file interrupted half-way finishes where it stopped.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from openrcm.domain.claim import Claim
from openrcm.domain.claim_state import can_transition
from openrcm.domain.document import ImportedDocument, content_sha256
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO, format_money
from openrcm.domain.remittance import Remittance
from openrcm.ledger import JournalEntry, SourceKind, charge_entry, refunds_payable
from openrcm.remit import (
    DEFAULT_TOLERANCE,
    ExpectedAmount,
    Posting,
    check_key,
    payer_party,
    post_remittance,
)
from openrcm.service.ledger import ledger_of


@dataclass(frozen=True, slots=True, kw_only=True)
class PostingSummary:
    """What posting one 835 file did, as `openrcm remit post --json` prints it."""

    document: str  # the file's SHA-256
    checks: int = 0  # payments in the file
    claims_posted: int = 0
    claims_unmatched: int = 0
    amount_posted: Decimal = ZERO
    already_posted: bool = False
    checks_already_posted: int = 0
    exceptions: int = 0
    denials: int = 0
    discrepancies: int = 0
    secondary_claims: int = 0
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "checks": self.checks,
            "claims_posted": self.claims_posted,
            "claims_unmatched": self.claims_unmatched,
            "amount_posted": format_money(self.amount_posted),
            "already_posted": self.already_posted,
            "checks_already_posted": self.checks_already_posted,
            "exceptions": self.exceptions,
            "denials": self.denials,
            "discrepancies": self.discrepancies,
            "secondary_claims": self.secondary_claims,
            "document": self.document,
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message, "line": f.line}
                for f in self.findings
            ],
        }


def post_835(
    uow: Any,
    text: str,
    *,
    name: str | None = None,
    expected_amount: ExpectedAmount | None = None,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    update_claim_status: bool = True,
) -> PostingSummary:
    """Post every payment in one 835 file. The same file (or payment) twice changes nothing.

    Raises `X12Error` when the text cannot be read as X12 at all. A file with error findings
    is not posted; its summary carries the findings.
    """
    from openrcm.x12.t835 import read_835  # the reader is heavy; load it on use

    digest = content_sha256(text)
    with uow:
        if uow.documents.seen(digest):
            return PostingSummary(document=digest, already_posted=True)
    remittances, read_findings = read_835(text)
    if any(f.severity is Severity.ERROR for f in read_findings):
        return PostingSummary(
            document=digest, checks=len(remittances), findings=tuple(read_findings)
        )
    totals: dict[str, Any] = {
        "claims_posted": 0,
        "claims_unmatched": 0,
        "amount_posted": ZERO,
        "exceptions": 0,
        "denials": 0,
        "discrepancies": 0,
        "secondary_claims": 0,
    }
    findings = list(read_findings)
    skipped = 0
    for remittance in remittances:
        posting = _post_check(
            uow,
            remittance,
            digest,
            expected_amount=expected_amount,
            tolerance=tolerance,
            update_claim_status=update_claim_status,
        )
        if posting is None or posting.already_posted:
            skipped += 1
            continue
        totals["claims_posted"] += posting.claims_posted
        totals["claims_unmatched"] += posting.claims_unmatched
        totals["amount_posted"] += posting.amount_posted
        totals["exceptions"] += len(posting.exceptions)
        totals["denials"] += len(posting.denials)
        totals["discrepancies"] += len(posting.discrepancies)
        totals["secondary_claims"] += len(posting.secondary_claims)
        findings.extend(posting.findings)
    with uow:
        if not uow.documents.seen(digest):
            uow.documents.add(
                ImportedDocument(
                    kind="835",
                    content_sha256=digest,
                    name=name[:255] if name else None,
                    received_at=datetime.now(UTC),
                )
            )
            uow.commit()
    return PostingSummary(
        document=digest,
        checks=len(remittances),
        already_posted=bool(remittances) and skipped == len(remittances),
        checks_already_posted=skipped,
        findings=tuple(findings),
        **totals,
    )


def _post_check(
    uow: Any,
    remittance: Remittance,
    digest: str,
    *,
    expected_amount: ExpectedAmount | None,
    tolerance: Decimal,
    update_claim_status: bool,
) -> Posting | None:
    """Post one payment in one transaction; None when it is already in the ledger."""
    check = check_key(remittance)
    with uow:
        ledger = ledger_of(uow)
        if ledger.has_check(check):
            return None
        numbers = set(remittance.patient_control_numbers)
        claims = uow.claims.by_control_numbers(numbers)
        references = {
            c.payer_claim_control_number for c in remittance.claims if c.payer_claim_control_number
        } | {
            a.reference
            for plb in remittance.provider_adjustments
            for a in plb.adjustments
            if a.reference
        }
        history = _unique(
            [
                *ledger.for_claims(numbers),
                *ledger.for_payer_claim_numbers(references),
                *ledger.for_account(refunds_payable(payer_party(remittance))),
            ]
        )
        more = {e.claim for e in history if e.claim} - claims.keys()
        if more:
            claims.update(uow.claims.by_control_numbers(more))
        charged = {e.claim for e in history if e.source is SourceKind.CHARGE}
        charges = [charge_entry(c) for pcn, c in claims.items() if pcn not in charged]
        posting = post_remittance(
            remittance,
            claims,
            [*charges, *history],
            expected_amount=expected_amount,
            tolerance=tolerance,
        )
        posted_claims = {o.patient_control_number for o in posting.outcomes}
        charges = [c for c in charges if c.claim in posted_claims]
        ledger.add([*charges, *posting.entries], document=digest)
        ledger.add_work_items(_work_items(posting))
        if update_claim_status:
            _move_claims(uow, claims, posting)
        uow.commit()
    return posting


def _unique(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    seen: dict[str, JournalEntry] = {}
    for e in entries:
        seen.setdefault(e.id, e)
    return sorted(seen.values(), key=lambda e: e.entry_date)


def _move_claims(uow: Any, claims: dict[str, Claim], posting: Posting) -> None:
    """Move each posted claim to the status its adjudication implies, when the move is legal."""
    current = dict(claims)
    for outcome in posting.outcomes:
        claim = current.get(outcome.patient_control_number)
        if claim is None or claim.status is outcome.claim_status:
            continue
        if can_transition(claim.status, outcome.claim_status):
            current[claim.patient_control_number] = uow.claims.set_status(
                claim, outcome.claim_status, reason=f"835 {posting.check.check}"
            )


def _plain(value: Any) -> Any:
    return format_money(value) if isinstance(value, Decimal) else str(value)


def _record(value: Any) -> str:
    """A work item as JSON: money as "125.00", dates ISO."""
    return json.dumps(dataclasses.asdict(value), default=_plain, sort_keys=True)


def _work_items(posting: Posting) -> list[dict[str, Any]]:
    check = posting.check.check
    items: list[dict[str, Any]] = []
    for n, x in enumerate(posting.exceptions, start=1):
        items.append(
            {
                "id": f"{check}:exception:{n}",
                "kind": "exception",
                "check_id": check,
                "claim": x.patient_control_number,
                "reason": x.reason.value,
                "amount": x.amount,
                "document": _record(x),
            }
        )
    for n, d in enumerate(posting.denials, start=1):
        items.append(
            {
                "id": f"{check}:denial:{n}",
                "kind": "denial",
                "check_id": check,
                "claim": d.patient_control_number,
                "reason": ",".join(d.carcs)[:40] or None,
                "amount": d.denied_amount,
                "document": _record(d),
            }
        )
    for n, g in enumerate(posting.discrepancies, start=1):
        items.append(
            {
                "id": f"{check}:discrepancy:{n}",
                "kind": "discrepancy",
                "check_id": check,
                "claim": g.patient_control_number,
                "reason": g.kind.value,
                "amount": g.difference,
                "document": _record(g),
            }
        )
    for n, claim in enumerate(posting.secondary_claims, start=1):
        items.append(
            {
                "id": f"{check}:secondary_claim:{n}",
                "kind": "secondary_claim",
                "check_id": check,
                "claim": claim.patient_control_number,
                "reason": claim.payer.id[:40],
                "amount": claim.total_charge_amount,
                "document": claim.model_dump_json(),
            }
        )
    return items


def exceptions(
    uow: Any, *, kind: str | None = "exception", limit: int = 100
) -> list[dict[str, Any]]:
    """Open remittance work items (exceptions by default; "denial", "discrepancy", ...)."""
    with uow:
        return ledger_of(uow).work_items(kind=kind, limit=limit)
