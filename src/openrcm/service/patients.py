"""Patient-account use cases: guarantor accounts, payments, statements, plans, collections,
refunds and inquiries, each over one unit of work.

Everything owed is derived from the stored ledger (`openrcm.patients.accounts`); this module
adds what storage and people supply: which guarantor a patient belongs to today, the
practice's policy, the standing kept between statement cycles, payment plans, the
append-only collection log and the inquiry log. Every collection action goes through
`collections.check_action` and is logged whether it was allowed or refused.

Main calls: `post_payment`, `collect_copay`, `apply_credits`, `assign_guarantor`,
`run_statement_cycle`, `create_payment_plan`, `review_plans`, `propose_refunds`,
`approve_refund`, `run_collections`, `record_contact`, `record_dispute`,
`record_verification`, `record_cease`, `write_off_bad_debt`, `post_recovery`,
`log_inquiry`, `add_follow_up`, `complete_task`.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openrcm.domain.aging import AGING_BUCKETS, bucket_of
from openrcm.domain.money import ZERO, format_money, to_money
from openrcm.ledger import (
    AccountKind,
    JournalEntry,
    SourceKind,
    active_adjudications,
    patient_ar,
    transfer_entry,
)
from openrcm.patients.accounts import (
    CREDIT_PREFIX,
    ClaimFacts,
    GuarantorAccountState,
    GuarantorClaim,
    claim_account,
    credit_account,
    held_credit,
)
from openrcm.patients.agency import (
    AGENCY_COLUMNS,
    CollectionStage,
    WrittenOff,
    agency_rows,
    bad_debt_entries,
    next_step,
    pre_collection_letter,
    recovery_entries,
    written_off,
)
from openrcm.patients.collections import (
    Action,
    ActionKind,
    Channel,
    Debt,
    LogEntry,
    ValidationNotice,
    check_action,
    make_validation_notice,
)
from openrcm.patients.credits import (
    RefundProposal,
    RefundStatus,
    find_credit_balances,
    refund_entries,
    refund_paid_entries,
    small_balance_write_offs,
)
from openrcm.patients.inquiries import FollowUpTask, Inquiry, InquiryChannel, InquirySource
from openrcm.patients.payment_plan import (
    PaymentPlan,
    PlanStatus,
    apply_payment,
    create_plan,
    plan_note,
    review,
)
from openrcm.patients.payments import (
    Allocation,
    OpenItem,
    PatientPayment,
    PaymentMethod,
    allocate,
    credit_application_entries,
    payment_entries,
)
from openrcm.patients.policy import PatientAccountPolicy
from openrcm.patients.statements import Statement, build_statement, cycle_due
from openrcm.service.ledger import ledger_of
from openrcm.store.patient_account_tables import (
    Addressee,
    LoggedAction,
    SqlPatientAccountRepository,
    StatementRecord,
    addressees,
    awaiting_next_payer,
)

LETTER_HOUR = time(10, 0)  # letters are dated at 10 a.m. in the guarantor's time zone


class AccountError(ValueError):
    """A request the accounts cannot honour: unknown guarantor, plan already active, ..."""


def accounts_of(uow: Any) -> SqlPatientAccountRepository:
    """The patient-account repository of an open unit of work."""
    found = getattr(uow, "patient_accounts", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    return SqlPatientAccountRepository(uow.session, uow.tenant_id)


# -- the accounts as the ledger has them ------------------------------------------------


class _View:
    """Claims by guarantor and held credit, derived from entries; updated as entries are added."""

    def __init__(
        self,
        facts: dict[str, ClaimFacts],
        entries: Iterable[JournalEntry],
        awaiting: dict[str, set[str]],
    ) -> None:
        self.facts = facts
        self.by_claim: dict[str, list[JournalEntry]] = defaultdict(list)
        self.credit: dict[str, list[JournalEntry]] = defaultdict(list)
        self.awaiting = awaiting
        for e in entries:
            self._index(e)
        for pcn in list(self.by_claim):
            if pcn not in self.facts:
                self.facts[pcn] = _facts_from_entries(pcn, self.by_claim[pcn])
        self.claims: dict[str, GuarantorClaim] = {}
        for pcn in self.facts:
            self._derive(pcn)

    def _index(self, e: JournalEntry) -> None:
        if e.claim is not None:
            self.by_claim[e.claim].append(e)
        for leg in e.legs:
            party = leg.account.party
            if (
                leg.account.kind is AccountKind.UNAPPLIED_CASH
                and party
                and party.startswith(CREDIT_PREFIX)
            ):
                guarantor = party[len(CREDIT_PREFIX) :]
                if not self.credit[guarantor] or self.credit[guarantor][-1] is not e:
                    self.credit[guarantor].append(e)

    def _derive(self, pcn: str) -> None:
        entries = self.by_claim.get(pcn, [])
        waiting = self.awaiting.get(pcn, set())
        if waiting:
            decided = {e.payer_id for e in active_adjudications(entries)}
            waiting = {p for p in waiting if p not in decided}
        self.claims[pcn] = claim_account(
            self.facts[pcn], entries, awaiting_next_payer=bool(waiting)
        )

    def add(self, entries: Sequence[JournalEntry]) -> None:
        touched = set()
        for e in entries:
            self._index(e)
            if e.claim is not None and e.claim in self.facts:
                touched.add(e.claim)
        for pcn in touched:
            self._derive(pcn)

    def by_guarantor(self) -> dict[str, list[GuarantorClaim]]:
        grouped: dict[str, list[GuarantorClaim]] = defaultdict(list)
        for c in self.claims.values():
            grouped[c.guarantor_id].append(c)
        for g in self.credit:
            grouped.setdefault(g, [])
        for claims in grouped.values():
            claims.sort(key=lambda c: (c.account.service_date, c.claim))
        return dict(grouped)

    def of(self, guarantor_id: str) -> list[GuarantorClaim]:
        found = [c for c in self.claims.values() if c.guarantor_id == guarantor_id]
        return sorted(found, key=lambda c: (c.account.service_date, c.claim))

    def held(self, guarantor_id: str) -> dict[str | None, Decimal]:
        return held_credit(self.credit.get(guarantor_id, []), guarantor_id)


def _facts_from_entries(pcn: str, entries: list[JournalEntry]) -> ClaimFacts:
    """Facts for a claim the ledger knows but the claim tables do not (history brought in)."""
    charge = next((e for e in entries if e.source is SourceKind.CHARGE), None)
    patient = next((e.patient_id for e in entries if e.patient_id), None) or "unknown"
    first = charge or entries[0]
    return ClaimFacts(
        patient_control_number=pcn,
        patient_id=patient,
        patient_name="Patient",
        service_date=first.entry_date,
        description="Services",
        charge=ZERO,
        guarantor_id=patient,
    )


def _unique(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    seen: dict[str, JournalEntry] = {}
    for e in entries:
        seen.setdefault(e.id, e)
    return sorted(seen.values(), key=lambda e: e.entry_date)


def _view(uow: Any, guarantor_id: str | None = None) -> _View:
    """The accounts of every guarantor, or of one (its patients' claims, its A/R, its credit)."""
    ledger, repo = ledger_of(uow), accounts_of(uow)
    if guarantor_id is None:
        facts = repo.claim_facts()
        entries = ledger.entries()
    else:
        on_ar = ledger.for_account(patient_ar(guarantor_id))
        credit = ledger.for_account(credit_account(guarantor_id))
        facts = repo.claim_facts(
            patient_ids=repo.patients_of(guarantor_id),
            claims={e.claim for e in on_ar if e.claim},
        )
        entries = _unique([*ledger.for_claims(facts), *on_ar, *credit])
    return _View(facts, entries, awaiting_next_payer(repo))


def _roll_up(view: _View, on: date) -> list[JournalEntry]:
    """Move patient balances to the patient's guarantor of today (a child's claims to the
    parent who now pays): one transfer per claim whose balance sits on another party."""
    moves = []
    for pcn, c in view.claims.items():
        current = view.facts[pcn].guarantor_id
        if c.guarantor_id == current or c.patient_balance == 0:
            continue
        moves.append(
            transfer_entry(
                id=f"guarantor:{pcn}:{on.isoformat()}:{c.guarantor_id}>{current}",
                claim=pcn,
                from_account=patient_ar(c.guarantor_id),
                to_account=patient_ar(current),
                amount=c.patient_balance,
                entry_date=on,
                reason="guarantor_change",
                patient_id=c.patient_id,
            )
        )
    return moves


def _open_items(claims: Iterable[GuarantorClaim]) -> list[OpenItem]:
    return [
        OpenItem(
            c.claim,
            c.guarantor_id,
            c.account.due,
            c.account.responsibility_date or c.account.service_date,
            c.patient_id,
        )
        for c in claims
        if not c.pending and c.account.due > 0
    ]


def _credit_entries(view: _View, guarantor_id: str, on: date, prefix: str) -> list[JournalEntry]:
    held = view.held(guarantor_id)
    if not held:
        return []
    settled = {
        pool
        for pool in held
        if pool is not None and pool in view.claims and not view.claims[pool].pending
    }
    return credit_application_entries(
        guarantor_id,
        held,
        _open_items(view.of(guarantor_id)),
        settled=settled,
        on=on,
        id_prefix=prefix,
    )


def _settle(uow: Any, view: _View, on: date, policy: PatientAccountPolicy) -> list[JournalEntry]:
    """Roll balances up to today's guarantors, apply held credit to claims now due, and
    write off small balances; the entries are stored and the view updated."""
    ledger = ledger_of(uow)
    posted: list[JournalEntry] = []
    moves = _roll_up(view, on)
    if moves:
        ledger.add(moves)
        view.add(moves)
        posted += moves
    prefix = f"settle:{on.isoformat()}:{uuid.uuid4().hex[:8]}"
    applied = [e for g in list(view.credit) for e in _credit_entries(view, g, on, prefix)]
    if applied:
        ledger.add(applied)
        view.add(applied)
        posted += applied
    if policy.small_balance_threshold > 0:
        small = [
            e
            for g, claims in view.by_guarantor().items()
            for e in small_balance_write_offs(
                claims, policy.small_balance_threshold, on=on, id_prefix=f"{prefix}:{g}"
            )
        ]
        if small:
            ledger.add(small)
            view.add(small)
            posted += small
    return posted


# -- guarantors -------------------------------------------------------------------------


def policy(uow: Any) -> PatientAccountPolicy:
    """The tenant's patient-account policy (defaults until one is stored)."""
    with uow:
        return accounts_of(uow).policy()


def set_policy(uow: Any, new: PatientAccountPolicy) -> PatientAccountPolicy:
    with uow:
        accounts_of(uow).set_policy(new)
        uow.commit()
    return new


def assign_guarantor(uow: Any, patient_id: str, guarantor_id: str, *, on: date) -> int:
    """Make `guarantor_id` pay for `patient_id` (a parent for a child, one adult for the
    family); the patient's open balances move to the guarantor's account. Returns how many
    claims moved."""
    with uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise AccountError(f"no patient {patient_id}")
        if guarantor_id != patient_id and uow.guarantors.get(guarantor_id) is None:
            raise AccountError(f"no guarantor {guarantor_id}; add the guarantor first")
        new_id = None if guarantor_id == patient_id else guarantor_id
        uow.patients.update(patient.model_copy(update={"guarantor_id": new_id}))
        repo = accounts_of(uow)
        old = patient.guarantor_id or patient.id
        on_old = ledger_of(uow).for_account(patient_ar(old))
        facts = repo.claim_facts(
            patient_ids=[patient_id],
            claims={e.claim for e in on_old if e.claim and e.patient_id == patient_id},
        )
        view = _View(facts, ledger_of(uow).for_claims(facts), awaiting_next_payer(repo))
        moves = _roll_up(view, on)
        ledger_of(uow).add(moves)
        uow.commit()
    return len(moves)


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """One guarantor's account: the claims, what is due and pending, credit, plan, standing."""

    guarantor_id: str
    claims: tuple[GuarantorClaim, ...]
    due: Decimal
    insurance_pending: Decimal
    credit: Decimal
    plan: PaymentPlan | None
    state: GuarantorAccountState | None

    def as_json(self) -> dict[str, Any]:
        return {
            "guarantor_id": self.guarantor_id,
            "amount_due": format_money(self.due),
            "insurance_pending": format_money(self.insurance_pending),
            "credit": format_money(self.credit),
            "dunning_level": self.state.dunning_level if self.state else None,
            "collection_stage": self.state.stage if self.state else "none",
            "plan": plan_json(self.plan) if self.plan else None,
            "claims": [
                {
                    "claim": c.claim,
                    "patient_id": c.patient_id,
                    "service_date": c.account.service_date.isoformat(),
                    "charge": format_money(c.account.charge),
                    "insurance_paid": format_money(c.account.insurance_paid),
                    "adjustments": format_money(c.account.adjustments),
                    "patient_paid": format_money(c.account.patient_paid),
                    "patient_responsibility": format_money(c.account.patient_responsibility),
                    "status": "insurance_pending" if c.pending else "adjudicated",
                    "insurance_pending": format_money(c.account.pending),
                    "due": format_money(c.account.due),
                }
                for c in self.claims
            ],
        }


def account(uow: Any, guarantor_id: str) -> AccountSummary:
    """One guarantor's account as it stands in the ledger."""
    with uow:
        view = _view(uow, guarantor_id)
        repo = accounts_of(uow)
        claims = tuple(view.of(guarantor_id))
        plans = repo.plans(guarantor_id=guarantor_id, status=PlanStatus.ACTIVE.value)
        return AccountSummary(
            guarantor_id=guarantor_id,
            claims=claims,
            due=sum((c.account.due for c in claims if not c.pending), ZERO),
            insurance_pending=sum((c.account.pending for c in claims), ZERO),
            credit=sum(view.held(guarantor_id).values(), ZERO),
            plan=plans[-1] if plans else None,
            state=repo.account(guarantor_id),
        )


# -- payments ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """Where a payment went: claims, credit held, and the plan it paid down."""

    payment: PatientPayment
    allocations: tuple[Allocation, ...]
    credit: Decimal
    plan: PaymentPlan | None = None
    already_posted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "payment_id": self.payment.id,
            "guarantor_id": self.payment.guarantor_id,
            "amount": format_money(self.payment.amount),
            "method": self.payment.method.value,
            "applied": [
                {"claim": a.claim, "amount": format_money(a.amount)} for a in self.allocations
            ],
            "credit": format_money(self.credit),
            "plan": plan_json(self.plan) if self.plan else None,
            "already_posted": self.already_posted,
        }


