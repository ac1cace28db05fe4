"""Patient statement PDF: what the guarantor owes, what insurance paid, what is still pending.

Drawn with reportlab on US Letter. The amount due is only adjudicated patient responsibility;
amounts still with insurance are listed in their own column and never added to it.
`statement_document` and `statement_csv` are the same statement for print-and-mail vendors:
one JSON document, or one CSV row per line with the mailing columns repeated.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from openrcm.domain.money import format_money
from openrcm.patients.statements import Statement


@dataclass(frozen=True, slots=True)
class StatementParties:
    """Who sends and who receives the statement (addresses as printed lines)."""

    practice_name: str
    practice_address: tuple[str, ...]
    practice_phone: str
    guarantor_name: str
    guarantor_address: tuple[str, ...]
    account_number: str


COLUMNS = (  # (heading, x position in inches, right-aligned)
    ("Date", 0.5, False),
    ("Patient / service", 1.35, False),
    ("Charge", 4.25, True),
    ("Ins. paid", 5.0, True),
    ("Adjust.", 5.7, True),
    ("You paid", 6.4, True),
    ("Pending ins.", 7.2, True),
    ("You owe", 8.0, True),
)


def render_statement(statement: Statement, parties: StatementParties) -> bytes:
    """The statement as PDF bytes."""
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    pdf.setTitle(f"Statement {parties.account_number} {statement.statement_date.isoformat()}")
    width, height = LETTER
    top = height - 0.6 * inch

    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(0.5 * inch, top, parties.practice_name)
    pdf.setFont("Helvetica", 9)
    for i, line in enumerate((*parties.practice_address, parties.practice_phone)):
        pdf.drawString(0.5 * inch, top - (14 + 11 * i), line)

    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawRightString(width - 0.5 * inch, top, "PATIENT STATEMENT")
    pdf.setFont("Helvetica", 9)
    due_by = statement.statement_date + timedelta(days=30)
    summary = (
        ("Statement date", statement.statement_date.isoformat()),
        ("Account", parties.account_number),
        ("Amount due", f"${format_money(statement.amount_due)}"),
        ("Please pay by", due_by.isoformat()),
        ("Pending with insurance", f"${format_money(statement.insurance_pending)}"),
    )
    for i, (label, value) in enumerate(summary):
        y = top - (16 + 12 * i)
        pdf.drawRightString(width - 1.9 * inch, y, label + ":")
        pdf.drawRightString(width - 0.5 * inch, y, value)

    y = top - 1.45 * inch
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(0.9 * inch, y, parties.guarantor_name)
    pdf.setFont("Helvetica", 10)
    for i, line in enumerate(parties.guarantor_address):
        pdf.drawString(0.9 * inch, y - 12 * (i + 1), line)

    y -= 1.0 * inch
    pdf.setFillColor(colors.HexColor("#e8eef5"))
    pdf.rect(0.45 * inch, y - 4, width - 0.9 * inch, 16, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    pdf.setFont("Helvetica-Bold", 8)
    for heading, x, right in COLUMNS:
        _text(pdf, heading, x, y, right)
    pdf.setFont("Helvetica", 8)
    for account in statement.lines:
        y -= 14
        if y < 2.6 * inch:
            pdf.showPage()
            pdf.setFont("Helvetica", 8)
            y = height - 0.8 * inch
        pending = account.pending
        cells = (
            account.service_date.isoformat(),
            f"{account.patient_name} - {account.description}"[:48],
            format_money(account.charge),
            format_money(account.insurance_paid),
            format_money(account.adjustments),
            format_money(account.patient_paid),
            format_money(pending) if pending else "",
            format_money(account.due) if not account.insurance_pending else "pending",
        )
        for (_, x, right), cell in zip(COLUMNS, cells, strict=True):
            _text(pdf, cell, x, y, right)
        if account.patient_share:
            y -= 10
            pdf.setFont("Helvetica-Oblique", 7)
            share = ", ".join(f"{kind} {format_money(v)}" for kind, v in account.patient_share)
            pdf.drawString(1.45 * inch, y, f"Your share after insurance: {share}")
            pdf.setFont("Helvetica", 8)

    y -= 28
    pdf.setFont("Helvetica-Bold", 8)
    pdf.drawString(0.5 * inch, y, "Aging of amount due")
    pdf.setFont("Helvetica", 8)
    for i, (name, amount) in enumerate(statement.aging.items()):
        pdf.drawString((0.5 + 1.2 * i) * inch, y - 12, f"{name} days: ${format_money(amount)}")
    y -= 34
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(0.5 * inch, y, statement.message[:110])
    if len(statement.message) > 110:
        pdf.drawString(0.5 * inch, y - 11, statement.message[110:220])
    if statement.plan_note:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(0.5 * inch, y - 24, statement.plan_note)

    # tear-off remittance slip
    pdf.setDash(3, 3)
    pdf.line(0.4 * inch, 2.3 * inch, width - 0.4 * inch, 2.3 * inch)
    pdf.setDash()
    pdf.setFont("Helvetica", 7)
    pdf.drawString(0.5 * inch, 2.35 * inch, "Please detach and return this part with your payment.")
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(0.5 * inch, 1.9 * inch, f"Account {parties.account_number}")
    pdf.drawString(0.5 * inch, 1.7 * inch, f"Amount due ${format_money(statement.amount_due)}")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(0.5 * inch, 1.45 * inch, "Amount enclosed $ ____________")
    pdf.drawString(4.5 * inch, 1.9 * inch, f"Make checks payable to {parties.practice_name}")
    for i, line in enumerate(parties.practice_address):
        pdf.drawString(4.5 * inch, 1.7 * inch - 12 * i, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _text(pdf: Canvas, text: str, x: float, y: float, right: bool) -> None:
    if right:
        pdf.drawRightString(x * inch, y, text)
    else:
        pdf.drawString(x * inch, y, text)


def write_statement(statement: Statement, parties: StatementParties, path: Path) -> Path:
    path.write_bytes(render_statement(statement, parties))
    return path


def statement_document(statement: Statement, parties: StatementParties) -> dict[str, Any]:
    """The statement as one JSON-ready document: money "125.00", dates ISO."""
    return {
        "guarantor_id": statement.guarantor_id,
        "account_number": parties.account_number,
        "statement_date": statement.statement_date.isoformat(),
        "pay_by": (statement.statement_date + timedelta(days=30)).isoformat(),
        "amount_due": format_money(statement.amount_due),
        "insurance_pending": format_money(statement.insurance_pending),
        "dunning_level": statement.dunning_level,
        "message": statement.message,
        "plan": statement.plan_note,
        "aging": {name: format_money(amount) for name, amount in statement.aging.items()},
        "mail_to": {"name": parties.guarantor_name, "address": list(parties.guarantor_address)},
        "remit_to": {
            "name": parties.practice_name,
            "address": list(parties.practice_address),
            "phone": parties.practice_phone,
        },
        "lines": [
            {
                "claim": a.patient_control_number,
                "patient": a.patient_name,
                "service_date": a.service_date.isoformat(),
                "description": a.description,
                "charge": format_money(a.charge),
                "insurance_paid": format_money(a.insurance_paid),
                "adjustments": format_money(a.adjustments),
                "patient_paid": format_money(a.patient_paid),
                "insurance_pending": format_money(a.pending),
                "status": "insurance_pending" if a.insurance_pending else "due",
                "patient_share": {kind: format_money(v) for kind, v in a.patient_share},
                "due": format_money(a.due),
            }
            for a in statement.lines
        ],
    }


CSV_COLUMNS = (
    "account_number",
    "statement_date",
    "mail_name",
    "mail_address1",
    "mail_address2",
    "mail_address3",
    "amount_due",
    "insurance_pending",
    "dunning_level",
    "claim",
    "patient",
    "service_date",
    "description",
    "charge",
    "insurance_paid",
    "adjustments",
    "patient_paid",
    "line_insurance_pending",
    "line_due",
)


def statement_csv_rows(statement: Statement, parties: StatementParties) -> list[dict[str, str]]:
    """One row per statement line, each carrying the mailing and total columns."""
    document = statement_document(statement, parties)
    address = [*parties.guarantor_address, "", "", ""][:3]
    head = {
        "account_number": parties.account_number,
        "statement_date": document["statement_date"],
        "mail_name": parties.guarantor_name,
        "mail_address1": address[0],
        "mail_address2": address[1],
        "mail_address3": address[2],
        "amount_due": document["amount_due"],
        "insurance_pending": document["insurance_pending"],
        "dunning_level": str(statement.dunning_level),
    }
    return [
        {
            **head,
            "claim": line["claim"],
            "patient": line["patient"],
            "service_date": line["service_date"],
            "description": line["description"],
            "charge": line["charge"],
            "insurance_paid": line["insurance_paid"],
            "adjustments": line["adjustments"],
            "patient_paid": line["patient_paid"],
            "line_insurance_pending": line["insurance_pending"],
            "line_due": line["due"] if line["status"] == "due" else "",
        }
        for line in document["lines"]
    ]


def statement_csv(
    statements: list[tuple[Statement, StatementParties]], *, header: bool = True
) -> str:
    """Statements as CSV text for a print-and-mail vendor."""
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    if header:
        writer.writeheader()
    for statement, parties in statements:
        writer.writerows(statement_csv_rows(statement, parties))
    return buffer.getvalue()
