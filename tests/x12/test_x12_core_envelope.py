"""Envelopes: counts and control numbers checked on read, produced on write."""

from __future__ import annotations

import io
from datetime import datetime

from x12_support import envelope

from openrcm.domain import Severity
from openrcm.x12 import (
    ControlNumbers,
    EnvelopeReader,
    InterchangeHeader,
    TransactionBody,
    read_envelope,
    write_interchange,
)

BODY = """
BHT*0019*00*0123*20240102*1200*CH~
NM1*41*2*CLINIC*****46*123~
"""


def codes(text: str) -> list[str]:
    return sorted(f.code for f in read_envelope(text).findings)


def test_a_well_formed_interchange_has_no_findings_and_its_structure() -> None:
    doc = read_envelope(envelope(BODY))
    assert doc.findings == []
    [interchange] = doc.interchanges
    assert interchange.sender_id == "SENDER"
    assert interchange.control_number == "000000101"
    [group] = interchange.groups
    assert group.functional_id == "HC"
    [ts] = group.transactions
    assert ts.transaction_type == "837"
    assert ts.version == "005010X222A1"
    assert [s.id for s in ts.body] == ["BHT", "NM1"]
    assert ts.position(ts.body[0]) == 2


def test_a_wrong_se01_count_is_a_finding_at_the_se() -> None:
    text = envelope(BODY).replace("SE*4*0001", "SE*9*0001")
    [finding] = read_envelope(text).findings
    assert finding.code == "X12-SE-COUNT"
    assert finding.severity is Severity.ERROR
    assert finding.segment is not None
    assert (finding.segment.segment_id, finding.segment.segment_index, finding.segment.element) == (
        "SE",
        4,
        1,
    )


def test_control_numbers_that_do_not_match_are_findings() -> None:
    assert codes(envelope(BODY).replace("SE*4*0001", "SE*4*0002")) == ["X12-CONTROL-MISMATCH"]
    assert codes(envelope(BODY).replace("GE*1*101", "GE*1*102")) == ["X12-CONTROL-MISMATCH"]
    assert codes(envelope(BODY).replace("IEA*1*000000101", "IEA*1*000000109")) == [
        "X12-CONTROL-MISMATCH"
    ]


def test_group_and_interchange_counts_are_checked() -> None:
    assert codes(envelope(BODY).replace("GE*1*", "GE*2*")) == ["X12-GE-COUNT"]
    assert codes(envelope(BODY).replace("IEA*1*", "IEA*3*")) == ["X12-IEA-COUNT"]


def test_missing_trailers_and_stray_segments_are_findings_not_exceptions() -> None:
    text = envelope(BODY)
    no_se = "\n".join(line for line in text.splitlines() if not line.startswith("SE*"))
    assert "X12-MISSING-TRAILER" in codes(no_se)
    no_st = "\n".join(line for line in text.splitlines() if not line.startswith("ST*"))
    assert "X12-SEGMENT-OUTSIDE" in codes(no_st)
    truncated = text.split("GE*")[0]
    assert codes(truncated).count("X12-MISSING-TRAILER") == 2


def test_a_short_isa_field_is_a_finding() -> None:
    text = envelope(BODY).replace("*SENDER         *", "*SENDER*")
    assert codes(text) == ["X12-ISA-LENGTH"]


def test_streaming_yields_sets_one_at_a_time_without_keeping_them() -> None:
    text = envelope(BODY).replace("GE*1*101", "GE*3*101")
    many = text.replace(
        "SE*4*0001~\n",
        "SE*4*0001~\nST*837*0002*005010X222A1~\nBHT*0019~\nSE*3*0002~\nST*837*0003~\nSE*2*0003~\n",
    )
    reader = EnvelopeReader(io.StringIO(many))
    numbers = [ts.control_number for ts in reader]
    assert numbers == ["0001", "0002", "0003"]
    assert reader.findings == []
    assert reader.interchanges[0].groups[0].transactions == []


def test_written_envelopes_count_and_number_correctly() -> None:
    header = InterchangeHeader(
        sender_id="SUBMITTER1",
        receiver_id="PAYER9",
        interchange_control_number=42,
        group_control_number=7,
        created_at=datetime(2024, 3, 5, 14, 30),
    )
    bodies = [
        TransactionBody("837", ["BHT*0019*00*1*20240305*1430*CH"]),
        TransactionBody("837", ["BHT*0019*00*2*20240305*1430*CH", "NM1*41*2*X"]),
    ]
    text = write_interchange(bodies, header, functional_id="HC", version="005010X222A1")
    lines = text.splitlines()
    assert len(lines[0]) == 106
    assert lines[-1] == "IEA*1*000000042~"
    assert "SE*3*0001~" in lines and "SE*4*0002~" in lines and "GE*2*7~" in lines
    doc = read_envelope(text)
    assert doc.findings == []
    assert [ts.control_number for ts in doc.transactions] == ["0001", "0002"]


def test_control_numbers_are_unique_per_sender_and_resume_from_a_snapshot() -> None:
    numbers = ControlNumbers()
    assert [
        numbers.next_interchange("A"),
        numbers.next_interchange("A"),
        numbers.next_interchange("B"),
    ] == [1, 2, 1]
    resumed = ControlNumbers(numbers.snapshot())
    assert resumed.next_interchange("A") == 3
    assert resumed.next_group("A") == 1
    wrapped = ControlNumbers({"ISA:A": 999_999_999})
    assert wrapped.next_interchange("A") == 1
