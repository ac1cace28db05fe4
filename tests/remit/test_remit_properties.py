"""Properties of posting over random histories of charges, payments, adjustments, denials,
reversals, take-backs, interest, patient payments and secondary payments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from remit_factories import PRIMARY, SECONDARY, cas, claim, clp, era, plb, svc

from openrcm.domain import Claim, ClaimPayment, ClaimPaymentStatus, Severity
from openrcm.ledger import (
    DEPOSITS,
    AccountKind,
    JournalEntry,
    balance,
    charge_entry,
    claim_balances,
    insurance_ar,
    patient_ar,
    patient_payment_entry,
    trial_balance,
    validate,
    write_off_entry,
)
from openrcm.remit import post_remittance

CENT = Decimal("0.01")
START = date(2025, 4, 1)


def money(cents: int) -> str:
    return str(Decimal(cents) * CENT)


@dataclass
class History:
    claims: dict[str, Claim]
    ledger: list[JournalEntry] = field(default_factory=list)
    remittances: list = field(default_factory=list)
    payments: list[tuple[str, ClaimPayment]] = field(default_factory=list)  # unreversed
    secondary: dict[str, Claim] = field(default_factory=dict)
    patient_money: Decimal = Decimal("0.00")
    step: int = 0

    @property
    def today(self) -> date:
        return START + timedelta(days=self.step)

    def post(self, remittance, claims) -> None:
        posting = post_remittance(remittance, claims, self.ledger)
        assert not posting.already_posted
        assert posting.check.deposited_amount == remittance.total_paid_amount, "deposits = BPR02"
        self.ledger.extend(posting.entries)
        self.remittances.append((remittance, claims))
        for built in posting.secondary_claims:
            self.secondary[built.patient_control_number] = built


def split(data, cents: int) -> tuple[int, int, int]:
    paid = data.draw(st.integers(0, cents))
    contractual = data.draw(st.integers(0, cents - paid))
    return paid, contractual, cents - paid - contractual


def primary_payment(data, h: History, pcn: str) -> None:
    c = h.claims[pcn]
    lines, total_paid = [], 0
    for line in c.lines:
        cents = int(line.charge_amount / CENT)
        paid, co, pr = split(data, cents)
        total_paid += paid
        adjustments = [cas("CO", "45", money(co))] if co else []
        if pr:
            adjustments.append(cas("PR", data.draw(st.sampled_from(["1", "2", "3"])), money(pr)))
        lines.append(
            svc(
                line.procedure, str(line.charge_amount), money(paid), *adjustments, line=line.number
            )
        )
    icn = f"ICN{h.step}"
    payment = clp(pcn, "1", str(c.total_charge_amount), money(total_paid), *lines, icn=icn)
    h.post(era(payment, trace=f"T{h.step}", on=h.today), h.claims)
    h.payments.append((PRIMARY, payment))


def denial(data, h: History, pcn: str) -> None:
    c = h.claims[pcn]
    group = data.draw(st.sampled_from(["CO", "PR"]))
    reason = "50" if group == "CO" else "96"
    lines = [
        svc(
            x.procedure,
            str(x.charge_amount),
            "0.00",
            cas(group, reason, str(x.charge_amount)),
            line=x.number,
        )
        for x in c.lines
    ]
    payment = clp(pcn, "4", str(c.total_charge_amount), "0.00", *lines, icn=f"DEN{h.step}")
    h.post(era(payment, trace=f"T{h.step}", on=h.today), h.claims)
    h.payments.append((PRIMARY, payment))


def negated(payment: ClaimPayment) -> ClaimPayment:
    def neg_adjustments(adjustments):
        return tuple(a.model_copy(update={"amount": -a.amount}) for a in adjustments)

    lines = tuple(
        s.model_copy(
            update={
                "charge_amount": -s.charge_amount,
                "paid_amount": -s.paid_amount,
                "adjustments": neg_adjustments(s.adjustments),
            }
        )
        for s in payment.lines
    )
    return payment.model_copy(
        update={
            "status": "22",
            "charge_amount": -payment.charge_amount,
            "paid_amount": -payment.paid_amount,
            "adjustments": neg_adjustments(payment.adjustments),
            "lines": lines,
        }
    )


def reversal(data, h: History) -> None:
    payer, original = h.payments.pop(data.draw(st.integers(0, len(h.payments) - 1)))
    claims = h.claims if payer == PRIMARY else h.secondary
    undo = negated(original).model_copy(update={"status": ClaimPaymentStatus.REVERSAL})
    h.post(era(undo, trace=f"T{h.step}", payer=payer, on=h.today), claims)


def take_back(data, h: History) -> None:
    paid = [(p, c) for p, c in h.payments if p == PRIMARY and c.paid_amount > 0]
    if not paid:
        return
    _, original = data.draw(st.sampled_from(paid))
    cents = data.draw(st.integers(1, int(original.paid_amount / CENT)))
    remittance = era(
        trace=f"T{h.step}",
        on=h.today,
        provider_adjustments=(plb(("WO", money(cents), original.payer_claim_control_number)),),
    )
    h.post(remittance, h.claims)


def interest(data, h: History, pcn: str) -> None:
    cents = data.draw(st.integers(1, 500))
    remittance = era(
        trace=f"T{h.step}", on=h.today, provider_adjustments=(plb(("L6", money(-cents), pcn)),)
    )
    h.post(remittance, h.claims)


def secondary_payment(data, h: History, pcn: str) -> None:
    sec = h.secondary.get(pcn)
    if sec is None:
        return
    lines, total_paid = [], 0
    for line in sec.lines:
        pending = int(
            balance(h.ledger, insurance_ar(SECONDARY), claim=pcn, line=line.number) / CENT
        )
        charge = int(line.charge_amount / CENT)
        if pending <= 0:
            lines.append(
                svc(
                    line.procedure,
                    str(line.charge_amount),
                    "0.00",
                    cas("OA", "23", money(charge)),
                    line=line.number,
                )
            )
            continue
        paid = data.draw(st.integers(0, pending))
        total_paid += paid
        adjustments = [cas("OA", "23", money(charge - pending))] if charge > pending else []
        if pending - paid:
            adjustments.append(cas("PR", "2", money(pending - paid)))
        lines.append(
            svc(
                line.procedure, str(line.charge_amount), money(paid), *adjustments, line=line.number
            )
        )
    payment = clp(
        pcn, "2", str(sec.total_charge_amount), money(total_paid), *lines, icn=f"SICN{h.step}"
    )
    h.post(era(payment, trace=f"S{h.step}", payer=SECONDARY, on=h.today), h.secondary)
    h.payments.append((SECONDARY, payment))


def patient_payment(data, h: History, pcn: str) -> None:
    cents = data.draw(st.integers(1, 20_000))
    amount = Decimal(cents) * CENT
    h.ledger.append(
        patient_payment_entry(
            id=f"pp{h.step}",
            claim=pcn,
            guarantor_id="G1",
            amount=amount,
            entry_date=h.today,
            patient_id="PT1",
        )
    )
    h.patient_money += amount


def small_balance_write_off(data, h: History, pcn: str) -> None:
    owed = balance(h.ledger, patient_ar("G1"), claim=pcn)
    if owed > 0:
        h.ledger.append(
            write_off_entry(
                id=f"wo{h.step}",
                claim=pcn,
                from_account=patient_ar("G1"),
                amount=owed,
                entry_date=h.today,
            )
        )


EVENTS = [
    "pay",
    "pay",
    "deny",
    "reverse",
    "take_back",
    "interest",
    "secondary",
    "patient",
    "write_off",
]


@st.composite
def histories(draw) -> tuple[History, list[str]]:
    claims = {}
    for n in range(draw(st.integers(1, 3))):
        charges = draw(st.lists(st.integers(100, 50_000), min_size=1, max_size=3))
        others = ((SECONDARY, "S"),) if draw(st.booleans()) else ()
        pcn = f"C{n + 1}"
        claims[pcn] = claim(pcn, *(money(c) for c in charges), others=others)
    return History(claims), draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=8))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), st.data())
def test_the_ledger_balances_and_every_claim_reconciles(start, data) -> None:
    h, events = start
    h.ledger.extend(charge_entry(c) for c in h.claims.values())
    for event in events:
        h.step += 1
        pcn = data.draw(st.sampled_from(sorted(h.claims)))
        if event == "pay":
            primary_payment(data, h, pcn)
        elif event == "deny":
            denial(data, h, pcn)
        elif event == "reverse" and h.payments:
            reversal(data, h)
        elif event == "take_back":
            take_back(data, h)
        elif event == "interest":
            interest(data, h, pcn)
        elif event == "secondary":
            secondary_payment(data, h, pcn)
        elif event == "patient":
            patient_payment(data, h, pcn)
        elif event == "write_off":
            small_balance_write_off(data, h, pcn)

    # The ledger sums to zero.
    assert trial_balance(h.ledger).total == 0
    # Each claim's balance is its charges less payments less adjustments.
    summaries = claim_balances(h.ledger)
    for pcn, c in h.claims.items():
        s = summaries[pcn]
        assert s.charge == c.total_charge_amount
        assert (
            s.insurance_balance + s.patient_balance
            == s.charge - s.insurance_paid - s.patient_paid - s.adjustments
        )
        assert s.insurance_balance == balance(h.ledger, AccountKind.INSURANCE_AR, claim=pcn)
    # Cash in the bank is what the payers' BPR02s and the patients paid.
    bpr = sum((r.total_paid_amount for r, _ in h.remittances), Decimal("0.00"))
    assert balance(h.ledger, DEPOSITS) == bpr + h.patient_money
    # No invariant is broken, and every reversal negated its original exactly.
    assert [f.code for f in validate(h.ledger) if f.severity is Severity.ERROR] == []
    # Posting any of these payments again changes nothing.
    for remittance, claims in h.remittances:
        again = post_remittance(remittance, claims, h.ledger)
        assert again.already_posted and again.entries == ()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(100, 50_000), min_size=1, max_size=4), st.data())
def test_patient_responsibility_waits_with_the_secondary_until_it_adjudicates(
    charges, data
) -> None:
    h = History({"C1": claim("C1", *(money(c) for c in charges), others=((SECONDARY, "S"),))})
    h.ledger.append(charge_entry(h.claims["C1"]))
    h.step = 1
    primary_payment(data, h, "C1")
    (payment,) = [p for _, p in h.payments]
    shared = payment.adjusted("PR")
    assert balance(h.ledger, patient_ar("G1"), claim="C1") == 0
    assert balance(h.ledger, insurance_ar(SECONDARY), claim="C1") == shared
    assert ("C1" in h.secondary) == (shared > 0)
    h.step = 2
    secondary_payment(data, h, "C1")
    if shared > 0:
        second = h.payments[-1][1]
        assert balance(h.ledger, insurance_ar(SECONDARY), claim="C1") == 0
        assert balance(h.ledger, patient_ar("G1"), claim="C1") == second.adjusted("PR")
