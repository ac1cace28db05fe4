"""Every shared sample of the 835, 999, 277CA, 277, 270, 271 and 276 folders reads without a
crash; the ones SOURCES.md lists as invalid yield error findings; real 835s add up."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from openrcm.domain.finding import Finding
from openrcm.x12 import read_277, read_277ca, read_835, read_999
from openrcm.x12.envelope import read_envelope


def _envelope_only(text: str) -> tuple[list[Any], list[Finding]]:
    """270, 271 and 276 have no domain reader yet: their envelopes are checked."""
    document = read_envelope(text)
    return document.transactions, document.findings


READERS: dict[str, Callable[[str], tuple[list[Any], list[Finding]]]] = {
    "835": read_835,
    "999": read_999,
    "277ca": read_277ca,
    "277": read_277,
    "270": _envelope_only,
    "271": _envelope_only,
    "276": _envelope_only,
}

# per type: (files, records read, files with error findings), as read on 2026-11-24
EXPECTED = {
    "835": (31, 185, 2),  # managed-care: BPR16 20002316; tertiary-payment: BPR16 missing
    "999": (5, 8, 1),  # x12_999_accepted: IEA02 does not match ISA13
    "277ca": (2, 6, 1),  # X214-payer-response: DTP 20230229
    "277": (4, 10, 2),  # SE01 count wrong; IEA02 does not match ISA13
    "270": (5, 5, 1),
    "271": (6, 6, 1),
    "276": (2, 2, 0),
}


def _listed_invalid(samples_dir: Path) -> set[str]:
    sources = (samples_dir.parent / "SOURCES.md").read_text()
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|.*\(invalid:", sources, re.M)}


@pytest.mark.parametrize("kind", sorted(READERS))
def test_every_sample_reads_and_the_invalid_ones_yield_findings(
    samples_dir: Path, kind: str
) -> None:
    invalid = _listed_invalid(samples_dir)
    files = records = with_errors = 0
    for path in sorted((samples_dir / kind).iterdir()):
        read, findings = READERS[kind](path.read_text(errors="replace"))
        errors = [f for f in findings if f.is_error]
        files += 1
        records += len(read)
        with_errors += bool(errors)
        if f"{kind}/{path.name}" in invalid:
            assert errors, f"{path.name} is listed as invalid but reads clean"
        for f in findings:
            assert f.segment is None or f.segment.segment_index >= 0
    assert (files, records, with_errors) == EXPECTED[kind]


def test_real_835_claims_carry_their_adjustments_to_the_cent(samples_dir: Path) -> None:
    """X221 example: nine dental claims, one check; checked by hand against the file."""
    text = (
        samples_dir / "835" / "albmarin-badX12__X221-multiple-claims-single-check.edi"
    ).read_text()
    (remittance,), findings = read_835(text)
    assert findings == []
    first, second, third = remittance.claims[:3]
    # CLP*7722337*1*226*132**12: five lines, CO-131 21 + 11 + 12 + 26 + 24
    assert (first.charge_amount, first.paid_amount, first.adjusted("CO")) == (
        226,
        132,
        Decimal("94"),
    )
    assert (second.charge_amount, second.paid_amount, second.adjusted("CO")) == (119, 74, 45)
    # CLP*...*226*108*24: PR-3 14 + 10 on two lines, CO-131 94
    assert (third.adjusted("PR"), third.adjusted("CO"), third.patient_responsibility_amount) == (
        24,
        94,
        24,
    )
    assert [line.procedure for line in third.lines] == ["D0120", "D0220", "D0230", "D0274", "D1110"]
    assert third.lines[1].adjustments[0].group == "PR" and third.lines[1].paid_amount == 0
    assert len(remittance.claims) == 9
    assert remittance.total_paid_amount == Decimal("810.80") == remittance.claims_paid_total


def test_a_medicare_835_with_a_provider_adjustment_balances(samples_dir: Path) -> None:
    text = (samples_dir / "835" / "LinuxForHealth-x12__demo.835").read_text()
    (remittance,), findings = read_835(text)
    assert [f.code for f in findings if f.is_error] == []
    first, second = remittance.claims
    assert (first.patient_control_number, first.adjusted("CO")) == ("666123", Decimal("73348.57"))
    assert first.charge_amount - first.paid_amount == first.adjusted("CO")
    assert (second.payer_claim_control_number, second.remark_codes) == ("1999999444445", ("MA02",))
    (plb,) = remittance.provider_adjustments
    assert (plb.adjustments[0].reason, plb.adjustments[0].reference) == ("CV", "CP")
    # BPR02 150000.00 = 138018.40 + 11980.33 - (-1.27): the PLB credit balances the check
    assert remittance.claims_paid_total == Decimal("149998.73")
    assert remittance.provider_adjustment_total == Decimal("-1.27")
    assert remittance.is_balanced