def post_payment(uow: Any, payment: PatientPayment) -> PaymentResult:
    """Post a guarantor's payment: to the chosen claim, then oldest first; the rest held as
    credit. A copay is held for its visit until that claim is adjudicated. An active payment
    plan is paid down by the same amount. The same payment id twice posts nothing."""
    with uow:
        ledger = ledger_of(uow)
        first = f"pay:{payment.id}:"
        if ledger.existing_ids([f"{first}1", f"{first}credit"]):
            return PaymentResult(payment, (), ZERO, already_posted=True)
        view = _view(uow, payment.guarantor_id)
        claims = view.of(payment.guarantor_id)
        if payment.claim is not None and payment.claim not in {c.claim for c in claims}:
            raise AccountError(f"claim {payment.claim} is not on account {payment.guarantor_id}")
        allocations: tuple[Allocation, ...]
        if payment.copay:
            allocations, credit = (), payment.amount
        else:
            allocations, credit = allocate(payment.amount, _open_items(claims), claim=payment.claim)
        ledger.add(payment_entries(payment, allocations, credit))
        plan = _pay_plan(uow, payment)
        uow.commit()
    return PaymentResult(payment, allocations, credit, plan)


def collect_copay(
    uow: Any,
    *,
    payment_id: str,
    guarantor_id: str,
    claim: str,
    amount: Decimal,
    method: PaymentMethod | str,
    received_on: date,
    reference: str | None = None,
) -> PaymentResult:
    """A copay taken at the visit: held for `claim` until its last payer adjudicates."""
    return post_payment(
        uow,
        PatientPayment(
            id=payment_id,
            guarantor_id=guarantor_id,
            amount=to_money(amount),
            method=PaymentMethod(method),
            received_on=received_on,
            reference=reference,
            claim=claim,
            copay=True,
        ),
    )


