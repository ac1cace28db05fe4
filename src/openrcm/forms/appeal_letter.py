"""Appeal letter PDF: a one- or two-page business letter asking a payer to reconsider a claim.

Laid out with reportlab's platypus on US Letter from an `openrcm.denials.AppealLetter`:
the practice's letterhead, the date, the payer's appeals address, a reference block that
identifies the claim the way appeals units search for it (patient, member id, our claim
number, the payer's claim control number, dates of service, amounts, denial date), a table
of the denial codes with their published descriptions, the argument, the documents
enclosed and the signature.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from openrcm.denials.appeals import AppealLetter
from openrcm.domain.money import format_money
from openrcm.domain.party import Address


def _address_lines(address: Address | None) -> list[str]:
    if address is None:
        return []
    lines = [address.line1]
    if address.line2:
        lines.append(address.line2)
    zip_code = address.zip_code
    if len(zip_code) == 9:
        zip_code = f"{zip_code[:5]}-{zip_code[5:]}"
    lines.append(f"{address.city}, {address.state} {zip_code}")
    return lines


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def render_appeal_letter(letter: AppealLetter) -> bytes:
    """The appeal letter as PDF bytes."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.9 * inch,
        rightMargin=0.9 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=letter.subject,
        author=letter.practice_name,
    )
    sheet = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=sheet["BodyText"], fontSize=10, leading=13, spaceBefore=0, spaceAfter=0
    )
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=17)
    bold = ParagraphStyle("bold", parent=body, fontName="Helvetica-Bold")

    story: list = []  # type: ignore[type-arg]
    story.append(_p(letter.practice_name, head))
    ids = f"NPI {letter.practice_npi}"
    if letter.practice_tin:
        ids += f"  ·  TIN {letter.practice_tin[:2]}-{letter.practice_tin[2:]}"
    for line in (*_address_lines(letter.practice_address), ids):
        story.append(_p(line, small))
    if letter.contact_phone:
        phone = letter.contact_phone
        story.append(_p(f"Phone ({phone[:3]}) {phone[3:6]}-{phone[6:]}", small))
    story.append(Spacer(1, 0.18 * inch))
    story.append(_p(letter.letter_date.strftime("%B %d, %Y").replace(" 0", " "), body))
    story.append(Spacer(1, 0.15 * inch))
    for line in (f"{letter.payer_name}", "Attn: Appeals / Reconsiderations"):
        story.append(_p(line, body))
    for line in _address_lines(letter.payer_address):
        story.append(_p(line, body))
    story.append(Spacer(1, 0.2 * inch))
    story.append(_p(f"RE: {letter.subject}", bold))
    story.append(Spacer(1, 0.08 * inch))

    dates = letter.service_from.isoformat()
    if letter.service_to != letter.service_from:
        dates += f" to {letter.service_to.isoformat()}"
    reference = [
        ("Patient", letter.patient_name),
        ("Date of birth", letter.patient_birth_date.isoformat()),
        ("Member ID", letter.member_id),
        ("Our claim number", letter.patient_control_number),
        ("Payer claim number", letter.payer_claim_control_number or "not given"),
        ("Date(s) of service", dates),
        ("Procedure codes", ", ".join(letter.procedures)),
        ("Amount billed", f"${format_money(letter.billed_amount)}"),
        ("Amount denied", f"${format_money(letter.denied_amount)}"),
        ("Denial date", letter.denial_date.isoformat()),
    ]
    table = Table(
        [[_p(k, small), _p(v, small)] for k, v in reference],
        colWidths=[1.6 * inch, 4.9 * inch],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEF2F7")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B8C2CC")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 0.18 * inch))

    story.append(_p("To the appeals department:", body))
    story.append(Spacer(1, 0.06 * inch))
    story.append(
        _p(
            f"On behalf of {letter.practice_name}, we request a {letter.level} of the claim "
            f"above, denied on {letter.denial_date.isoformat()} with the codes below. This "
            f"request is made before the appeal deadline of {letter.deadline.isoformat()}.",
            body,
        )
    )
    story.append(Spacer(1, 0.1 * inch))
    codes = Table(
        [[_p("Code", bold), _p("Description", bold)]]
        + [
            [_p(c.code, small), _p(c.description or "(no published description)", small)]
            for c in letter.denial_codes
        ],
        colWidths=[0.9 * inch, 5.6 * inch],
        hAlign="LEFT",
        repeatRows=1,
    )
    codes.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#B8C2CC")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(codes)
    story.append(Spacer(1, 0.14 * inch))
    story.append(_p(letter.argument, body))
    story.append(Spacer(1, 0.08 * inch))
    story.append(
        _p(
            "Please reprocess the claim and pay it under the member's benefits. If more "
            "information is needed, contact our office.",
            body,
        )
    )
    story.append(Spacer(1, 0.12 * inch))
    enclosed = ListFlowable(
        [ListItem(_p(item, body), leftIndent=12) for item in letter.enclosures],
        bulletType="bullet",
        start="•",
        leftIndent=12,
    )
    closing = [
        _p("Documents enclosed:", bold),
        enclosed,
        Spacer(1, 0.2 * inch),
        _p("Sincerely,", body),
        Spacer(1, 0.3 * inch),
        _p(letter.signer, body),
        _p(f"for {letter.practice_name}", body),
    ]
    story.append(KeepTogether(closing))
    document.build(story)
    return buffer.getvalue()
