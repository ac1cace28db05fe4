"""CMS-1500 (02/12) claim form as PDF, drawn with reportlab from a professional `Claim`.

Every numbered box of the NUCC 1500 form (1-33) sits where the printed form has it, and the
service lines fill 24A-J with the shaded supplemental row above each line (NDC or
narrative, as NUCC instructs). `cms1500_boxes(claim)` gives the values by box as data, so
tests and the UI share what the PDF shows; `render_cms1500(claim)` returns the PDF bytes.
A claim with more than six lines continues on further pages: each page is a form of its
own, and only the last carries the total charge ("CONTINUED" before it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from openrcm.domain import Claim, ClaimFilingIndicator, Provider, Relationship, ServiceLine
from openrcm.domain.money import format_money

LINES_PER_PAGE = 6
INK = colors.Color(0.78, 0.1, 0.1)  # the form's drop-out red
SHADE = colors.Color(1.0, 0.9, 0.9)
PAGE_HEIGHT = LETTER[1]


@dataclass(frozen=True, slots=True)
class Box:
    """One box of the form: its number, printed caption and rectangle in inches from the
    page's top-left corner (x, y, width, height)."""

    number: str
    caption: str
    x: float
    y: float
    width: float
    height: float

    def rect_points(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) in PDF points, origin bottom-left."""
        x0 = self.x * inch
        y1 = PAGE_HEIGHT - self.y * inch
        return x0, y1 - self.height * inch, x0 + self.width * inch, y1


L, M, R, END = 0.25, 3.25, 5.25, 8.25  # left edge, middle column, right column, right edge
ROW = 1 / 3

BOXES: tuple[Box, ...] = (
    Box(
        "1",
        "1. MEDICARE MEDICAID TRICARE CHAMPVA GROUP HEALTH PLAN FECA BLK LUNG OTHER",
        L,
        1.5,
        R - L,
        ROW,
    ),
    Box("1a", "1a. INSURED'S I.D. NUMBER", R, 1.5, END - R, ROW),
    Box("2", "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", L, 1.5 + ROW, M - L, ROW),
    Box("3", "3. PATIENT'S BIRTH DATE / SEX", M, 1.5 + ROW, R - M, ROW),
    Box(
        "4", "4. INSURED'S NAME (Last Name, First Name, Middle Initial)", R, 1.5 + ROW, END - R, ROW
    ),
    Box(
        "5",
        "5. PATIENT'S ADDRESS (No., Street) / CITY / STATE / ZIP CODE",
        L,
        1.5 + 2 * ROW,
        M - L,
        3 * ROW,
    ),
    Box("6", "6. PATIENT RELATIONSHIP TO INSURED", M, 1.5 + 2 * ROW, R - M, ROW),
    Box(
        "7",
        "7. INSURED'S ADDRESS (No., Street) / CITY / STATE / ZIP CODE",
        R,
        1.5 + 2 * ROW,
        END - R,
        3 * ROW,
    ),
    Box("8", "8. RESERVED FOR NUCC USE", M, 1.5 + 3 * ROW, R - M, 2 * ROW),
    Box("9", "9. OTHER INSURED'S NAME", L, 1.5 + 5 * ROW, M - L, ROW),
    Box("9a", "a. OTHER INSURED'S POLICY OR GROUP NUMBER", L, 1.5 + 6 * ROW, M - L, ROW),
    Box("9b", "b. RESERVED FOR NUCC USE", L, 1.5 + 7 * ROW, M - L, ROW),
    Box("9c", "c. RESERVED FOR NUCC USE", L, 1.5 + 8 * ROW, M - L, ROW),
    Box("9d", "d. INSURANCE PLAN NAME OR PROGRAM NAME", L, 1.5 + 9 * ROW, M - L, ROW),
    Box("10", "10. IS PATIENT'S CONDITION RELATED TO:", M, 1.5 + 5 * ROW, R - M, ROW),
    Box("10a", "a. EMPLOYMENT? (Current or Previous)", M, 1.5 + 6 * ROW, R - M, ROW),
    Box("10b", "b. AUTO ACCIDENT? PLACE (State)", M, 1.5 + 7 * ROW, R - M, ROW),
    Box("10c", "c. OTHER ACCIDENT?", M, 1.5 + 8 * ROW, R - M, ROW),
    Box("10d", "10d. CLAIM CODES (Designated by NUCC)", M, 1.5 + 9 * ROW, R - M, ROW),
    Box("11", "11. INSURED'S POLICY GROUP OR FECA NUMBER", R, 1.5 + 5 * ROW, END - R, ROW),
    Box("11a", "a. INSURED'S DATE OF BIRTH / SEX", R, 1.5 + 6 * ROW, END - R, ROW),
    Box("11b", "b. OTHER CLAIM ID (Designated by NUCC)", R, 1.5 + 7 * ROW, END - R, ROW),
    Box("11c", "c. INSURANCE PLAN NAME OR PROGRAM NAME", R, 1.5 + 8 * ROW, END - R, ROW),
    Box("11d", "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", R, 1.5 + 9 * ROW, END - R, ROW),
    Box(
        "12", "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", L, 1.5 + 10 * ROW, R - L, 1.5 * ROW
    ),
    Box(
        "13",
        "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE",
        R,
        1.5 + 10 * ROW,
        END - R,
        1.5 * ROW,
    ),
    Box(
        "14",
        "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)",
        L,
        1.5 + 11.5 * ROW,
        3.0 - L,
        ROW,
    ),
    Box("15", "15. OTHER DATE", 3.0, 1.5 + 11.5 * ROW, R - 3.0, ROW),
    Box(
        "16",
        "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION",
        R,
        1.5 + 11.5 * ROW,
        END - R,
        ROW,
    ),
    Box("17", "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", L, 1.5 + 12.5 * ROW, 3.0 - L, ROW),
    Box("17a", "17a.", 3.0, 1.5 + 12.5 * ROW, R - 3.0, ROW / 2),
    Box("17b", "17b. NPI", 3.0, 1.5 + 13 * ROW, R - 3.0, ROW / 2),
    Box(
        "18",
        "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES",
        R,
        1.5 + 12.5 * ROW,
        END - R,
        ROW,
    ),
    Box(
        "19",
        "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)",
        L,
        1.5 + 13.5 * ROW,
        R - L,
        ROW,
    ),
    Box("20", "20. OUTSIDE LAB? $ CHARGES", R, 1.5 + 13.5 * ROW, END - R, ROW),
    Box(
        "21",
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY Relate A-L to service line below (24E)   ICD Ind.",
        L,
        1.5 + 14.5 * ROW,
        R - L,
        2 * ROW,
    ),
    Box("22", "22. RESUBMISSION CODE / ORIGINAL REF. NO.", R, 1.5 + 14.5 * ROW, END - R, ROW),
    Box("23", "23. PRIOR AUTHORIZATION NUMBER", R, 1.5 + 15.5 * ROW, END - R, ROW),
    Box("24", "24.", L, 1.5 + 16.5 * ROW, END - L, ROW + 6 * ROW),
    Box("25", "25. FEDERAL TAX I.D. NUMBER   SSN EIN", L, 1.5 + 23.5 * ROW, 2.45 - L, ROW),
    Box("26", "26. PATIENT'S ACCOUNT NO.", 2.45, 1.5 + 23.5 * ROW, 4.1 - 2.45, ROW),
    Box("27", "27. ACCEPT ASSIGNMENT?", 4.1, 1.5 + 23.5 * ROW, R - 4.1, ROW),
    Box("28", "28. TOTAL CHARGE", R, 1.5 + 23.5 * ROW, 6.45 - R, ROW),
    Box("29", "29. AMOUNT PAID", 6.45, 1.5 + 23.5 * ROW, 7.45 - 6.45, ROW),
    Box("30", "30. Rsvd for NUCC Use", 7.45, 1.5 + 23.5 * ROW, END - 7.45, ROW),
    Box(
        "31",
        "31. SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS",
        L,
        1.5 + 24.5 * ROW,
        2.45 - L,
        2.5 * ROW,
    ),
    Box(
        "32", "32. SERVICE FACILITY LOCATION INFORMATION", 2.45, 1.5 + 24.5 * ROW, R - 2.45, 2 * ROW
    ),
    Box("32a", "a. NPI", 2.45, 1.5 + 26.5 * ROW, 3.85 - 2.45, ROW / 2),
    Box("32b", "b.", 3.85, 1.5 + 26.5 * ROW, R - 3.85, ROW / 2),
    Box("33", "33. BILLING PROVIDER INFO & PH #", R, 1.5 + 24.5 * ROW, END - R, 2 * ROW),
    Box("33a", "a. NPI", R, 1.5 + 26.5 * ROW, 6.65 - R, ROW / 2),
    Box("33b", "b.", 6.65, 1.5 + 26.5 * ROW, END - 6.65, ROW / 2),
)
BOX = {box.number: box for box in BOXES}

LINE_TOP = 1.5 + 17.5 * ROW  # first supplemental (shaded) row of 24
# 24A-J columns: (id, caption, x, width)
COLUMNS: tuple[tuple[str, str, float, float], ...] = (
    ("24A", "A. DATE(S) OF SERVICE From / To", L, 1.6),
    ("24B", "B. PLACE OF SERVICE", 1.85, 0.35),
    ("24C", "C. EMG", 2.2, 0.25),
    ("24D", "D. PROCEDURES, SERVICES, OR SUPPLIES CPT/HCPCS MODIFIER", 2.45, 1.75),
    ("24E", "E. DIAGNOSIS POINTER", 4.2, 0.55),
    ("24F", "F. $ CHARGES", 4.75, 0.85),
    ("24G", "G. DAYS OR UNITS", 5.6, 0.4),
    ("24H", "H. EPSDT Family Plan", 6.0, 0.25),
    ("24I", "I. ID. QUAL.", 6.25, 0.35),
    ("24J", "J. RENDERING PROVIDER ID. #", 6.6, END - 6.6),
)

_PROGRAM = {
    ClaimFilingIndicator.MEDICARE_A: "MEDICARE",
    ClaimFilingIndicator.MEDICARE_B: "MEDICARE",
    ClaimFilingIndicator.MEDICAID: "MEDICAID",
    ClaimFilingIndicator.CHAMPUS: "TRICARE",
    ClaimFilingIndicator.VETERANS: "CHAMPVA",
    ClaimFilingIndicator.WORKERS_COMP: "FECA BLK LUNG",
}
_RELATIONSHIP = {
    Relationship.SELF: "Self",
    Relationship.SPOUSE: "Spouse",
    Relationship.CHILD: "Child",
}
POINTER_LETTERS = "ABCDEFGHIJKL"


def _date(day: date | None) -> str:
    return day.strftime("%m %d %Y") if day else ""


def _short(day: date) -> str:
    return day.strftime("%m %d %y")


def _provider_lines(provider: Provider | None) -> list[str]:
    if provider is None:
        return []
    out = [provider.display_name.upper()]
    if provider.address is not None:
        a = provider.address
        out.append(a.line1.upper() + (f" {a.line2.upper()}" if a.line2 else ""))
        out.append(f"{a.city.upper()} {a.state} {a.zip_code}")
    return out


def _money_cells(amount: Decimal) -> str:
    """Dollars and cents as the form's two cells: '125 00'."""
    dollars, cents = format_money(amount).split(".")
    return f"{dollars} {cents}"