def _pay_plan(uow: Any, payment: PatientPayment) -> PaymentPlan | None:
    if payment.copay:
        return None
    repo = accounts_of(uow)
    plans = repo.plans(guarantor_id=payment.guarantor_id, status=PlanStatus.ACTIVE.value)
    if not plans:
        return None
    plan, _excess = apply_payment(plans[-1], payment.amount)
    return repo.update_plan(plan)


def apply_credits(uow: Any, *, as_of: date, guarantor_id: str | None = None) -> int:
    """Apply held credit (copays, overpayments) to claims that are now due, and move balances
    to today's guarantors. Returns how many entries were posted."""
    with uow:
        view = _view(uow, guarantor_id)
        posted = _settle(uow, view, as_of, PatientAccountPolicy())
        uow.commit()
    return len(posted)


# -- credit balances and refunds -----------------------------------------------------------


def propose_refunds(uow: Any, *, as_of: date) -> list[RefundProposal]:
    """Find credit balances and propose a refund for each one not proposed yet."""
    with uow:
        view = _view(uow)
        _settle(uow, view, as_of, PatientAccountPolicy())
        repo = accounts_of(uow)
        waiting = {
            (p.guarantor_id, p.claim, p.pool)
            for p in repo.refunds(status=RefundStatus.PROPOSED.value)
        }
        proposals = []
        for g, claims in view.by_guarantor().items():
            for credit in find_credit_balances(claims, view.held(g), g):
                key = (credit.guarantor_id, credit.claim, credit.pool)
                if key in waiting:
                    continue
                proposal = RefundProposal(
                    id=f"rf-{uuid.uuid4().hex[:12]}",
                    guarantor_id=credit.guarantor_id,
                    amount=credit.amount,
                    proposed_on=as_of,
                    claim=credit.claim,
                    pool=credit.pool,
                    patient_id=credit.patient_id,
                )
                repo.add_refund(proposal)
                proposals.append(proposal)
        uow.commit()
    return proposals


