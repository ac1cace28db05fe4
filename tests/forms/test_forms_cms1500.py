"""The CMS-1500 and UB-04 PDFs: every box drawn, each value inside its own box, read back
with pypdf as a clearinghouse's OCR would read the paper form."""

from __future__ import annotations

import sys
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.forms.cms1500 import BOX, BOXES, cms1500_boxes, render_cms1500
from openrcm.forms.ub04 import render_ub04, ub04_fields

sys.path.insert(0, str(Path(__file__).parents[1] / "scrub"))
from scrub_testkit import build_claim

CLAIM = {
    "diagnoses": [
        {"code": "E11.9", "kind": "ABK"},
        {"code": "I10"},
        {"code": "J44.1"},
        {"code": "M25.561"},
        {"code": "R69"},
    ],
    "referring_provider": {
        "id": "R9",
        "npi": "1612345672",
        "entity_type": "1",
        "name": "PATEL",
        "first_name": "RAJ",
    },
    "prior_authorization": "PA778899",
    "lines": [
        {
            "procedure": "99214",
            "modifiers": ["25"],
            "charge_amount": "180.00",
            "diagnosis_pointers": [1, 2],
        },
        {
            "procedure": "J3301",
            "modifiers": ["JW"],
            "charge_amount": "12.50",
            "units": "4",
            "ndc": "00003029320",
            "ndc_quantity": "1",
            "ndc_unit": "ML",
            "diagnosis_pointers": [4],
        },
        {
            "procedure": "20610",
            "modifiers": ["RT"],
            "charge_amount": "120.00",
            "diagnosis_pointers": [4, 3],
        },
    ],
}


def _text_with_places(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    placed: list[tuple[str, float, float]] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: object) -> None:
        if text.strip():
            placed.append((text.strip(), tm[4], tm[5]))

    PdfReader(BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return placed


def _inside(placed: list[tuple[str, float, float]], value: str, box: str) -> bool:
    x0, y0, x1, y1 = BOX[box].rect_points()
    return any(value in text and x0 <= x <= x1 and y0 <= y <= y1 for text, x, y in placed)


def test_the_form_has_every_numbered_box_1_to_33() -> None:
    numbers = {box.number.rstrip("abcd") for box in BOXES}
    assert numbers == {str(n) for n in range(1, 34)}
    text = PdfReader(BytesIO(render_cms1500(build_claim(CLAIM)))).pages[0].extract_text()
    for caption in ("1a. INSURED'S I.D. NUMBER", "21. DIAGNOSIS", "33. BILLING PROVIDER INFO"):
        assert caption in text
    assert "HEALTH INSURANCE CLAIM FORM" in text


def test_each_value_is_printed_inside_its_box() -> None:
    claim = build_claim(CLAIM)
    placed = _text_with_places(render_cms1500(claim))
    expected = {
        "1a": "W123456789",
        "2": "RIVERA, ANA",
        "3": "03 14 1970",
        "4": "RIVERA, ANA",
        "5": "12 ELM ST",
        "17": "PATEL, RAJ",
        "17b": "1612345672",
        "23": "PA778899",
        "25": "311234567",
        "26": "PCN1001",
        "33": "CAPITAL FAMILY MEDICINE",
        "33a": "1234567893",
    }
    # 28. TOTAL CHARGE, in its dollars and cents cells
    expected["28"] = " ".join(f"{claim.total_charge_amount:.2f}".split("."))
    for box, value in expected.items():
        assert _inside(placed, value, box), f"box {box} should show {value!r}"
    boxes = cms1500_boxes(claim)
    assert boxes["21"].startswith("A. E11.9  B. I10  C. J44.1  D. M25.561  E. R69")


def test_service_lines_fill_24_with_the_ndc_in_the_shaded_row() -> None:
    claim = build_claim(CLAIM)
    text = PdfReader(BytesIO(render_cms1500(claim))).pages[0].extract_text()
    assert "99214 25" in text
    assert "J3301 JW" in text
    assert "N400003029320 ML1" in text  # 24 supplemental: N4 qualifier, NDC, unit, quantity
    assert "20610 RT" in text
    assert "180 00" in text and "12 50" in text and "120 00" in text
    assert "1987654328" in text  # 24J rendering NPI


def test_more_than_six_lines_continue_on_a_second_form() -> None:
    claim = build_claim({"lines": [{"procedure": "97110", "charge_amount": "40.00"}] * 8})
    reader = PdfReader(BytesIO(render_cms1500(claim)))
    assert len(reader.pages) == 2
    assert "CONTINUED" in reader.pages[0].extract_text()
    assert "320 00" in reader.pages[1].extract_text()
    assert cms1500_boxes(claim, page=1)["28"] == "CONTINUED"


def test_the_ub04_summary_names_its_form_locators() -> None:
    claim = build_claim({"preset": "inpatient"})
    text = PdfReader(BytesIO(render_ub04(claim))).pages[0].extract_text()
    fields = {locator: value for locator, _caption, value in ub04_fields(claim)}
    assert fields["FL 4"] == "0111"
    assert fields["FL 67"] == "E11.9 Y"
    for value in ("0111", "2024-07-28 to 2024-08-01", "W123456789", "0120", "99223", "2400.00"):
        assert value in text


def test_openrcm_forms_cms1500_writes_one_pdf_per_claim(tmp_path: Path) -> None:
    synth = pytest.importorskip("openrcm.synth")
    practice = synth.generate_practice(
        3, claims=5, start_date=date(2025, 6, 2), end_date=date(2025, 6, 20)
    )
    source = tmp_path / "claims.837p"
    assert synth.write_claims_837p(practice, practice.claims, source)
    out = tmp_path / "pdf"
    result = CliRunner().invoke(build_app(), ["forms", "cms1500", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.stdout
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 5
    first = practice.claims[0]
    text = PdfReader(pdfs[0]).pages[0].extract_text() if pdfs else ""
    assert any(c.patient_control_number in text for c in practice.claims)
    assert first.coverage.member_id in "".join(PdfReader(p).pages[0].extract_text() for p in pdfs)
    missing = CliRunner().invoke(
        build_app(), ["forms", "cms1500", str(tmp_path / "no.837"), "--out", str(out)]
    )
    assert missing.exit_code == 2
