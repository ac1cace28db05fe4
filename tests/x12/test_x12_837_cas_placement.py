"""Where a CAS segment counts: in an open SVD (2430) and in an other payer's 2320 before its
NM1s; anywhere else it is ignored. (The reader takes a CAS before splitting it.)"""

from __future__ import annotations

from datetime import datetime

from x12_claims import claims

from openrcm.domain import Claim, ClaimKind
from openrcm.x12.t837 import PROFESSIONAL, Receiver, Submitter, iter_837, write_837

EXTRA = "CAS*OA*23*1.5"


def _segments() -> list[str]:
    text = write_837(
        claims(seed=5, count=60, kind=ClaimKind.PROFESSIONAL),
        PROFESSIONAL,
        submitter=Submitter(name="CAS CLINIC", identifier="CAS01"),
        receiver=Receiver(name="CAS PAYER", identifier="PAYER01"),
        created_at=datetime(2025, 3, 4, 5, 6),
    )
    return text.split("~\n")


def _read(segments: list[str]) -> list[Claim]:
    findings: list = []  # type: ignore[type-arg]
    read = list(iter_837("~\n".join(segments), PROFESSIONAL, findings))
    assert {f.code for f in findings} <= {"X12-SE-COUNT"}  # the extra segment, uncounted
    return read


def _after(segments: list[str], start: str) -> list[str]:
    """`segments` with the extra CAS after the first segment of a claim (after a CLM,
    before the next HL) starting with `start`."""
    in_claim = False
    for k, segment in enumerate(segments):
        if segment.startswith(("CLM*", "HL*")):
            in_claim = segment.startswith("CLM*")
        if in_claim and segment.startswith(start):
            return [*segments[: k + 1], EXTRA, *segments[k + 1 :]]
    raise AssertionError(f"no {start} in a claim")


def _adjustment_counts(read: list[Claim]) -> tuple[list[int], list[int]]:
    others = [len(o.adjustments) for c in read for o in c.other_payers]
    lines = [len(a.adjustments) for c in read for ln in c.lines for a in ln.adjudications]
    return others, lines


def test_a_cas_counts_in_an_svd_and_in_a_2320_before_its_names() -> None:
    segments = _segments()
    others, lines = _adjustment_counts(_read(segments))
    assert others and lines
    more_others, same_lines = _adjustment_counts(_read(_after(segments, "SBR*")))
    assert sum(more_others) == sum(others) + 1
    assert same_lines == lines
    same_others, more_lines = _adjustment_counts(_read(_after(segments, "SVD*")))
    assert same_others == others
    assert sum(more_lines) == sum(lines) + 1


def test_a_cas_anywhere_else_is_ignored() -> None:
    segments = _segments()
    plain = _read(segments)
    for start in ("NM1*IL", "NM1*PR", "LX*", "SV1*", "CLM*", "HI*", "NM1*82", "N4*"):
        assert _read(_after(segments, start)) == plain, start  # NM1*IL/PR: in a 2330A/B