def decide_refund(
    uow: Any, proposal_id: str, *, approve: bool, on: date, by: str
) -> RefundProposal:
    """Approve (post it to refunds payable) or reject a proposed refund."""
    with uow:
        repo = accounts_of(uow)
        proposal = repo.refund(proposal_id)
        if proposal is None:
            raise AccountError(f"no refund proposal {proposal_id}")
        if proposal.status is not RefundStatus.PROPOSED:
            raise AccountError(f"refund {proposal_id} is already {proposal.status.value}")
        status = RefundStatus.APPROVED if approve else RefundStatus.REJECTED
        decided = dataclasses.replace(proposal, status=status, decided_on=on, decided_by=by)
        if approve:
            ledger_of(uow).add(refund_entries(decided, on=on))
        repo.update_refund(decided)
        uow.commit()
    return decided


def approve_refund(uow: Any, proposal_id: str, *, on: date, by: str) -> RefundProposal:
    return decide_refund(uow, proposal_id, approve=True, on=on, by=by)


def mark_refund_paid(uow: Any, proposal_id: str, *, on: date) -> RefundProposal:
    """The refund check for an approved refund went out."""
    with uow:
        repo = accounts_of(uow)
        proposal = repo.refund(proposal_id)
        if proposal is None or proposal.status is not RefundStatus.APPROVED:
            raise AccountError(f"refund {proposal_id} is not an approved refund")
        paid = dataclasses.replace(proposal, status=RefundStatus.PAID)
        ledger_of(uow).add(refund_paid_entries(paid, on=on))
        repo.update_refund(paid)
        uow.commit()
    return paid


# -- statements -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementResult:
    """One statement produced: its figures and the files written."""

    guarantor_id: str
    statement: Statement
    files: dict[str, Path] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "guarantor_id": self.guarantor_id,
            "guarantor": self.guarantor_id,
            "statement_date": self.statement.statement_date.isoformat(),
            "amount_due": format_money(self.statement.amount_due),
            "insurance_pending": format_money(self.statement.insurance_pending),
            "dunning_level": self.statement.dunning_level,
            "plan": self.statement.plan_note,
            **{kind: str(path) for kind, path in self.files.items()},
        }


def _practice(uow: Any) -> tuple[str, tuple[str, ...], str]:
    from openrcm.domain.party import ProviderRole

    tenant = uow.tenants.get(uow.tenant_id)
    name = tenant.name if tenant is not None else uow.tenant_id
    for provider in uow.providers.list(limit=500):
        if ProviderRole.BILLING in provider.roles and provider.address is not None:
            a = provider.address
            zip_code = a.zip_code if len(a.zip_code) == 5 else f"{a.zip_code[:5]}-{a.zip_code[5:]}"
            lines = (*(x for x in (a.line1, a.line2) if x), f"{a.city}, {a.state} {zip_code}")
            return name, lines, ""
    return name, (), ""


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:80] or "guarantor"


def run_statement_cycle(
    uow: Any,
    *,
    as_of: date,
    out_dir: Path | None = None,
    cycle: bool = True,
    guarantor_ids: Iterable[str] | None = None,
    pdf: bool = True,
    progress: Any = None,
) -> list[StatementResult]:
    """Statements for every guarantor with an amount due, from the stored ledger.

    First balances move to today's guarantors, held copays apply to adjudicated claims and
    small balances are written off (policy). With `cycle`, only guarantors whose last cycle
    statement is `statement_interval_days` old get one, its dunning level (at most one above
    the last) and date are stored, and the statement is recorded; without, every guarantor
    with an amount due gets an on-demand statement and nothing about dunning changes.
    Accounts placed with an agency or that asked to cease communication get none. Files
    (PDF, JSON, CSV per guarantor, plus `statements.csv` for the batch) go to `out_dir`.
    """
    from openrcm.forms.statement import (
        StatementParties,
        render_statement,
        statement_csv,
        statement_document,
    )

    wanted = set(guarantor_ids) if guarantor_ids is not None else None
    results: list[StatementResult] = []
    with uow:
        repo = accounts_of(uow)
        rules = repo.policy()
        view = _view(uow)
        _settle(uow, view, as_of, rules)
        plans = _reviewed_plans(repo, as_of)
        states = repo.accounts()
        mail = addressees(repo)
        practice_name, practice_address, phone = _practice(uow)
        records: list[StatementRecord] = []
        changed: list[GuarantorAccountState] = []
        batch: list[tuple[Statement, Any]] = []
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
        grouped = view.by_guarantor()
        for n, (g, claims) in enumerate(sorted(grouped.items())):
            if progress is not None:
                progress(n + 1, len(grouped))
            if wanted is not None and g not in wanted:
                continue
            state = states.get(g)
            if state is not None and (
                state.cease_communication
                or state.stage in (CollectionStage.ASSIGNED, CollectionStage.WRITTEN_OFF)
            ):
                continue
            if cycle and not cycle_due(
                state.last_statement_date if state else None, as_of, rules.statement_interval_days
            ):
                continue
            plan = plans.get(g)
            statement = build_statement(
                g,
                [c.account for c in claims],
                as_of,
                plan_note=plan_note(plan, as_of) if plan is not None else None,
                on_plan=plan is not None and plan.status is PlanStatus.ACTIVE,
                minimum_due=max(rules.minimum_statement_amount, Decimal("0.01")),
                previous_level=(state.dunning_level or 0 if state else 0) if cycle else None,
            )
            if statement is None:
                continue
            who = mail.get(g) or Addressee("Responsible party", (), None, "America/New_York")
            parties = StatementParties(
                practice_name=practice_name,
                practice_address=practice_address,
                practice_phone=phone,
                guarantor_name=who.name,
                guarantor_address=who.address,
                account_number=g,
            )
            document = statement_document(statement, parties)
            files: dict[str, Path] = {}
            if out_dir is not None:
                stem = out_dir / _safe_name(g)
                if pdf:
                    files["pdf"] = stem.with_suffix(".pdf")
                    files["pdf"].write_bytes(render_statement(statement, parties))
                files["json"] = stem.with_suffix(".json")
                files["json"].write_text(json.dumps(document, indent=2), encoding="utf-8")
                files["csv"] = stem.with_suffix(".csv")
                files["csv"].write_text(statement_csv([(statement, parties)]), encoding="utf-8")
                batch.append((statement, parties))
            results.append(StatementResult(g, statement, files))
            if cycle:
                records.append(
                    StatementRecord(
                        id=f"{as_of.isoformat()}:{g}",
                        guarantor_id=g,
                        statement_date=as_of,
                        amount_due=statement.amount_due,
                        insurance_pending=statement.insurance_pending,
                        dunning_level=statement.dunning_level,
                        cycle=True,
                        document=document,
                    )
                )
                base = state or GuarantorAccountState(guarantor_id=g, time_zone=who.time_zone)
                changed.append(
                    dataclasses.replace(
                        base, dunning_level=statement.dunning_level, last_statement_date=as_of
                    )
                )
        if out_dir is not None and batch:
            (out_dir / "statements.csv").write_text(statement_csv(batch), encoding="utf-8")
        repo.add_statements(records)
        repo.save_accounts(changed)
        uow.commit()
    return results


