"""UB-04 (CMS-1450) summary as PDF: an institutional claim's form locators on one page set.

Not the full 81-locator red form: a readable summary a biller checks before an 837I goes
out, laid out in the UB-04's order and naming each form locator (FL) it fills: provider
(FL 1-5), type of bill (FL 4), statement period (FL 6), patient (FL 8-11), admission
(FL 12-17), condition, occurrence and value codes (FL 18-41), revenue lines (FL 42-47),
payer and insured (FL 50-62), authorisation (FL 63-64), diagnoses with POA (FL 66-72),
attending and operating physicians (FL 76-77). `ub04_fields(claim)` gives the same
values as data; `render_ub04(claim)` returns the PDF bytes.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from openrcm.domain import Claim
from openrcm.domain.money import format_money

PAGE_WIDTH, PAGE_HEIGHT = LETTER


def ub04_fields(claim: Claim) -> list[tuple[str, str, str]]:
    """(form locator, caption, value) for every filled locator, in form order."""
    b, patient, coverage = claim.billing_provider, claim.patient, claim.coverage
    address = b.address
    fields: list[tuple[str, str, str]] = [
        ("FL 1", "Billing provider", b.display_name.upper()),
        (
            "FL 1",
            "Address",
            f"{address.line1}, {address.city} {address.state} {address.zip_code}"
            if address
            else "",
        ),
        ("FL 3a", "Patient control number", claim.patient_control_number),
        ("FL 4", "Type of bill", claim.type_of_bill or ""),
        ("FL 5", "Federal tax number", b.tin or ""),
        (
            "FL 6",
            "Statement covers period",
            f"{claim.statement_from or ''} to {claim.statement_to or ''}",
        ),
        ("FL 8", "Patient name", str(patient.name).upper()),
        (
            "FL 9",
            "Patient address",
            f"{patient.address.line1}, {patient.address.city} {patient.address.state} {patient.address.zip_code}"
            if patient.address
            else "",
        ),
        ("FL 10", "Birth date", patient.birth_date.isoformat()),
        ("FL 11", "Sex", patient.sex.value),
        (
            "FL 12",
            "Admission date",
            claim.admission_date.isoformat() if claim.admission_date else "",
        ),
        ("FL 14", "Admission type", claim.admission_type or ""),
        ("FL 15", "Point of origin", claim.admission_source or ""),
        ("FL 17", "Patient status", claim.patient_status or ""),
        ("FL 18-28", "Condition codes", " ".join(claim.condition_codes)),
        (
            "FL 31-34",
            "Occurrence codes",
            " ".join(f"{c} {d.isoformat()}" for c, d in claim.occurrence_codes),
        ),
        (
            "FL 39-41",
            "Value codes",
            " ".join(f"{c} {format_money(a)}" for c, a in claim.value_codes),
        ),
        ("FL 50", "Payer", f"{claim.payer.name.upper()} ({claim.payer.id})"),
        ("FL 56", "NPI", b.npi),
        ("FL 58", "Insured's name", str(coverage.subscriber.name).upper()),
        ("FL 59", "Patient's relationship", coverage.relationship.value),
        ("FL 60", "Insured's unique ID", coverage.member_id),
        ("FL 62", "Insurance group number", coverage.group_number or ""),
        ("FL 63", "Treatment authorization", claim.prior_authorization or ""),
        ("FL 64", "Document control number", claim.payer_claim_control_number or ""),
        ("FL 66", "Diagnosis version", "0 (ICD-10)"),
        ("FL 67", "Principal diagnosis / POA", _dx(claim, 0)),
        (
            "FL 67A-Q",
            "Other diagnoses / POA",
            "  ".join(_dx(claim, i) for i in range(1, len(claim.diagnoses))),
        ),
        ("FL 71", "PPS (DRG) code", claim.drg or ""),
        ("FL 76", "Attending", _person(claim.attending_provider)),
        ("FL 77", "Operating", _person(claim.operating_provider)),
    ]
    return [f for f in fields if f[2]]


def _dx(claim: Claim, i: int) -> str:
    d = claim.diagnoses[i]
    return f"{d.dotted}{' ' + d.present_on_admission if d.present_on_admission else ''}"


def _person(provider: object) -> str:
    if provider is None:
        return ""
    return f"{provider.npi} {provider.display_name.upper()}"  # type: ignore[attr-defined]


def render_ub04(claim: Claim) -> bytes:
    """The UB-04 summary of an institutional claim as PDF bytes."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(f"UB-04 summary {claim.patient_control_number}")
    y = _heading(canvas, claim)
    canvas.setFont("Helvetica", 8)
    for locator, caption, value in ub04_fields(claim):
        y = _room(canvas, claim, y, 14)
        canvas.setFillColor(colors.Color(0.6, 0.1, 0.1))
        canvas.drawString(0.5 * inch, y, locator)
        canvas.drawString(1.2 * inch, y, caption)
        canvas.setFillColor(colors.black)
        canvas.setFont("Courier", 9)
        canvas.drawString(3.0 * inch, y, value[:80])
        canvas.setFont("Helvetica", 8)
        y -= 13
    y = _room(canvas, claim, y - 10, 40)
    headings = (
        ("FL 42 Rev. cd.", 0.5),
        ("FL 44 HCPCS / mods", 1.45),
        ("FL 45 Date", 3.2),
        ("FL 46 Units", 4.3),
        ("FL 47 Total charges", 5.2),
    )
    canvas.setFont("Helvetica-Bold", 8)
    for text, x in headings:
        canvas.drawString(x * inch, y, text)
    y -= 14
    canvas.setFont("Courier", 9)
    for line in claim.lines:
        y = _room(canvas, claim, y, 14)
        canvas.drawString(0.5 * inch, y, line.revenue_code or "")
        canvas.drawString(1.45 * inch, y, " ".join([line.procedure, *line.modifiers]))
        canvas.drawString(3.2 * inch, y, line.service_date.isoformat())
        canvas.drawRightString(4.9 * inch, y, format(line.units.normalize(), "f"))
        canvas.drawRightString(6.4 * inch, y, format_money(line.charge_amount))
        y -= 12
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(0.5 * inch, y - 6, "0001  TOTAL")
    canvas.drawRightString(6.4 * inch, y - 6, format_money(claim.total_charge_amount))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _heading(canvas: Canvas, claim: Claim) -> float:
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(0.5 * inch, PAGE_HEIGHT - 0.7 * inch, "UB-04 (CMS-1450) CLAIM SUMMARY")
    canvas.setFont("Helvetica", 8)
    canvas.drawString(
        0.5 * inch,
        PAGE_HEIGHT - 0.9 * inch,
        f"Claim {claim.patient_control_number} - form locators as the 837I carries them",
    )
    return float(PAGE_HEIGHT - 1.25 * inch)


def _room(canvas: Canvas, claim: Claim, y: float, needed: float) -> float:
    if y - needed > 0.6 * inch:
        return y
    canvas.showPage()
    canvas.setFont("Helvetica", 8)
    return _heading(canvas, claim)
