"""Our 270 against pyx12, the external oracle, as far as pyx12 can check it.

pyx12 4.0.0 ships no 5010 270 map (X279A1), only the 4010 one (X092A1), whose segments and
loops the 5010 guide kept. So the 270 we write is re-enveloped as 4010 (ISA12 00401, ISA11
U, no ST03) and checked against the 4010 map: every error pyx12 reports must be one of the
known differences between the two guides, listed here. A broken 270 shows the oracle works.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from openrcm.service import eligibility
from openrcm.x12.envelope import InterchangeHeader
from openrcm.x12.t270 import write_270
from pyx12_oracle import pyx12_errors

HEADER = InterchangeHeader(
    sender_id="1456789019",
    receiver_id="87726",
    interchange_control_number=7,
    group_control_number=7,
    created_at=datetime(2025, 3, 3, tzinfo=UTC),
)
# X279A1 moved the service date (DTP*291) of an inquiry into loop 2100C/2100D; X092A1 had it
# in 2110C/2110D only
KNOWN_5010_CHANGES = ("Segment DTP*291 not found",)


def as_4010(text: str) -> str:
    """The same file in a 4010 envelope: ISA11 U, ISA12 00401, GS08 004010X092A1, no ST03."""
    isa, rest = text.split("~", 1)
    fields = isa.split("*")
    fields[11], fields[12] = "U", "00401"
    rest = rest.replace("005010X279A1", "004010X092A1")
    rest = re.sub(r"(ST\*\d{3}\*\d+)\*004010X092A1~", r"\1~", rest)
    return "*".join(fields) + "~" + rest


def unexplained(text: str) -> list[str]:
    return [e for e in pyx12_errors(as_4010(text)) if not any(k in e for k in KNOWN_5010_CHANGES)]


def test_our_270_passes_pyx12_but_for_the_5010_changes(practice: Any) -> None:
    requests = [
        eligibility.build_270(
            practice.patient,
            practice.coverage,
            practice.payer,
            practice.billing_provider,
            service_date=date(2025, 3, 4),
            trace_number=f"TRC{n}",
            created=date(2025, 3, 3),
        )
        for n in range(3)
    ]
    text = write_270(requests, HEADER)
    assert unexplained(text) == []


def test_the_oracle_notices_a_broken_270(practice: Any) -> None:
    request = eligibility.build_270(
        practice.patient,
        practice.coverage,
        practice.payer,
        practice.billing_provider,
        service_date=date(2025, 3, 4),
        trace_number="TRC1",
        created=date(2025, 3, 3),
    )
    text = write_270([request], HEADER)
    broken = text.replace("NM1*PR*2*", "NM1*XX*2*").replace("EQ*30~", "EQ*ZZZ~")
    assert len(unexplained(broken)) >= 2
