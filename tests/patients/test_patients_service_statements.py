"""Statements from the stored ledger, on SQLite and PostgreSQL: 835s posted through
`service.remit.post_835`, then the statement cycle; only adjudicated patient share is due."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from io import BytesIO

from patients_factories import CHILD, cas, child_of, claim, clp, era, post, store_family, svc
from pypdf import PdfReader

from openrcm.service import patients as service

D = Decimal
GUARANTOR = "gua-okafor"


def primary_835(practice):  # type: ignore[no-untyped-def]
    return era(
        practice.payer.id,
        clp(
            "C1",
            "205.00",
            "100.00",
            svc(
                "99214",
                "150.00",
                "70.00",
                cas("CO", "45", "20.00"),
                cas("PR", "1", "40.00"),
                cas("PR", "3", "20.00"),
                line=1,
            ),
            svc(
                "82947", "55.00", "30.00", cas("CO", "45", "13.00"), cas("PR", "2", "12.00"), line=2
            ),
        ),
        clp(
            "C2",
            "200.00",
            "120.00",
            svc(
                "99214",
                "200.00",
                "120.00",
                cas("CO", "45", "50.00"),
                cas("PR", "1", "30.00"),
                line=1,
            ),
        ),
        trace="EFT-1",
        on=date(2025, 4, 1),
    )


def family(uow, practice):  # type: ignore[no-untyped-def]
    claims = [
        claim(practice, "C1", "150.00", "55.00"),
        claim(
            practice,
            "C2",
            "200.00",
            secondary=True,
            patient=child_of(practice),
            dos=date(2025, 3, 10),
        ),
        claim(practice, "C3", "90.00", dos=date(2025, 3, 20)),
    ]
    store_family(uow, practice, claims)
    return claims


def test_only_adjudicated_patient_share_is_due_and_pending_claims_show_apart(
    uow, practice, tmp_path
) -> None:
    family(uow, practice)
    post(uow, primary_835(practice))

    results = service.run_statement_cycle(uow, as_of=date(2025, 4, 15), out_dir=tmp_path)

    assert [r.guarantor_id for r in results] == [GUARANTOR]  # the child's claim rolls up
    statement = results[0].statement
    assert statement.amount_due == D("72.00")  # C1 only: deductible + coinsurance + copay
    assert statement.insurance_pending == D("120.00")  # C2 with the secondary, C3 unanswered
    lines = {line.patient_control_number: line for line in statement.lines}
    c1, c2, c3 = lines["C1"], lines["C2"], lines["C3"]
    assert (c1.charge, c1.insurance_paid, c1.adjustments, c1.due) == (
        D("205.00"),
        D("100.00"),
        D("33.00"),
        D("72.00"),
    )
    assert dict(c1.patient_share) == {
        "deductible": D("40.00"),
        "coinsurance": D("12.00"),
        "copay": D("20.00"),
    }
    assert c2.insurance_pending and c2.due == 0 and c2.pending == D("30.00")
    assert c2.patient_name == "Okafor, Leo"
    assert c3.insurance_pending and c3.due == 0 and c3.pending == D("90.00")
    assert statement.dunning_level == 1

    document = json.loads(results[0].files["json"].read_text())
    assert document["amount_due"] == "72.00" and document["insurance_pending"] == "120.00"
    by_claim = {line["claim"]: line for line in document["lines"]}
    assert by_claim["C1"]["patient_share"] == {
        "deductible": "40.00",
        "coinsurance": "12.00",
        "copay": "20.00",
    }
    assert by_claim["C2"]["status"] == "insurance_pending" and by_claim["C2"]["due"] == "0.00"
    rows = list(csv.DictReader(results[0].files["csv"].open()))
    assert {r["claim"]: r["line_due"] for r in rows} == {"C1": "72.00", "C2": "", "C3": ""}
    assert {r["amount_due"] for r in rows} == {"72.00"}

    text = "\n".join(
        p.extract_text() for p in PdfReader(BytesIO(results[0].files["pdf"].read_bytes())).pages
    )
    assert "$72.00" in text and "$120.00" in text and "pending" in text
    assert "deductible 40.00, coinsurance 12.00, copay 20.00" in text

    stored = service.statements(uow, GUARANTOR)
    assert [(s.statement_date, s.amount_due, s.dunning_level) for s in stored] == [
        (date(2025, 4, 15), D("72.00"), 1)
    ]


def test_an_account_with_only_unadjudicated_claims_gets_no_statement(
    uow, practice, tmp_path
) -> None:
    family(uow, practice)  # nothing posted: every claim is still with the payer
    assert service.run_statement_cycle(uow, as_of=date(2025, 4, 15), out_dir=tmp_path) == []
    assert service.account(uow, GUARANTOR).due == 0
    assert service.account(uow, GUARANTOR).insurance_pending == D("495.00")


def test_the_secondary_payers_answer_makes_its_share_due(uow, practice, tmp_path) -> None:
    family(uow, practice)
    post(uow, primary_835(practice))
    secondary = era(
        practice.secondary_payer.id,
        clp(
            "C2",
            "200.00",
            "20.00",
            svc(
                "99214",
                "200.00",
                "20.00",
                cas("OA", "23", "170.00"),
                cas("PR", "2", "10.00"),
                line=1,
            ),
            status="2",
        ),
        trace="CHK-2",
        on=date(2025, 4, 20),
    )
    post(uow, secondary, number=2)
    summary = service.account(uow, GUARANTOR)
    c2 = next(c for c in summary.claims if c.claim == "C2")
    assert not c2.pending and c2.account.due == D("10.00")
    assert summary.due == D("82.00") and summary.insurance_pending == D("90.00")


def test_cycles_come_every_thirty_days_and_dunning_climbs_one_level_at_a_time(
    uow, practice, tmp_path
) -> None:
    family(uow, practice)
    post(uow, primary_835(practice))
    levels = []
    for day in (
        date(2025, 4, 15),
        date(2025, 4, 30),
        date(2025, 5, 15),
        date(2025, 6, 14),
        date(2025, 7, 14),
        date(2025, 8, 13),
    ):
        results = service.run_statement_cycle(uow, as_of=day)
        levels.append(results[0].statement.dunning_level if results else None)
    # 4-30 is inside the 30-day cycle; the 835 was dated 4-01, so the age says 2 on 5-15,
    # 3 on 6-14 (74 days) and 4 from 7-14 (104 days)
    assert levels == [1, None, 2, 3, 4, 4]
    with uow:
        state = service.accounts_of(uow).account(GUARANTOR)
    assert state is not None and state.dunning_level == 4


def test_a_childs_balance_moves_to_a_new_guarantor(uow, practice) -> None:
    family(uow, practice)
    post(uow, primary_835(practice))
    from openrcm.domain.party import Guarantor, PersonName

    with uow:
        uow.guarantors.add(
            Guarantor(
                id="gua-mensah",
                name=PersonName(last="Mensah", first="Ama"),
                birth_date=date(1980, 2, 2),
                sex="F",
            )
        )
        uow.commit()
    # the secondary decides C2 after the move: its patient share follows the child
    assert service.assign_guarantor(uow, CHILD, "gua-mensah", on=date(2025, 4, 10)) == 0
    secondary = era(
        practice.secondary_payer.id,
        clp(
            "C2",
            "200.00",
            "20.00",
            svc(
                "99214",
                "200.00",
                "20.00",
                cas("OA", "23", "170.00"),
                cas("PR", "2", "10.00"),
                line=1,
            ),
            status="2",
        ),
        trace="CHK-3",
        on=date(2025, 4, 20),
    )
    post(uow, secondary, number=3)
    results = {
        r.guarantor_id: r.statement
        for r in service.run_statement_cycle(uow, as_of=date(2025, 5, 1))
    }
    assert results["gua-mensah"].amount_due == D("10.00")
    assert results[GUARANTOR].amount_due == D("72.00")
    assert [line.patient_control_number for line in results["gua-mensah"].lines] == ["C2"]