def cms1500_boxes(claim: Claim, *, page: int = 1) -> dict[str, str]:
    """The value of every box (1-33) on page `page` of the claim's form, as printed text
    (lines joined by newlines). Service lines are under '24.<n>' keys, see `service_rows`."""
    pages = page_count(claim)
    patient, coverage, subscriber = claim.patient, claim.coverage, claim.coverage.subscriber
    other = claim.other_payers[0] if claim.other_payers else None
    address = patient.address or (
        subscriber.address if coverage.relationship is Relationship.SELF else None
    )
    boxes: dict[str, str] = {
        "1": _PROGRAM.get(claim.payer.claim_filing_indicator, "GROUP HEALTH PLAN"),
        "1a": coverage.member_id,
        "2": str(patient.name).upper(),
        "3": f"{_date(patient.birth_date)}  {patient.sex.value}",
        "4": str(subscriber.name).upper(),
        "5": "\n".join(
            [address.line1.upper(), f"{address.city.upper()}  {address.state}  {address.zip_code}"]
            if address
            else []
        ),
        "6": _RELATIONSHIP.get(coverage.relationship, "Other"),
        "7": "\n".join(
            [
                subscriber.address.line1.upper(),
                f"{subscriber.address.city.upper()}  {subscriber.address.state}  {subscriber.address.zip_code}",
            ]
            if subscriber.address
            else []
        ),
        "8": "",
        "9": str(other.subscriber.name).upper() if other else "",
        "9a": (other.group_number or other.member_id) if other else "",
        "9b": "",
        "9c": "",
        "9d": other.payer.name.upper() if other else "",
        "10": "",
        "10a": "NO",
        "10b": "NO",
        "10c": "NO",
        "10d": "",
        "11": coverage.group_number or "NONE",
        "11a": f"{_date(subscriber.birth_date)}  {subscriber.sex.value}",
        "11b": "",
        "11c": (coverage.group_name or claim.payer.name).upper(),
        "11d": "YES" if claim.other_payers else "NO",
        "12": "SIGNATURE ON FILE" if claim.release_of_information == "Y" else "",
        "13": "SIGNATURE ON FILE" if claim.benefits_assigned else "",
        "14": f"{_date(claim.onset_date)}  431" if claim.onset_date else "",
        "15": "",
        "16": "",
        "17": (
            f"DN  {claim.referring_provider.display_name.upper()}"
            if claim.referring_provider
            else ""
        ),
        "17a": "",
        "17b": claim.referring_provider.npi if claim.referring_provider else "",
        "18": "",
        "19": (claim.note or "").upper(),
        "20": "NO",
        "21": _diagnoses(claim),
        "22": (
            f"{claim.frequency_code}    {claim.payer_claim_control_number}"
            if claim.frequency_code in ("7", "8")
            else ""
        ),
        "23": claim.prior_authorization or claim.referral_number or "",
        "24": "",
        "25": f"{claim.billing_provider.tin or ''}  {'SSN' if claim.billing_provider.tin_is_ssn else 'EIN'}",
        "26": claim.patient_control_number,
        "27": "YES" if claim.assignment == "A" else "NO",
        "28": _money_cells(claim.total_charge_amount) if page == pages else "CONTINUED",
        "29": _money_cells(
            sum((o.paid_amount or Decimal(0) for o in claim.other_payers), Decimal(0))
        )
        if claim.other_payers and page == pages
        else "",
        "30": "",
        "31": "SIGNATURE ON FILE" if claim.provider_signature else "",
        "32": "\n".join(_provider_lines(claim.service_facility)),
        "32a": claim.service_facility.npi if claim.service_facility else "",
        "32b": "",
        "33": "\n".join(_provider_lines(claim.billing_provider)),
        "33a": claim.billing_provider.npi,
        "33b": f"ZZ{claim.billing_provider.taxonomy}" if claim.billing_provider.taxonomy else "",
    }
    return boxes


