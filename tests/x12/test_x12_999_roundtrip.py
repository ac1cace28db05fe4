"""999 acknowledgements: built from validation findings, written, passed by pyx12, read back."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_x12_835_roundtrip import HEADER, pyx12_errors

from openrcm.domain.acknowledgment import (
    ElementError,
    FunctionalAck,
    SegmentError,
    TransactionSetAck,
)
from openrcm.x12.t999 import acknowledge, read_999, received_groups, write_999
from openrcm.x12.validate import validate

control_numbers = st.from_regex(r"[0-9]{4,9}", fullmatch=True)

element_errors = st.builds(
    ElementError,
    position=st.integers(1, 20),
    component=st.none() | st.integers(1, 5),
    repetition=st.none() | st.integers(1, 3),
    reference_number=st.none() | st.sampled_from(["782", "1028", "66"]),
    error_code=st.sampled_from(["1", "2", "4", "5", "6", "7", "8", "I12", "I10"]),
    bad_value=st.none() | st.from_regex(r"[A-Z0-9]{1,12}", fullmatch=True),
)

segment_errors = st.builds(
    SegmentError,
    segment_id=st.sampled_from(["CLM", "NM1", "HI", "SV1", "REF", "DTP"]),
    position=st.integers(2, 5000),
    loop=st.none() | st.sampled_from(["2300", "2010", "2400"]),
    error_code=st.sampled_from(["1", "2", "3", "4", "5", "8", "I6"]),
    elements=st.lists(element_errors, max_size=3).map(tuple),
)


@st.composite
def set_acks(draw: st.DrawFn) -> TransactionSetAck:
    errors = tuple(draw(st.lists(segment_errors, max_size=3)))
    rejected = bool(errors) or draw(st.booleans())
    return TransactionSetAck(
        transaction_set_id="837",
        control_number=draw(control_numbers),
        implementation_reference=draw(st.sampled_from([None, "005010X222A1"])),
        status="R" if rejected else "A",
        error_codes=("5",) if errors else (("4",) if rejected else ()),
        segment_errors=errors,
    )


@st.composite
def functional_acks(draw: st.DrawFn) -> FunctionalAck:
    sets = tuple(draw(st.lists(set_acks(), min_size=1, max_size=4)))
    accepted = sum(1 for s in sets if s.accepted)
    return FunctionalAck(
        control_number=draw(control_numbers),
        functional_id="HC",
        group_control_number=draw(st.from_regex(r"[1-9][0-9]{0,8}", fullmatch=True)),
        version="005010X222A1",
        transaction_sets=sets,
        status="A" if accepted == len(sets) else ("R" if accepted == 0 else "P"),
        included_count=len(sets),
        received_count=len(sets),
        accepted_count=accepted,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(functional_acks(), min_size=1, max_size=3, unique_by=lambda a: a.control_number))
def test_a_written_999_reads_back_as_the_same_acknowledgements(acks: list[FunctionalAck]) -> None:
    text = write_999(acks, HEADER)
    read, findings = read_999(text)
    assert read == acks
    assert findings == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(functional_acks())
def test_every_999_we_write_passes_pyx12(ack: FunctionalAck) -> None:
    assert pyx12_errors(write_999([ack], HEADER)) == []


def test_a_clean_837_is_acknowledged_as_accepted(samples_dir) -> None:
    text = (samples_dir / "837p" / "moov-io-x12__sample.txt").read_text()
    groups = received_groups(text)
    ack = acknowledge(groups[0])
    assert (ack.status, ack.accepted, ack.rejected) == ("A", frozenset({"000000533"}), frozenset())
    written = write_999(groups, HEADER)
    assert pyx12_errors(written) == []
    assert read_999(written)[0] == [ack]


def test_an_837_with_errors_is_rejected_with_the_places_validation_found(samples_dir) -> None:
    text = (samples_dir / "837p" / "imsweb-x12-parser__x12_segment_errors.txt").read_text()
    errors = [f for f in validate(text) if f.is_error and f.segment and f.segment.loop != "ISA"]
    assert errors, "the fixture has errors"
    (ack,) = [acknowledge(g) for g in received_groups(text)]
    (set_ack,) = ack.transaction_sets
    assert (ack.status, set_ack.status) == ("R", "R")
    assert set_ack.control_number in ack.rejected
    reported = {(e.segment_id, e.position) for e in set_ack.segment_errors}
    found = {
        (f.segment.segment_id, f.segment.segment_index)
        for f in errors
        if f.segment.segment_id not in ("ST", "SE")
    }
    assert reported == found
    if any(f.code == "X12-SE-COUNT" for f in errors):
        assert "4" in set_ack.error_codes
    written = write_999([ack], HEADER)
    assert pyx12_errors(written) == []
    assert read_999(written)[0] == [ack]


def test_a_999_reports_each_finding_again_as_a_finding(samples_dir) -> None:
    acks, findings = read_999((samples_dir / "999" / "xlate-staedi__simple999.edi").read_text())
    (ack,) = acks
    assert findings == []
    assert (ack.status, ack.accepted, ack.rejected) == ("P", {"0001"}, {"0002", "0003"})
    places = [
        (f.segment.segment_id, f.segment.segment_index, f.segment.element) for f in ack.findings()
    ]
    assert places == [("CLM", 22, 2), ("REF", 57, None)]
    assert (ack.included_count, ack.received_count, ack.accepted_count) == (3, 3, 1)
