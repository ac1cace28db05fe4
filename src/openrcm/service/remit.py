"""Posting 835 files to the ledger: one transaction per payment, idempotent by content hash.

`post_835(uow, text)` reads the file (pure), then posts each payment (check or EFT) in its
own unit of work: the claims it names are loaded, their history read, `post_remittance`
builds the entries, and entries, work items (exceptions, denials, discrepancies, secondary
claims), the payment's record (BPR02, TRN02) and claim statuses (moved in bulk) are written
together or not at all. Entries go to the store as posting builds them (each posted claim's
charge entry just before its first payment entry), so on PostgreSQL the server stores them
while the rest of the payment is being posted. A payment already in the ledger is skipped;
the file's hash is recorded after its last payment, so the same file twice changes nothing,
and a file interrupted half-way finishes where it stopped.

The work queue is read and resolved here too: `resolve_work_items` closes items with a
note, `pending_secondary_claims` gives the secondary and tertiary claims posting built and
nobody has billed, and `mark_secondaries_billed` closes them once sent. Deposit
reconciliation: `import_deposits` stores a bank export's deposits (idempotent by row),
`match_deposits` ties them to the 835 payments by trace number and amount and lists what is
left on either side.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
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
from openrcm.gcpause import collector_paused
from openrcm.ledger import JournalEntry, SourceKind, charge_entry, refunds_payable
from openrcm.remit import (
    DEFAULT_TOLERANCE,
    ExpectedAmount,
    Posting,
    Reconciliation,
    RemittancePayment,
    check_key,
    payer_party,
    post_remittance,
    read_deposits_csv,
    reconcile,
)
from openrcm.remit.deposits import DEFAULT_WINDOW_DAYS
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
    digest = content_sha256(text)
    with uow:
        if uow.documents.seen(digest):
            return PostingSummary(document=digest, already_posted=True)
    # The cyclic garbage collector stays paused while the file is read and posted (hundreds
    # of thousands of small acyclic objects a collection pass would only walk) and resumes
    # once `_post_file` has returned: its claims, entries and postings are freed by then, so
    # the first collection afterwards has nothing big left to walk.
    with collector_paused():
        return _post_file(
            uow,
            text,
            digest,
            name=name,
            expected_amount=expected_amount,
            tolerance=tolerance,
            update_claim_status=update_claim_status,
        )


def _post_file(
    uow: Any,
    text: str,
    digest: str,
    *,
    name: str | None,
    expected_amount: ExpectedAmount | None,
    tolerance: Decimal,
    update_claim_status: bool,
) -> PostingSummary:
    from openrcm.x12.t835 import read_835  # the reader is heavy; load it on use

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
        history = ledger.history(numbers, references, refunds_payable(payer_party(remittance)))
        more = {e.claim for e in history if e.claim} - claims.keys()
        if more:
            claims.update(uow.claims.by_control_numbers(more))
        charged = {e.claim for e in history if e.source is SourceKind.CHARGE}
        charges = {pcn: charge_entry(c) for pcn, c in claims.items() if pcn not in charged}
        with ledger.streaming(document=digest) as store:

            def stored(e: JournalEntry) -> None:
                # a claim posted (its CLP entry) has its charge stored first, once; the
                # charges of claims only looked at stay out of the ledger
                if e.source is SourceKind.CLAIM_PAYMENT and e.claim in charges:
                    store(charges.pop(e.claim))
                store(e)

            posting = post_remittance(
                remittance,
                claims,
                [*charges.values(), *history],
                expected_amount=expected_amount,
                tolerance=tolerance,
                on_entry=stored,
            )
        ledger.add_work_items(_work_items(posting))
        ledger.add_payment(payment_of(remittance), document=digest)
        if update_claim_status:
            _move_claims(uow, claims, posting)
        uow.commit()
    return posting


def payment_of(remittance: Remittance) -> RemittancePayment:
    """The record deposit reconciliation keeps of one 835 payment (BPR and TRN)."""
    return RemittancePayment(
        check=check_key(remittance),
        trace_number=remittance.trace_number,
        payer_id=payer_party(remittance),
        payer_name=remittance.payer.name or "",
        payment_date=remittance.payment_date,
        amount=remittance.total_paid_amount,
        payment_method=remittance.payment_method.value,
    )


def _unique(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    seen: dict[str, JournalEntry] = {}
    for e in entries:
        seen.setdefault(e.id, e)
    return sorted(seen.values(), key=lambda e: e.entry_date)


def _move_claims(uow: Any, claims: dict[str, Claim], posting: Posting) -> None:
    """Move each posted claim to the status its adjudication implies, when the move is legal.

    All moves of one payment go to the store at once (`set_statuses`); a repository without
    it (a test fake) moves them one by one.
    """
    status = {pcn: c.status for pcn, c in claims.items()}
    moved: set[str] = set()
    moves: list[tuple[Claim, Any]] = []
    for outcome in posting.outcomes:
        pcn = outcome.patient_control_number
        claim = claims.get(pcn)
        if claim is None or status[pcn] is outcome.claim_status:
            continue
        if can_transition(status[pcn], outcome.claim_status):
            if pcn in moved:  # moved earlier in this payment (a split claim): from there
                claim = claim.model_copy(update={"status": status[pcn]})
            moves.append((claim, outcome.claim_status))
            status[pcn] = outcome.claim_status
            moved.add(pcn)
    reason = f"835 {posting.check.check}"
    bulk = getattr(uow.claims, "set_statuses", None)
    if bulk is not None:
        bulk(moves, reason=reason)
        return
    for claim, status in moves:
        uow.claims.set_status(claim, status, reason=reason)


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


def resolve_work_items(uow: Any, ids: Sequence[str], note: str | None = None) -> int:
    """Close open remittance work items (any kind) with a note; returns how many were open."""
    with uow:
        done = ledger_of(uow).resolve_work_items(ids, note[:200] if note else None)
        uow.commit()
    return done


def pending_secondary_claims(uow: Any) -> list[Claim]:
    """The secondary and tertiary claims posting built that nobody has billed yet, oldest
    first, as domain claims ready for an 837 (COB data included)."""
    with uow:
        documents = ledger_of(uow).work_item_documents(kind="secondary_claim")
    return [Claim.model_validate_json(document) for _, document in documents]


def mark_secondaries_billed(uow: Any, ids: Sequence[str], note: str = "billed") -> int:
    """Close the secondary-claim work items of these claims once their 837 is sent.

    `ids` are the secondary claims' ids (`Claim.id`, as `pending_secondary_claims` gives
    them) or the work items' own ids. Returns how many items were closed.
    """
    wanted = set(ids)
    with uow:
        ledger = ledger_of(uow)
        items = [
            item_id
            for item_id, document in ledger.work_item_documents(kind="secondary_claim")
            if item_id in wanted or json.loads(document).get("id") in wanted
        ]
        done = ledger.resolve_work_items(items, note)
        uow.commit()
    return done


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositImport:
    """What importing one bank export did, as `openrcm remit deposits import --json` prints it."""

    document: str  # the file's SHA-256
    deposits_read: int = 0
    deposits_imported: int = 0
    already_imported: int = 0
    amount_imported: Decimal = ZERO
    findings: tuple[Finding, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def as_json(self) -> dict[str, Any]:
        return {
            "deposits_read": self.deposits_read,
            "deposits_imported": self.deposits_imported,
            "already_imported": self.already_imported,
            "amount_imported": format_money(self.amount_imported),
            "document": self.document,
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


def import_deposits(uow: Any, text: str, *, name: str | None = None) -> DepositImport:
    """Store the deposits of a bank export (CSV); a deposit already stored is left alone.

    Raises `ValueError` when the text has no usable header. Rows that cannot be read are
    findings; the others are imported.
    """
    digest = content_sha256(text)
    deposits, findings = read_deposits_csv(text)
    with uow:
        new = ledger_of(uow).add_deposits(deposits, document=digest)
        if not uow.documents.seen(digest):
            uow.documents.add(
                ImportedDocument(
                    kind="deposits",
                    content_sha256=digest,
                    name=name[:255] if name else None,
                    received_at=datetime.now(UTC),
                )
            )
        uow.commit()
    read = len({d.id for d in deposits})
    return DepositImport(
        document=digest,
        deposits_read=read,
        deposits_imported=len(new),
        already_imported=read - len(new),
        amount_imported=sum((d.amount for d in new), ZERO),
        findings=tuple(findings),
    )


def match_deposits(uow: Any, *, window_days: int = DEFAULT_WINDOW_DAYS) -> Reconciliation:
    """Match stored deposits to posted 835 payments and store the new matches.

    Matches made earlier stand; running it again changes nothing until new deposits or
    payments arrive. Returns every match and what is left unmatched on either side.
    """
    with uow:
        ledger = ledger_of(uow)
        result = reconcile(ledger.deposits(), ledger.payments(), window_days=window_days)
        if result.new_matches:
            ledger.record_matches(result.new_matches)
            uow.commit()
    return result