def statements(uow: Any, guarantor_id: str) -> list[StatementRecord]:
    """The cycle statements a guarantor was sent, oldest first."""
    with uow:
        return accounts_of(uow).statements(guarantor_id)


# -- payment plans ------------------------------------------------------------------------


def plan_json(plan: PaymentPlan) -> dict[str, Any]:
    from openrcm.patients.payment_plan import plan_document

    return {
        **plan_document(plan),
        "paid": format_money(plan.paid),
        "remaining": format_money(plan.remaining),
    }


def _reviewed_plans(repo: SqlPatientAccountRepository, as_of: date) -> dict[str, PaymentPlan]:
    """Plans reviewed for misses (defaults stored); the latest plan per guarantor, whatever
    its status, so a statement can say a plan defaulted or was paid off."""
    latest: dict[str, PaymentPlan] = {}
    for plan in repo.plans():
        reviewed = review(plan, as_of)
        if reviewed.status is not plan.status:
            repo.update_plan(reviewed)
        latest[plan.guarantor_id] = reviewed
    return latest


def create_payment_plan(
    uow: Any,
    guarantor_id: str,
    *,
    instalments: int,
    first_due: date,
    amount: Decimal | None = None,
    as_of: date | None = None,
    plan_id: str | None = None,
) -> PaymentPlan:
    """A plan over the guarantor's amount due (or `amount`), stored; refused when the
    guarantor already has an active plan or owes nothing."""
    created = as_of or first_due
    with uow:
        repo = accounts_of(uow)
        if repo.plans(guarantor_id=guarantor_id, status=PlanStatus.ACTIVE.value):
            raise AccountError(f"guarantor {guarantor_id} already has an active payment plan")
        rules = repo.policy()
        view = _view(uow, guarantor_id)
        due = sum((c.account.due for c in view.of(guarantor_id) if not c.pending), ZERO)
        balance = to_money(amount) if amount is not None else due
        if balance <= 0:
            raise AccountError(f"guarantor {guarantor_id} owes nothing to put on a plan")
        if balance > due:
            raise AccountError(
                f"a plan of {format_money(balance)} exceeds the {format_money(due)} due"
            )
        plan = create_plan(
            guarantor_id,
            balance,
            instalments=instalments,
            first_due=first_due,
            max_missed=rules.plan_max_missed,
            grace_days=rules.plan_grace_days,
            plan_id=plan_id or f"plan-{uuid.uuid4().hex[:12]}",
            created_on=created,
        )
        repo.add_plan(plan)
        uow.commit()
    return plan


def review_plans(uow: Any, *, as_of: date) -> list[PaymentPlan]:
    """Review every active plan for missed instalments; returns the plans (defaults stored)."""
    with uow:
        found = [
            p
            for p in _reviewed_plans(accounts_of(uow), as_of).values()
            if p.status is not PlanStatus.PAID_OFF
        ]
        uow.commit()
    return found


def plans(uow: Any, *, guarantor_id: str | None = None) -> list[PaymentPlan]:
    with uow:
        return accounts_of(uow).plans(guarantor_id=guarantor_id)


# -- collections ---------------------------------------------------------------------------


def _notice_json(notice: ValidationNotice) -> str:
    return json.dumps(
        {
            k: (
                format_money(v)
                if isinstance(v, Decimal)
                else v.isoformat()
                if isinstance(v, date)
                else v
            )
            for k, v in dataclasses.asdict(notice).items()
        }
    )


def _notice(text: str | None) -> ValidationNotice | None:
    if not text:
        return None
    data = json.loads(text)
    return ValidationNotice(
        debt_id=data["debt_id"],
        creditor=data["creditor"],
        itemization_date=date.fromisoformat(data["itemization_date"]),
        amount_on_itemization_date=Decimal(data["amount_on_itemization_date"]),
        current_amount=Decimal(data["current_amount"]),
        sent_on=date.fromisoformat(data["sent_on"]),
        dispute_deadline=date.fromisoformat(data["dispute_deadline"]),
    )


def _letter_time(day: date, zone: str) -> datetime:
    return datetime.combine(day, LETTER_HOUR, tzinfo=ZoneInfo(zone))


def _debt(
    state: GuarantorAccountState,
    *,
    creditor: str,
    amount: Decimal,
    itemization: tuple[date, Decimal] | None,
    today: date,
) -> Debt:
    notice = _notice(state.validation_notice)
    if notice is not None:
        itemization_date, itemized = notice.itemization_date, notice.amount_on_itemization_date
    elif itemization is not None:
        itemization_date, itemized = itemization
    else:
        itemization_date, itemized = state.last_statement_date or today, amount
    return Debt(
        id=state.debt_id or f"debt-{state.guarantor_id}",
        guarantor_id=state.guarantor_id,
        creditor=creditor,
        amount=amount,
        itemization_date=itemization_date,
        amount_on_itemization_date=itemized,
        time_zone=state.time_zone,
        validation_notice=notice,
        disputed=state.disputed,
        verification_sent=state.verification_sent,
        cease_communication=state.cease_communication,
    )


@dataclass(frozen=True, slots=True)
class CollectionOutcome:
    """What a collection run did for one guarantor."""

    guarantor_id: str
    action: ActionKind
    allowed: bool
    reasons: tuple[str, ...] = ()
    amount: Decimal = ZERO
    file: Path | None = None