def _diagnoses(claim: Claim) -> str:
    return "  ".join(
        f"{POINTER_LETTERS[i]}. {d.dotted}" for i, d in enumerate(claim.diagnoses[:12])
    )


def page_count(claim: Claim) -> int:
    return max(1, -(-len(claim.lines) // LINES_PER_PAGE))


def _page_lines(claim: Claim, page: int) -> Sequence[ServiceLine]:
    start = (page - 1) * LINES_PER_PAGE
    return claim.lines[start : start + LINES_PER_PAGE]


def service_rows(claim: Claim, line: ServiceLine) -> tuple[str, dict[str, str]]:
    """A service line as the form prints it: (shaded supplemental text, {24A..24J: value})."""
    supplemental = ""
    if line.ndc:
        supplemental = f"N4{line.ndc} {line.ndc_unit or 'UN'}{line.ndc_quantity or ''}"
    rendering = line.rendering_provider or claim.rendering_provider or claim.billing_provider
    cells = {
        "24A": f"{_short(line.service_date)} {_short(line.last_service_date)}",
        "24B": line.place_of_service or claim.place_of_service or "",
        "24C": "",
        "24D": " ".join([line.procedure, *line.modifiers]),
        "24E": "".join(POINTER_LETTERS[p - 1] for p in line.diagnosis_pointers if p <= 12),
        "24F": _money_cells(line.charge_amount),
        "24G": format(line.units.normalize(), "f"),
        "24H": "",
        "24I": "",
        "24J": rendering.npi,
    }
    return supplemental, cells


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(INK)
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 13)
    canvas.drawString(L * inch, PAGE_HEIGHT - 1.15 * inch, "HEALTH INSURANCE CLAIM FORM")
    canvas.setFont("Helvetica", 6)
    canvas.drawString(
        L * inch,
        PAGE_HEIGHT - 1.3 * inch,
        "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12",
    )
    canvas.drawString(7.0 * inch, PAGE_HEIGHT - 1.42 * inch, "PICA")
    canvas.setLineWidth(0.6)
    for box in BOXES:
        x0, y0, x1, y1 = box.rect_points()
        canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
        canvas.setFont("Helvetica", 4.6)
        canvas.drawString(x0 + 2, y1 - 6, box.caption[: int((x1 - x0) / 2.7)])
    # 24: column captions, then six lines of a shaded supplemental row over a plain one
    header_top = PAGE_HEIGHT - (1.5 + 16.5 * ROW) * inch
    for column, caption, x, width in COLUMNS:
        canvas.setFont("Helvetica", 4.2)
        text = canvas.beginText(x * inch + 1.5, header_top - 12)
        for part in _wrap(caption, max(8, int(width * 28))):
            text.textLine(part)
        canvas.drawText(text)
        canvas.line(x * inch, header_top - ROW * inch, x * inch, header_top - 7 * ROW * inch)
        del column
    for n in range(LINES_PER_PAGE):
        top = PAGE_HEIGHT - (LINE_TOP + n * ROW) * inch
        canvas.setFillColor(SHADE)
        canvas.rect(
            L * inch, top - ROW / 2 * inch, (END - L) * inch, ROW / 2 * inch, stroke=0, fill=1
        )
        canvas.setFillColor(INK)
        canvas.line(L * inch, top - ROW * inch, END * inch, top - ROW * inch)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(0.08 * inch, top - ROW * inch + 3, str(n + 1))
    canvas.setFont("Helvetica", 5.5)
    canvas.drawString(L * inch, 0.3 * inch, "NUCC Instruction Manual available at: www.nucc.org")
    canvas.drawString(3.4 * inch, 0.3 * inch, "PLEASE PRINT OR TYPE")
    canvas.drawString(5.6 * inch, 0.3 * inch, "APPROVED OMB-0938-1197 FORM 1500 (02-12)")


def _wrap(text: str, width: int) -> Iterator[str]:
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            yield line
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        yield line


def _draw_values(canvas: Canvas, claim: Claim, page: int) -> None:
    canvas.setFillColor(colors.black)
    boxes = cms1500_boxes(claim, page=page)
    # the payer's name and address above box 1, as the form's carrier block
    canvas.setFont("Courier", 9)
    carrier = [claim.payer.name.upper()]
    if claim.payer.address is not None:
        a = claim.payer.address
        carrier += [a.line1.upper(), f"{a.city.upper()} {a.state} {a.zip_code}"]
    for i, text in enumerate(carrier):
        canvas.drawString(4.6 * inch, PAGE_HEIGHT - (0.55 + i * 0.16) * inch, text)
    if page_count(claim) > 1:
        canvas.drawString(
            0.3 * inch, PAGE_HEIGHT - 0.55 * inch, f"PAGE {page} OF {page_count(claim)}"
        )
    for number, value in boxes.items():
        if not value:
            continue
        box = BOX[number]
        x0, y0, x1, y1 = box.rect_points()
        size = 8.5 if box.height > ROW / 2 + 0.01 else 7.5
        canvas.setFont("Courier", size)
        if number == "21":
            _draw_diagnoses(canvas, claim, x0, y1)
            continue
        lines = value.split("\n")
        for i, text in enumerate(lines):
            y = y1 - 15 - i * (size + 1.5) if box.height > ROW / 2 + 0.01 else y0 + 2
            canvas.drawString(x0 + 4, y, text[: int((x1 - x0 - 6) / (size * 0.6))])
    for n, line in enumerate(_page_lines(claim, page)):
        top = PAGE_HEIGHT - (LINE_TOP + n * ROW) * inch
        supplemental, cells = service_rows(claim, line)
        canvas.setFont("Courier", 7.5)
        if supplemental:
            canvas.drawString(L * inch + 4, top - ROW / 2 * inch + 3, supplemental)
        canvas.setFont("Courier", 8.5)
        for column, _caption, x, width in COLUMNS:
            text = cells[column]
            if column in ("24F", "24G"):
                canvas.drawRightString((x + width) * inch - 3, top - ROW * inch + 4, text)
            else:
                canvas.drawString(x * inch + 3, top - ROW * inch + 4, text)


def _draw_diagnoses(canvas: Canvas, claim: Claim, x0: float, y1: float) -> None:
    canvas.setFont("Courier", 8.5)
    canvas.drawString(x0 + 4.65 * inch, y1 - 7, "0")  # ICD Ind. 0 = ICD-10-CM
    for i, diagnosis in enumerate(claim.diagnoses[:12]):
        row, column = divmod(i, 4)
        x = x0 + 4 + column * 1.24 * inch
        y = y1 - 17 - row * 13
        canvas.setFont("Courier", 6.5)
        canvas.drawString(x, y, f"{POINTER_LETTERS[i]}.")
        canvas.setFont("Courier", 8.5)
        canvas.drawString(x + 9, y, diagnosis.dotted)


def render_cms1500(claim: Claim) -> bytes:
    """The claim on the CMS-1500 (02/12) form, one page per six service lines, as PDF bytes."""
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER, pageCompression=1)
    canvas.setTitle(f"CMS-1500 claim {claim.patient_control_number}")
    canvas.setAuthor("openrcm")
    for page in range(1, page_count(claim) + 1):
        _draw_frame(canvas)
        _draw_values(canvas, claim, page)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
