"""What the fast 837 reader keeps of the composites it read (SV101, SV107) is per component
separator: a file with other separators never reuses what an earlier file meant."""

from __future__ import annotations

from datetime import datetime

from x12_claims import claims

from openrcm.domain import ClaimKind
from openrcm.x12.t837 import PROFESSIONAL, Receiver, Submitter, iter_837, write_837


def _text() -> str:
    return write_837(
        claims(seed=1, count=12, kind=ClaimKind.PROFESSIONAL),
        PROFESSIONAL,
        submitter=Submitter(name="SEP CLINIC", identifier="SEP01"),
        receiver=Receiver(name="SEP PAYER", identifier="PAYER01"),
        created_at=datetime(2025, 3, 4, 5, 6),
    )


def _other_component(text: str) -> str:
    """`text` with ISA16 "!" and every ":" made "!", but for SV107 (where ":" is now data)."""
    out = []
    for segment in text.split("~"):
        elements = segment.split("*")
        keep = elements[7] if elements[0].strip() == "SV1" and len(elements) > 7 else None
        elements = [e.replace(":", "!") for e in elements]
        if keep is not None:
            elements[7] = keep
        out.append("*".join(elements))
    return "~".join(out)


def test_pointers_read_with_one_component_separator_are_not_reused_with_another() -> None:
    text = _text()
    assert text.split("~", 1)[0].endswith("*:")
    assert any(s.split("*")[7:8] and ":" in s.split("*")[7] for s in text.split("~\nSV1")[1:])
    list(iter_837(text, PROFESSIONAL))  # the fast way reads "1:2" as two pointers here
    other = _other_component(text)
    fast_findings: list = []  # type: ignore[type-arg]
    full_findings: list = []  # type: ignore[type-arg]
    fast = list(iter_837(other, PROFESSIONAL, fast_findings))
    full = list(iter_837(other, PROFESSIONAL, full_findings, fast=False))
    assert fast == full
    assert fast_findings == full_findings
    assert any(f.code == "X12-CLAIM-UNREADABLE" for f in fast_findings)  # "1:2" is no number