@dataclass(frozen=True, slots=True)
class CollectionRun:
    """A collection run: aging of every patient balance, and each action taken or refused."""

    as_of: date
    aging: dict[str, Decimal]
    guarantors_due: int
    outcomes: tuple[CollectionOutcome, ...]
    agency_file: Path | None = None
    bad_debt: Decimal = ZERO

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "aging": {k: format_money(v) for k, v in self.aging.items()},
            "guarantors_due": self.guarantors_due,
            "letters": sum(
                1
                for o in self.outcomes
                if o.allowed and o.action is ActionKind.PRE_COLLECTION_LETTER
            ),
            "assigned": sum(
                1 for o in self.outcomes if o.allowed and o.action is ActionKind.AGENCY_ASSIGNMENT
            ),
            "refused": sum(1 for o in self.outcomes if not o.allowed),
            "bad_debt": format_money(self.bad_debt),
            "agency_file": str(self.agency_file) if self.agency_file else None,
            "actions": [
                {
                    "guarantor_id": o.guarantor_id,
                    "action": o.action.value,
                    "allowed": o.allowed,
                    "reasons": list(o.reasons),
                    "amount": format_money(o.amount),
                    "file": str(o.file) if o.file else None,
                }
                for o in self.outcomes
            ],
        }


def _check_and_log(
    repo: SqlPatientAccountRepository, debt: Debt, action: Action, detail: str | None = None
) -> LogEntry:
    """Check an action against every safeguard and log it, allowed or refused."""
    history = [item.entry for item in repo.collection_log(debt_id=debt.id)]
    result = check_action(debt, action, history)
    repo.log([LoggedAction(debt.guarantor_id, result, detail)])
    return result


def run_collections(uow: Any, *, as_of: date, out_dir: Path | None = None) -> CollectionRun:
    """Age every patient balance and move accounts along the collection pipeline.

    Accounts at their final notice, old enough, get the validation notice and the
    pre-collection letter; after the dispute period and `agency_after_days`, they are
    placed with the agency (a CSV placement file) and, by policy, written off to bad debt.
    Every action is checked by the FDCPA / Regulation F safeguards and logged; a refused
    action changes nothing else.
    """
    aging_totals = {name: ZERO for name, _, _ in AGING_BUCKETS}
    outcomes: list[CollectionOutcome] = []
    placements: list[dict[str, str]] = []
    bad_debt = ZERO
    with uow:
        repo = accounts_of(uow)
        rules = repo.policy()
        view = _view(uow)
        _settle(uow, view, as_of, rules)
        plans = _reviewed_plans(repo, as_of)
        states = repo.accounts()
        mail = addressees(repo)
        creditor, _, phone = _practice(uow)
        changed: list[GuarantorAccountState] = []
        new_entries: list[JournalEntry] = []
        guarantors_due = 0
        for g, claims in sorted(view.by_guarantor().items()):
            owing = [c for c in claims if not c.pending and c.account.due > 0]
            due = sum((c.account.due for c in owing), ZERO)
            ages = [
                (as_of - (c.account.responsibility_date or c.account.service_date)).days
                for c in owing
            ]
            for c, age in zip(owing, ages, strict=True):
                aging_totals[bucket_of(age)] += c.account.due
            if due > 0:
                guarantors_due += 1
            who = mail.get(g) or Addressee("Responsible party", (), None, "America/New_York")
            state = states.get(g) or GuarantorAccountState(guarantor_id=g, time_zone=who.time_zone)
            stage = CollectionStage(state.stage)
            plan = plans.get(g)
            if stage is CollectionStage.PRE_COLLECTION and due <= 0:
                changed.append(dataclasses.replace(state, stage=CollectionStage.RESOLVED.value))
                continue
            step = next_step(
                stage if stage is not CollectionStage.RESOLVED else CollectionStage.NONE,
                due=due,
                oldest_age_days=max(ages, default=0),
                dunning_level=state.dunning_level or 0,
                on_plan=plan is not None and plan.status is PlanStatus.ACTIVE,
                notice=_notice(state.validation_notice),
                letter_on=state.letter_on,
                as_of=as_of,
                policy=rules,
            )
            if step is None:
                continue
            if state.debt_id is None:
                state = dataclasses.replace(state, debt_id=f"debt-{g}-{as_of.isoformat()}")
            last = repo.statements(g)
            itemization = (last[-1].statement_date, last[-1].amount_due) if last else None
            debt = _debt(state, creditor=creditor, amount=due, itemization=itemization, today=as_of)
            at = _letter_time(as_of, state.time_zone)
            if step is ActionKind.VALIDATION_NOTICE:
                notice_action = Action(debt.id, step, Channel.LETTER, g, at)
                result = _check_and_log(repo, debt, notice_action, "validation notice")
                outcomes.append(_outcome(g, result, due))
                if not result.allowed:
                    changed.append(state)
                    continue
                notice = make_validation_notice(debt, as_of)
                state = dataclasses.replace(state, validation_notice=_notice_json(notice))
                debt = dataclasses.replace(debt, validation_notice=notice)
                step = ActionKind.PRE_COLLECTION_LETTER
            if step is ActionKind.PRE_COLLECTION_LETTER:
                letter = Action(debt.id, step, Channel.LETTER, g, at)
                result = _check_and_log(repo, debt, letter, "pre-collection letter")
                path = None
                if result.allowed and debt.validation_notice is not None:
                    text = pre_collection_letter(
                        debt.validation_notice,
                        practice=creditor,
                        phone=phone,
                        guarantor_name=who.name,
                        sent_on=as_of,
                    )
                    if out_dir is not None:
                        folder = out_dir / "letters"
                        folder.mkdir(parents=True, exist_ok=True)
                        path = folder / f"{_safe_name(g)}-{as_of.isoformat()}.txt"
                        path.write_text(text, encoding="utf-8")
                    state = dataclasses.replace(
                        state, stage=CollectionStage.PRE_COLLECTION.value, letter_on=as_of
                    )
                outcomes.append(_outcome(g, result, due, path))
                changed.append(state)
                continue
            if step is ActionKind.AGENCY_ASSIGNMENT:
                placement = Action(debt.id, step, Channel.LETTER, rules.agency_id, at)
                result = _check_and_log(repo, debt, placement, f"placed with {rules.agency_id}")
                outcomes.append(_outcome(g, result, due))
                if not result.allowed:
                    changed.append(state)
                    continue
                sent = debt.validation_notice
                placements.extend(
                    agency_rows(
                        owing,
                        header={
                            "agency_id": rules.agency_id,
                            "placement_date": as_of.isoformat(),
                            "debt_id": debt.id,
                            "guarantor_id": g,
                            "guarantor_name": who.name,
                            "address_line1": who.address[0] if who.address else "",
                            "address_line2": who.address[1] if len(who.address) > 2 else "",
                            "city": who.address[-1] if who.address else "",
                            "phone": who.phone or "",
                            "creditor": creditor,
                            "itemization_date": debt.itemization_date.isoformat(),
                            "amount_on_itemization_date": format_money(
                                debt.amount_on_itemization_date
                            ),
                            "validation_notice_sent_on": sent.sent_on.isoformat() if sent else "",
                        },
                    )
                )
                if rules.write_off_on_assignment:
                    written = bad_debt_entries(
                        owing, on=as_of, id_prefix=f"{debt.id}:{as_of.isoformat()}", reason="agency"
                    )
                    new_entries += written
                    bad_debt += due
                changed.append(
                    dataclasses.replace(
                        state,
                        stage=CollectionStage.ASSIGNED.value,
                        agency_id=rules.agency_id,
                        assigned_on=as_of,
                    )
                )
        agency_file = None
        if placements and out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            agency_file = out_dir / f"agency-{_safe_name(rules.agency_id)}-{as_of.isoformat()}.csv"
            with agency_file.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=AGENCY_COLUMNS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(placements)
        ledger_of(uow).add(new_entries)
        repo.save_accounts(changed)
        uow.commit()
    return CollectionRun(
        as_of=as_of,
        aging=aging_totals,
        guarantors_due=guarantors_due,
        outcomes=tuple(outcomes),
        agency_file=agency_file,
        bad_debt=bad_debt,
    )


