"""Patient statement PDF: what the guarantor owes, what insurance paid, what is still pending.

Drawn with reportlab on US Letter. The amount due is only adjudicated patient responsibility;
amounts still with insurance are listed in their own column and never added to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

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
