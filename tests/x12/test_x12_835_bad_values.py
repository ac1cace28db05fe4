"""Values the 835's records refuse become findings with their place, never exceptions."""

from pathlib import Path

from openrcm.datadir import find_data_dir
from openrcm.x12.t835 import read_835

SAMPLE = find_data_dir() / "x12" / "samples" / "835" / "albmarin-badX12__X221-era-sample.edi"


def test_a_one_digit_bank_routing_number_is_a_finding_at_the_bpr() -> None:
    text = Path(SAMPLE).read_text()
    bpr = next(s for s in text.split("~") if s.strip().startswith("BPR*"))
    elements = bpr.strip().split("*")
    elements[13] = "1"  # BPR13: the receiver's DFI id, 3 to 12 characters
    elements[14] = elements[14] or "DA"
    elements[15] = elements[15] or "123456"
    _, findings = read_835(text.replace(bpr.strip(), "*".join(elements)))
    bad = [f for f in findings if f.code == "X12-835-BAD-VALUE"]
    assert bad and bad[0].segment is not None and bad[0].segment.segment_id == "BPR"
    assert "dfi_id" in bad[0].message


def test_an_amount_with_a_huge_exponent_is_a_finding_not_a_crash() -> None:
    text = Path(SAMPLE).read_text()
    svc = next(s for s in text.split("~") if s.strip().startswith("SVC*"))
    elements = svc.strip().split("*")
    elements[2] = "1E+30"  # SVC02: a number Decimal reads but no money amount can be
    _, findings = read_835(text.replace(svc.strip(), "*".join(elements), 1))
    assert any(
        f.code == "X12-835-BAD-VALUE" and f.segment and f.segment.segment_id == "SVC"
        for f in findings
    )