def _outcome(
    guarantor_id: str, result: LogEntry, amount: Decimal, path: Path | None = None
) -> CollectionOutcome:
    return CollectionOutcome(
        guarantor_id,
        result.action.kind,
        result.allowed,
        tuple(f.code for f in result.reasons),
        amount,
        path,
    )


def _state_for(uow: Any, guarantor_id: str) -> GuarantorAccountState:
    repo = accounts_of(uow)
    state = repo.account(guarantor_id)
    if state is None:
        who = addressees(repo).get(guarantor_id)
        state = GuarantorAccountState(
            guarantor_id=guarantor_id,
            time_zone=who.time_zone if who else "America/New_York",
        )
    if state.debt_id is None:
        state = dataclasses.replace(state, debt_id=f"debt-{guarantor_id}")
    return state


def record_contact(
    uow: Any,
    guarantor_id: str,
    *,
    channel: Channel | str,
    at: datetime,
    recipient_id: str | None = None,
    connected: bool = False,
    kind: ActionKind | str = ActionKind.COLLECTION_CONTACT,
    detail: str | None = None,
) -> LogEntry:
    """Ask to contact a guarantor about the debt (a call, text, e-mail or letter); the
    safeguards decide and the attempt is logged either way. `recipient_id` defaults to the
    guarantor; anyone else is a third party and is refused."""
    with uow:
        repo = accounts_of(uow)
        state = _state_for(uow, guarantor_id)
        view = _view(uow, guarantor_id)
        due = sum((c.account.due for c in view.of(guarantor_id) if not c.pending), ZERO)
        last = repo.statements(guarantor_id)
        itemization = (last[-1].statement_date, last[-1].amount_due) if last else None
        creditor = _practice(uow)[0]
        debt = _debt(state, creditor=creditor, amount=due, itemization=itemization, today=at.date())
        action = Action(
            debt.id,
            ActionKind(kind),
            Channel(channel),
            recipient_id or guarantor_id,
            at,
            connected,
        )
        result = _check_and_log(repo, debt, action, detail)
        repo.save_accounts([state])
        uow.commit()
    return result


def _set_flags(uow: Any, guarantor_id: str, **flags: Any) -> GuarantorAccountState:
    with uow:
        state = dataclasses.replace(_state_for(uow, guarantor_id), **flags)
        accounts_of(uow).save_accounts([state])
        uow.commit()
    return state


def record_dispute(uow: Any, guarantor_id: str) -> GuarantorAccountState:
    """The guarantor disputes the debt: collection stops until verification is sent."""
    return _set_flags(uow, guarantor_id, disputed=True, verification_sent=False)


def record_verification(uow: Any, guarantor_id: str, *, on: date) -> LogEntry:
    """Send verification of a disputed debt (logged); collection may then resume."""
    result = record_contact(
        uow,
        guarantor_id,
        channel=Channel.LETTER,
        at=_letter_time(on, "UTC"),
        kind=ActionKind.VERIFICATION,
        detail="verification of the debt",
    )
    if result.allowed:
        _set_flags(uow, guarantor_id, verification_sent=True)
    return result


def record_cease(uow: Any, guarantor_id: str, *, on: date) -> LogEntry:
    """The guarantor asked in writing that we stop contacting them: the flag stops every
    action but the confirmation, which is sent (and logged) now."""
    _set_flags(uow, guarantor_id, cease_communication=True)
    return record_contact(
        uow,
        guarantor_id,
        channel=Channel.LETTER,
        at=_letter_time(on, "UTC"),
        kind=ActionKind.CEASE_CONFIRMATION,
        detail="confirmation that collection efforts stop",
    )


def collection_log(uow: Any, guarantor_id: str | None = None) -> list[LoggedAction]:
    with uow:
        return accounts_of(uow).collection_log(guarantor_id=guarantor_id)


