"""Our 276 against pyx12, the external oracle, as far as pyx12 can check it.

pyx12 4.0.0 ships the 277 X212 map but no 5010 276 map, only the 4010 one (X093A1). The 276
we write is re-enveloped as 4010 (ISA12 00401, ISA11 U, no ST03) and checked against it:
every error pyx12 reports must be one of the known differences between the guides, listed
here. A broken 276 shows the oracle works.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from openrcm.service import claim_status
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t276 import write_276
from pyx12_oracle import pyx12_errors

HEADER = InterchangeHeader(
    sender_id="1456789019",
    receiver_id="87726",
    interchange_control_number=8,
    group_control_number=8,
    created_at=datetime(2025, 5, 1, tzinfo=UTC),
)
KNOWN_5010_CHANGES = (
    # X212 uses BHT03 (reference) and BHT05 (time); X093A1 marked them not used
    '"Reference Identification" (BHT03) is marked as Not Used',
    '"Time" (BHT05) is marked as Not Used',
    # X212 added REF*EJ (patient control number) and dates services with DTP*472, where
    # X093A1 had REF*EA and DTP*232
    "Segment REF*EJ not found",
    "Segment DTP*472 not found",
)


def as_4010(text: str) -> str:
    """The same file in a 4010 envelope: ISA11 U, ISA12 00401, GS08 004010X093A1, no ST03."""
    isa, rest = text.split("~", 1)
    fields = isa.split("*")
    fields[11], fields[12] = "U", "00401"
    rest = rest.replace("005010X212", "004010X093A1")
    rest = re.sub(r"(ST\*\d{3}\*\d+)\*004010X093A1~", r"\1~", rest)
    return "*".join(fields) + "~" + rest


def unexplained(text: str) -> list[str]:
    return [e for e in pyx12_errors(as_4010(text)) if not any(k in e for k in KNOWN_5010_CHANGES)]


def test_our_276_passes_pyx12_but_for_the_5010_changes(practice: Any) -> None:
    requests = [
        claim_status.build_276(
            practice.claim(pcn),
            trace_number=f"T{pcn}",
            created=date(2025, 5, 1),
            payer_claim_control_number=f"PHP-{pcn}",
        )
        for pcn in ("S1", "S2")
    ]
    assert unexplained(write_276(requests, HEADER)) == []


def test_the_oracle_notices_a_broken_276(practice: Any) -> None:
    request = claim_status.build_276(
        practice.claim("S1"), trace_number="T1", created=date(2025, 5, 1)
    )
    text = write_276([request], HEADER)
    broken = text.replace("NM1*41*2*", "NM1*ZZ*2*").replace("HL*4*3*22*0~", "HL*4*3*99*0~")
    assert len(unexplained(broken)) >= 2
