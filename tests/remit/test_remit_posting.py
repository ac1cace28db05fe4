"""Posting 835 payments the way a biller would check them: amounts, accounts, queues."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from remit_factories import (
    PRIMARY,
    SECONDARY,
    D,
    cas,
    claim,
    clp,
    era,
    plb,
    svc,
)

from openrcm.domain import ClaimStatus, Severity
from openrcm.ledger import (
    DEPOSITS,
    INTEREST_INCOME,
    AccountKind,
    ClaimLedgerStatus,
    balance,
    charge_entry,
    claim_balance,
    insurance_ar,
    patient_ar,
    refunds_payable,
    trial_balance,
    validate,
)
from openrcm.remit import (
    ContractQuery,
    DiscrepancyKind,
    ExceptionReason,
    post_remittance,
    post_remittances,
)


def codes(posting) -> list[str]:
    return [f.code for f in posting.findings]


def test_a_contractual_adjustment_is_written_off_not_billed_to_the_patient() -> None:
    c = claim("C1001", "150.00")
    remittance = era(
        clp(
            "C1001",
            "1",
            "150.00",
            "90.00",
            svc("99214", "150.00", "90.00", cas("CO", "45", "60.00")),
            icn="ICN1",
        )
    )
    posting = post_remittance(remittance, {"C1001": c}, [charge_entry(c)])
    assert posting.paid("C1001") == D("90.00")
    assert posting.written_off("C1001", carc="45") == D("60.00")
    assert posting.patient_responsibility("C1001") == D("0.00")
    ledger = [charge_entry(c), *posting.entries]
    summary = claim_balance(ledger, "C1001")
    assert (summary.insurance_balance, summary.patient_balance) == (0, 0)
    assert summary.status is ClaimLedgerStatus.CLOSED
    assert posting.outcomes[0].claim_status is ClaimStatus.PAID
    assert trial_balance(ledger).total == 0
    assert posting.findings == ()


def test_a_deductible_goes_to_the_patient_when_no_other_payer_is_left() -> None:
    c = claim("C1002", "200.00")
    remittance = era(
        clp(
            "C1002",
            "1",
            "200.00",
            "40.00",
            svc("99214", "200.00", "40.00", cas("CO", "45", "60.00"), cas("PR", "1", "100.00")),
        )
    )
    ledger = [charge_entry(c)]
    posting = post_remittance(remittance, {"C1002": c}, ledger)
    ledger += posting.entries
    assert balance(ledger, patient_ar("G1"), claim="C1002") == D("100.00")
    summary = claim_balance(ledger, "C1002")
    assert summary.patient_responsibility == D("100.00")
    assert summary.insurance_balance == 0
    assert summary.status is ClaimLedgerStatus.PATIENT_DUE
    assert posting.secondary_claims == ()


def test_coinsurance_waits_with_the_secondary_payer_and_a_cob_claim_is_built() -> None:
    c = claim("C1003", "120.00", "80.00", others=((SECONDARY, "S"),))
    ledger = [charge_entry(c)]
    primary = era(
        clp(
            "C1003",
            "1",
            "200.00",
            "112.00",
            svc(
                "99214",
                "120.00",
                "72.00",
                cas("CO", "45", "30.00"),
                cas("PR", "2", "18.00"),
                line=1,
            ),
            svc(
                "82947", "80.00", "40.00", cas("CO", "45", "30.00"), cas("PR", "3", "10.00"), line=2
            ),
            icn="P-ICN-1",
        )
    )
    posting = post_remittance(primary, {"C1003": c}, ledger)
    ledger += posting.entries
    summary = claim_balance(ledger, "C1003")
    assert summary.patient_balance == 0, "nothing is billed to the patient while a payer is left"
    assert summary.insurance_balance == D("28.00")
    assert summary.pending_payers == (SECONDARY,)
    assert summary.status is ClaimLedgerStatus.INSURANCE_PENDING
    assert summary.patient_responsibility == D("28.00")
    assert balance(ledger, insurance_ar(SECONDARY), claim="C1003") == D("28.00")
    assert balance(ledger, insurance_ar(PRIMARY), claim="C1003") == 0

    (secondary,) = posting.secondary_claims
    assert secondary.payer.id == SECONDARY and secondary.patient_control_number == "C1003"
    assert secondary.status is ClaimStatus.DRAFT
    (prior,) = secondary.other_payers
    assert (prior.payer.id, prior.priority, prior.paid_amount) == (PRIMARY, "P", D("112.00"))
    assert prior.payer_claim_control_number == "P-ICN-1"
    line1 = secondary.lines[0].adjudications[0]
    assert (line1.payer_id, line1.paid_amount) == (PRIMARY, D("72.00"))
    assert [(a.group, a.reason, a.amount) for a in line1.adjustments] == [
        ("CO", "45", D("30.00")),
        ("PR", "2", D("18.00")),
    ]
    assert secondary.lines[1].adjudications[0].paid_amount == D("40.00")

    # The secondary pays part and leaves the patient a copay; OA-23 repeats the primary.
    second = era(
        clp(
            "C1003",
            "2",
            "200.00",
            "18.00",
            svc("99214", "120.00", "18.00", cas("OA", "23", "102.00"), line=1),
            svc(
                "82947", "80.00", "0.00", cas("OA", "23", "70.00"), cas("PR", "3", "10.00"), line=2
            ),
        ),
        trace="SEC-CHK-9",
        payer=SECONDARY,
    )
    posting2 = post_remittance(second, {"C1003": secondary}, ledger)
    ledger += posting2.entries
    summary = claim_balance(ledger, "C1003")
    assert summary.insurance_balance == 0
    assert summary.patient_balance == D("10.00")
    assert summary.patient_responsibility == D("10.00")
    assert summary.status is ClaimLedgerStatus.PATIENT_DUE
    assert summary.insurance_paid == D("130.00")
    assert summary.adjustments == D("60.00"), "OA-23 is not posted twice"
    assert posting2.secondary_claims == ()
    assert posting2.denials == (), "a line the primary paid in full is no denial"
    assert [f for f in validate(ledger) if f.severity is Severity.ERROR] == []


def test_a_zero_pay_denial_is_recorded_and_queued_not_skipped() -> None:
    c = claim("C1004", "250.00")
    ledger = [charge_entry(c)]
    remittance = era(
        clp(
            "C1004",
            "4",
            "250.00",
            "0.00",
            svc("99214", "250.00", "0.00", cas("CO", "50", "250.00")),
            icn="DEN-1",
            remark_codes=("N115",),
        )
    )
    posting = post_remittance(remittance, {"C1004": c}, ledger)
    (denial,) = posting.denials
    assert denial.patient_control_number == "C1004" and denial.line is None
    assert denial.carcs == ("CO-50",) and denial.remark_codes == ("N115",)
    assert denial.denied_amount == D("250.00")
    assert posting.outcomes[0].claim_status is ClaimStatus.DENIED
    assert posting.claims_posted == 1 and len(posting.entries) == 1
    ledger += posting.entries
    summary = claim_balance(ledger, "C1004")
    assert summary.status is ClaimLedgerStatus.DENIED
    assert summary.patient_balance == 0, (
        "a provider-liability denial is never billed to the patient"
    )


def test_a_zero_paid_line_in_a_paid_claim_is_queued_as_a_line_denial() -> None:
    c = claim("C1005", "150.00", "40.00")
    remittance = era(
        clp(
            "C1005",
            "1",
            "190.00",
            "100.00",
            svc("99214", "150.00", "100.00", cas("CO", "45", "50.00"), line=1),
            svc("82947", "40.00", "0.00", cas("CO", "97", "40.00"), line=2),
        )
    )
    posting = post_remittance(remittance, {"C1005": c}, [charge_entry(c)])
    (denial,) = posting.denials
    assert (denial.line, denial.procedure, denial.carcs) == (2, "82947", ("CO-97",))
    assert posting.outcomes[0].claim_status is ClaimStatus.PARTIALLY_PAID


def test_a_line_paid_nothing_because_it_went_to_the_deductible_is_not_a_denial() -> None:
    c = claim("C1015", "150.00", "90.00")
    remittance = era(
        clp(
            "C1015",
            "1",
            "240.00",
            "100.00",
            svc("99214", "150.00", "100.00", cas("CO", "45", "50.00"), line=1),
            svc(
                "20610", "90.00", "0.00", cas("CO", "45", "25.00"), cas("PR", "1", "65.00"), line=2
            ),
        )
    )
    posting = post_remittance(remittance, {"C1015": c}, [charge_entry(c)])
    assert posting.denials == ()
    assert posting.outcomes[0].claim_status is ClaimStatus.PAID


def test_a_reversal_negates_the_payment_and_the_correction_posts_anew() -> None:
    c = claim("C1006", "300.00")
    ledger = [charge_entry(c)]
    first = era(
        clp(
            "C1006",
            "1",
            "300.00",
            "200.00",
            svc("99214", "300.00", "200.00", cas("CO", "45", "80.00"), cas("PR", "1", "20.00")),
            icn="ICN-A",
        ),
        trace="CHK1",
    )
    p1 = post_remittance(first, {"C1006": c}, ledger)
    ledger += p1.entries
    before = claim_balance(ledger, "C1006")
    second = era(
        clp(
            "C1006",
            "22",
            "-300.00",
            "-200.00",
            svc("99214", "-300.00", "-200.00", cas("CO", "45", "-80.00"), cas("PR", "1", "-20.00")),
            icn="ICN-A",
        ),
        clp(
            "C1006",
            "1",
            "300.00",
            "240.00",
            svc("99214", "300.00", "240.00", cas("CO", "45", "60.00")),
            icn="ICN-B",
        ),
        trace="CHK2",
        on=date(2025, 5, 2),
    )
    p2 = post_remittance(second, {"C1006": c}, ledger)
    reversal, correction = p2.entries
    assert correction.adjudication_status == "1" and correction.payer_claim_number == "ICN-B"
    assert reversal.reverses == p1.entries[0].id
    assert all(
        a.amount == -b.amount for a, b in zip(reversal.legs, p1.entries[0].legs, strict=True)
    )
    assert p2.check.deposited_amount == D("40.00") == second.total_paid_amount
    ledger += p2.entries
    after = claim_balance(ledger, "C1006")
    assert before.patient_balance == D("20.00") and after.patient_balance == 0
    assert after.insurance_paid == D("240.00") and after.adjustments == D("60.00")
    assert after.status is ClaimLedgerStatus.CLOSED
    assert [f for f in validate(ledger) if f.severity is Severity.ERROR] == []


def test_a_reversal_with_nothing_to_reverse_is_posted_as_reported_and_flagged() -> None:
    c = claim("C1007", "100.00")
    remittance = era(
        clp(
            "C1007",
            "22",
            "-100.00",
            "-70.00",
            svc("99214", "-100.00", "-70.00", cas("CO", "45", "-30.00")),
            icn="OLD",
        ),
        clp("C1008", "1", "100.00", "90.00"),
        paid="20.00",
    )
    posting = post_remittance(remittance, {"C1007": c, "C1008": claim("C1008", "100.00")}, [])
    reasons = [x.reason for x in posting.exceptions]
    assert reasons == [ExceptionReason.REVERSAL_WITHOUT_ORIGINAL]
    assert posting.paid("C1007") == D("-70.00")
    assert posting.check.deposited_amount == D("20.00")


def test_a_take_back_in_a_later_payment_reopens_the_claim() -> None:
    c = claim("C1009", "180.00")
    other = claim("C1010", "90.00")
    ledger = [charge_entry(c), charge_entry(other)]
    first = era(
        clp(
            "C1009",
            "1",
            "180.00",
            "120.00",
            svc("99214", "180.00", "120.00", cas("CO", "45", "60.00")),
            icn="ICN-9",
        ),
        trace="CHK1",
    )
    ledger += post_remittance(first, {"C1009": c}, ledger).entries
    # The payer recovers 120.00 on ICN-9 from a payment for another claim.
    second = era(
        clp("C1010", "1", "90.00", "90.00", svc("99214", "90.00", "90.00")),
        trace="CHK2",
        provider_adjustments=(plb(("WO", "120.00", "ICN-9")),),
    )
    posting = post_remittance(second, {"C1010": other}, ledger)
    assert second.total_paid_amount == D("-30.00")
    assert "REMIT-TAKE-BACK" in codes(posting)
    ledger += posting.entries
    summary = claim_balance(ledger, "C1009")
    assert summary.insurance_paid == 0
    assert summary.insurance_balance == D("120.00")
    assert summary.status is ClaimLedgerStatus.INSURANCE_PENDING
    assert balance(ledger, DEPOSITS) == D("90.00")


def test_a_forward_balance_is_owed_back_and_settled_by_a_later_recovery() -> None:
    c = claim("C1011", "100.00")
    ledger = [charge_entry(c)]
    ledger += post_remittance(
        era(
            clp("C1011", "1", "100.00", "100.00", svc("99214", "100.00", "100.00"), icn="I-11"),
            trace="CHK1",
        ),
        {"C1011": c},
        ledger,
    ).entries
    # The payer decides it should have paid 60: reverse, correct, and carry the -40 forward.
    checks = [
        era(
            clp(
                "C1011", "22", "-100.00", "-100.00", svc("99214", "-100.00", "-100.00"), icn="I-11"
            ),
            clp(
                "C1011",
                "1",
                "100.00",
                "60.00",
                svc("99214", "100.00", "60.00", cas("CO", "45", "40.00")),
                icn="I-12",
            ),
            trace="CHK2",
            provider_adjustments=(plb(("FB", "-40.00", "I-11")),),
        ),
        era(
            clp("C1012", "1", "50.00", "50.00", svc("99214", "50.00", "50.00")),
            trace="CHK3",
            provider_adjustments=(plb(("WO", "40.00", "I-11")),),
        ),
    ]
    c12 = claim("C1012", "50.00")
    ledger.append(charge_entry(c12))
    postings = post_remittances(checks, {"C1011": c, "C1012": c12}, ledger)
    assert checks[0].total_paid_amount == 0 and checks[1].total_paid_amount == D("10.00")
    for p in postings:
        ledger += p.entries
        assert p.check.deposited_amount == p.check.total_paid_amount
    assert postings[1].exceptions == ()
    assert "REMIT-TAKE-BACK" not in codes(postings[1]), "the recovery settles what was owed"
    assert balance(ledger, refunds_payable(PRIMARY)) == 0
    summary = claim_balance(ledger, "C1011")
    assert (summary.insurance_paid, summary.adjustments, summary.balance) == (
        D("60.00"),
        D("40.00"),
        0,
    )


def test_an_unmatched_claim_goes_to_the_exceptions_and_its_money_is_held_unapplied() -> None:
    remittance = era(
        clp(
            "NOPE-1",
            "1",
            "100.00",
            "80.00",
            svc("99214", "100.00", "80.00", cas("CO", "45", "20.00")),
        )
    )
    posting = post_remittance(remittance, {}, [])
    (item,) = posting.exceptions
    assert (
        item.reason is ExceptionReason.CLAIM_NOT_FOUND and item.patient_control_number == "NOPE-1"
    )
    assert posting.claims_unmatched == 1 and posting.claims_posted == 0
    assert balance(posting.entries, AccountKind.UNAPPLIED_CASH) == D("-80.00")
    assert posting.check.deposited_amount == D("80.00")


def test_the_same_payment_twice_changes_nothing() -> None:
    c = claim("C1013", "100.00")
    remittance = era(clp("C1013", "1", "100.00", "100.00", svc("99214", "100.00", "100.00")))
    ledger = [charge_entry(c)]
    first = post_remittance(remittance, {"C1013": c}, ledger)
    ledger += first.entries
    again = post_remittance(remittance, {"C1013": c}, ledger)
    assert again.already_posted and again.entries == () and again.claims_posted == 0


def test_a_payment_that_does_not_balance_is_an_error_finding() -> None:
    c = claim("C1014", "100.00")
    remittance = era(
        clp("C1014", "1", "100.00", "100.00", svc("99214", "100.00", "100.00")), paid="90.00"
    )
    posting = post_remittance(remittance, {"C1014": c}, [charge_entry(c)])
    assert "REMIT-CHECK-UNBALANCED" in codes(posting) and posting.has_errors


def test_interest_is_income_not_a_payment_on_the_claim() -> None:
    c = claim("C1015", "100.00")
    remittance = era(
        clp("C1015", "1", "100.00", "100.00", svc("99214", "100.00", "100.00")),
        provider_adjustments=(plb(("L6", "-3.21", "C1015")),),
    )
    posting = post_remittance(remittance, {"C1015": c}, [charge_entry(c)])
    assert remittance.total_paid_amount == D("103.21")
    assert posting.check.deposited_amount == D("103.21")
    assert balance(posting.entries, INTEREST_INCOME) == D("-3.21")
    assert claim_balance([charge_entry(c), *posting.entries], "C1015").insurance_paid == D("100.00")


def test_claim_interest_in_clp04_is_split_from_the_payment() -> None:
    c = claim("C1016", "100.00")
    remittance = era(
        clp(
            "C1016",
            "1",
            "100.00",
            "82.50",
            svc("99214", "100.00", "80.00", cas("CO", "45", "20.00")),
            interest_amount=D("2.50"),
        )
    )
    ledger = [
        charge_entry(c),
        *post_remittance(remittance, {"C1016": c}, [charge_entry(c)]).entries,
    ]
    summary = claim_balance(ledger, "C1016")
    assert (summary.insurance_paid, summary.interest, summary.balance) == (D("80.00"), D("2.50"), 0)


def test_a_crossover_moves_the_patient_share_to_the_next_payer_without_a_new_claim() -> None:
    c = claim("C1017", "100.00", others=(("MEDICAID1", "S"),))
    remittance = era(
        clp(
            "C1017",
            "19",
            "100.00",
            "64.00",
            svc("99214", "100.00", "64.00", cas("CO", "45", "20.00"), cas("PR", "2", "16.00")),
            crossover_payer_name="STATE MEDICAID",
        ),
    )
    posting = post_remittance(remittance, {"C1017": c}, [charge_entry(c)])
    assert posting.secondary_claims == ()
    assert "REMIT-CROSSOVER" in codes(posting)
    assert balance(posting.entries, insurance_ar("MEDICAID1"), claim="C1017") == D("16.00")


def test_an_allowed_amount_under_the_contract_is_a_discrepancy() -> None:
    c = claim("C1018", "200.00", "50.00")
    remittance = era(
        clp(
            "C1018",
            "1",
            "250.00",
            "130.00",
            svc(
                "99214",
                "200.00",
                "100.00",
                cas("CO", "45", "80.00"),
                cas("PR", "2", "20.00"),
                line=1,
            ),
            svc("82947", "50.00", "30.00", cas("CO", "45", "20.00"), line=2),
        )
    )
    contract = {"99214": D("135.00"), "82947": D("30.50")}

    def expected(query: ContractQuery) -> Decimal | None:
        assert query.payer_id == PRIMARY
        return contract.get(query.procedure)

    posting = post_remittance(
        remittance, {"C1018": c}, [], expected_amount=expected, tolerance=D("1.00")
    )
    (gap,) = posting.discrepancies
    assert (gap.line, gap.kind) == (1, DiscrepancyKind.UNDERPAID)
    assert (gap.expected_allowed, gap.actual_allowed, gap.difference) == (
        D("135.00"),
        D("120.00"),
        D("15.00"),
    )


def test_a_truncated_control_number_still_finds_its_claim() -> None:
    long = "ACCT-2025-000000123456789"
    c = claim(long, "100.00")
    remittance = era(clp(long[:20], "1", "100.00", "100.00", svc("99214", "100.00", "100.00")))
    posting = post_remittance(remittance, {long: c}, [charge_entry(c)])
    assert posting.claims_posted == 1 and posting.entries[0].claim == long


def test_lines_are_matched_by_procedure_when_the_payer_sends_no_line_numbers() -> None:
    c = claim("C1019", "150.00", "40.00", "20.00")
    remittance = era(
        clp(
            "C1019",
            "1",
            "210.00",
            "150.00",
            svc("36415", "20.00", "15.00", cas("CO", "45", "5.00")),
            svc("99214", "150.00", "110.00", cas("CO", "45", "40.00")),
            svc("82947", "40.00", "25.00", cas("CO", "45", "15.00")),
        )
    )
    ledger = [charge_entry(c)]
    ledger += post_remittance(remittance, {"C1019": c}, ledger).entries
    for line in (1, 2, 3):
        assert balance(ledger, AccountKind.INSURANCE_AR, claim="C1019", line=line) == 0


def test_a_later_payer_cannot_write_off_more_than_it_holds() -> None:
    c = claim("C1020", "100.00", others=((SECONDARY, "S"),))
    ledger = [charge_entry(c)]
    p1 = post_remittance(
        era(
            clp(
                "C1020",
                "1",
                "100.00",
                "60.00",
                svc("99214", "100.00", "60.00", cas("CO", "45", "20.00"), cas("PR", "1", "20.00")),
            )
        ),
        {"C1020": c},
        ledger,
    )
    ledger += p1.entries
    (sec,) = p1.secondary_claims
    # The secondary repeats the primary's CO-45 and pays the coinsurance.
    p2 = post_remittance(
        era(
            clp(
                "C1020",
                "2",
                "100.00",
                "20.00",
                svc("99214", "100.00", "20.00", cas("CO", "45", "20.00"), cas("OA", "23", "60.00")),
            ),
            trace="S1",
            payer=SECONDARY,
        ),
        {"C1020": sec},
        ledger,
    )
    ledger += p2.entries
    assert claim_balance(ledger, "C1020").balance == 0
    assert "REMIT-COB-ADJUSTMENT-CAPPED" in codes(p2)


def test_each_line_leaves_the_payers_ar_in_one_leg_and_the_counter_legs_keep_the_detail() -> None:
    c = claim("C1900", "150.00", "55.00", "40.00")
    remittance = era(
        clp(
            "C1900",
            "1",
            "245.00",
            "135.00",
            svc("99214", "150.00", "80.00", cas("CO", "45", "50.00"), cas("PR", "2", "20.00")),
            svc("82947", "55.00", "55.00", line=2),
            svc("36415", "40.00", "0.00", cas("CO", "50", "40.00"), line=3),
            icn="ICN1900",
        )
    )
    posting = post_remittance(remittance, {"C1900": c}, [charge_entry(c)])
    (e,) = posting.entries
    ar = [
        (leg.line, leg.amount, leg.reason) for leg in e.legs if leg.account == insurance_ar(PRIMARY)
    ]
    assert ar == [
        (1, D("-150.00"), "adjudicated"),
        (2, D("-55.00"), "paid"),
        (3, D("-40.00"), "CO-50"),
    ]
    others = {(str(leg.account), leg.line, leg.reason): leg.amount for leg in e.legs}
    assert others[("deposits", None, "paid")] == D("135.00")
    assert others[("contractual_adjustment", 1, "CO-45")] == D("50.00")
    assert others[("patient_ar:G1", 1, "PR-2")] == D("20.00")
    assert others[("contractual_adjustment", 3, "CO-50")] == D("40.00")
    ledger = [charge_entry(c), *posting.entries]
    for line in (1, 2, 3):
        assert balance(ledger, insurance_ar(PRIMARY), claim="C1900", line=line) == 0
    assert posting.written_off("C1900") == D("90.00")
    assert posting.patient_responsibility("C1900") == D("20.00")
    assert claim_balance(ledger, "C1900").status is ClaimLedgerStatus.PATIENT_DUE
    assert trial_balance(ledger).total == 0 and validate(ledger) == []


def test_a_supplemental_payment_whose_line_amounts_net_out_is_still_the_payers_money() -> None:
    # the payer's second look: 10.00 more, 5.00 moved to the patient, CO-45 reduced by 15.00;
    # the line's A/R leg nets to zero, and the 10.00 must not read as a patient payment
    c = claim("C1", "100.00")
    first = era(
        clp(
            "C1",
            "1",
            "100.00",
            "60.00",
            svc("99213", "100.00", "60.00", cas("CO", "45", "40.00"), line=1),
            icn="ICN1",
        )
    )
    second = era(
        clp(
            "C1",
            "1",
            "100.00",
            "10.00",
            svc(
                "99213",
                "100.00",
                "10.00",
                cas("PR", "2", "5.00"),
                cas("CO", "45", "-15.00"),
                line=1,
            ),
            icn="ICN1",
        ),
        trace="EFT0002",
        on=date(2025, 5, 1),
    )
    ledger = [charge_entry(c)]
    for remittance in (first, second):
        ledger += post_remittance(remittance, {"C1": c}, ledger).entries
    assert validate(ledger) == []
    summary = claim_balance(ledger, "C1")
    assert summary.insurance_paid == D("70.00") and summary.patient_paid == D("0.00")
    assert summary.adjustments == D("25.00") and summary.patient_balance == D("5.00")