def write_off_bad_debt(
    uow: Any, guarantor_id: str, *, on: date, reason: str = "bad_debt"
) -> Decimal:
    """Write a guarantor's whole due balance off to bad debt (no agency); returns the amount."""
    with uow:
        view = _view(uow, guarantor_id)
        owing = [c for c in view.of(guarantor_id) if not c.pending and c.account.due > 0]
        entries = bad_debt_entries(
            owing, on=on, id_prefix=f"bad-debt:{guarantor_id}:{on.isoformat()}", reason=reason[:40]
        )
        ledger_of(uow).add(entries)
        state = _state_for(uow, guarantor_id)
        if entries and state.stage != CollectionStage.ASSIGNED.value:
            state = dataclasses.replace(state, stage=CollectionStage.WRITTEN_OFF.value)
        accounts_of(uow).save_accounts([state])
        uow.commit()
    return sum((c.account.due for c in owing), ZERO)


def post_recovery(
    uow: Any,
    guarantor_id: str,
    *,
    recovery_id: str,
    amount: Decimal,
    fee: Decimal,
    on: date,
    reference: str | None = None,
) -> tuple[int, Decimal]:
    """Post what the agency recovered (gross `amount`, of which it kept `fee`) against the
    guarantor's written-off claims, oldest first. Returns entries posted and any excess,
    which is held as the guarantor's credit."""
    with uow:
        ledger = ledger_of(uow)
        view = _view(uow, guarantor_id)
        claims = {c.claim: c for c in view.of(guarantor_id)}
        entries = [e for pcn in claims for e in view.by_claim.get(pcn, [])]
        open_debt = [
            WrittenOff(
                pcn,
                claims[pcn].guarantor_id,
                amount_left,
                claims[pcn].account.responsibility_date or claims[pcn].account.service_date,
                claims[pcn].patient_id,
            )
            for pcn, amount_left in written_off(entries).items()
        ]
        built, left = recovery_entries(
            to_money(amount),
            to_money(fee),
            open_debt,
            recovery_id=recovery_id,
            on=on,
            reference=reference,
        )
        if left > 0:
            built += payment_entries(
                PatientPayment(
                    id=f"recovery-{recovery_id}",
                    guarantor_id=guarantor_id,
                    amount=left,
                    method=PaymentMethod.CHECK,
                    received_on=on,
                    reference=reference or recovery_id,
                ),
                (),
                left,
            )
        ledger.add(built)
        uow.commit()
    return len(built), left


# -- inquiries ------------------------------------------------------------------------------


def log_inquiry(
    uow: Any,
    *,
    guarantor_id: str,
    source: InquirySource | str,
    channel: InquiryChannel | str,
    summary: str,
    received_at: datetime,
    claim: str | None = None,
    payer_id: str | None = None,
    taken_by: str | None = None,
    follow_up: str | None = None,
    due_date: date | None = None,
    assignee: str | None = None,
) -> tuple[Inquiry, FollowUpTask | None]:
    """Log a call or message about an account (and claim), with an optional follow-up task."""
    inquiry = Inquiry(
        id=f"inq-{uuid.uuid4().hex[:12]}",
        guarantor_id=guarantor_id,
        source=InquirySource(source),
        channel=InquiryChannel(channel),
        received_at=received_at,
        summary=summary,
        claim=claim,
        payer_id=payer_id,
        taken_by=taken_by,
    )
    task = None
    if follow_up is not None:
        if due_date is None:
            raise AccountError("a follow-up task needs a due date")
        task = FollowUpTask(
            id=f"task-{uuid.uuid4().hex[:12]}",
            inquiry_id=inquiry.id,
            description=follow_up,
            due_date=due_date,
            assignee=assignee,
        )
    with uow:
        repo = accounts_of(uow)
        repo.add_inquiry(inquiry)
        if task is not None:
            repo.add_task(task)
        uow.commit()
    return inquiry, task


def add_follow_up(
    uow: Any, inquiry_id: str, *, description: str, due_date: date, assignee: str | None = None
) -> FollowUpTask:
    task = FollowUpTask(
        id=f"task-{uuid.uuid4().hex[:12]}",
        inquiry_id=inquiry_id,
        description=description,
        due_date=due_date,
        assignee=assignee,
    )
    with uow:
        accounts_of(uow).add_task(task)
        uow.commit()
    return task


def complete_task(uow: Any, task_id: str, *, on: date) -> FollowUpTask:
    with uow:
        repo = accounts_of(uow)
        task = repo.task(task_id)
        if task is None:
            raise AccountError(f"no follow-up task {task_id}")
        done = dataclasses.replace(task, done_on=on)
        repo.update_task(done)
        uow.commit()
    return done


def inquiries(
    uow: Any, *, guarantor_id: str | None = None, claim: str | None = None
) -> list[tuple[Inquiry, list[FollowUpTask]]]:
    """Inquiries with their tasks (all of them, open and done)."""
    with uow:
        repo = accounts_of(uow)
        found = repo.inquiries(guarantor_id=guarantor_id, claim=claim)
        return [(i, repo.tasks(open_only=False, inquiry_id=i.id)) for i in found]


def open_tasks(uow: Any, *, due_by: date | None = None) -> list[FollowUpTask]:
    with uow:
        return accounts_of(uow).tasks(open_only=True, due_by=due_by)


def aging(uow: Any, *, as_of: date) -> dict[str, Decimal]:
    """Patient balances due, by age since they became the patient's, across every guarantor."""
    totals = {name: ZERO for name, _, _ in AGING_BUCKETS}
    with uow:
        view = _view(uow)
    for c in view.claims.values():
        if not c.pending and c.account.due > 0:
            since = c.account.responsibility_date or c.account.service_date
            totals[bucket_of((as_of - since).days)] += c.account.due
    return totals


__all__ = [
    "AccountError",
    "AccountSummary",
    "CollectionOutcome",
    "CollectionRun",
    "PaymentResult",
    "StatementResult",
    "account",
    "accounts_of",
    "add_follow_up",
    "aging",
    "apply_credits",
    "approve_refund",
    "assign_guarantor",
    "collect_copay",
    "collection_log",
    "complete_task",
    "create_payment_plan",
    "decide_refund",
    "inquiries",
    "log_inquiry",
    "mark_refund_paid",
    "open_tasks",
    "plan_json",
    "plans",
    "policy",
    "post_payment",
    "post_recovery",
    "propose_refunds",
    "record_cease",
    "record_contact",
    "record_dispute",
    "record_verification",
    "review_plans",
    "run_collections",
    "run_statement_cycle",
    "set_policy",
    "statements",
    "write_off_bad_debt",
]
