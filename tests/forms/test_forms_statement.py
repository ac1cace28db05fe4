"""The statement PDF shows what is due and keeps insurance-pending amounts apart."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from openrcm.forms.statement import StatementParties, render_statement
from openrcm.patients.statements import ClaimAccount, build_statement

PARTIES = StatementParties(
    practice_name="Elm Street Family Medicine",
    practice_address=("400 Elm Street", "Springfield, IL 62701-1234"),
    practice_phone="(217) 555-0142",
    guarantor_name="Ana Rivera",
    guarantor_address=("12 Birch Road", "Springfield, IL 62704"),
    account_number="G-000417",
)


def test_the_statement_pdf_shows_due_pending_and_lines() -> None:
    accounts = [
        ClaimAccount(
            "C1",
            "Rivera, Ana",
            date(2025, 3, 4),
            "Office visit",
            Decimal("200.00"),
            Decimal("95.00"),
            Decimal("40.00"),
            Decimal("0.00"),
            Decimal("65.00"),
            False,
            date(2025, 3, 20),
        ),
        ClaimAccount(
            "C2",
            "Rivera, Leo",
            date(2025, 4, 2),
            "Office visit",
            Decimal("150.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            True,
        ),
    ]
    statement = build_statement("G1", accounts, date(2025, 4, 10))
    assert statement is not None
    pdf = render_statement(statement, PARTIES)
    lines = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).splitlines()
    assert "PATIENT STATEMENT" in lines and "G-000417" in lines
    assert lines[lines.index("Amount due:") + 1] == "$65.00"
    assert lines[lines.index("Pending with insurance:") + 1] == "$150.00"
    # the pending claim shows its amount with insurance and "pending" where the due would be
    leo = lines.index("Rivera, Leo - Office visit")
    assert lines[leo + 1 : leo + 7] == ["150.00", "0.00", "0.00", "0.00", "150.00", "pending"]
    assert "Amount due $65.00" in lines  # the remittance slip
