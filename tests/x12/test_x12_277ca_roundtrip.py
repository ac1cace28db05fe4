"""277CA claim acknowledgements and 277 claim status: written, checked by pyx12, read back."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_x12_835_roundtrip import HEADER, pyx12_errors

from openrcm.domain.claim_status import (
    ClaimStatusResponse,
    LineStatus,
    StatusCode,
    StatusInformation,
)
from openrcm.domain.eligibility import Entity
from openrcm.x12.t277 import read_277, write_277
from openrcm.x12.t277ca import read_277ca, write_277ca

names = st.from_regex(r"[A-Z]{2,12}( [A-Z]{1,8})?", fullmatch=True)
ids = st.from_regex(r"[A-Z0-9]{4,15}", fullmatch=True)
days = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 31))
amounts = st.decimals(min_value=0, max_value=20000, places=2)


def statuses(
    *, action: bool | str, amount: bool, message: bool = True, rejected: bool | None = None
) -> st.SearchStrategy[StatusInformation]:
    categories = (
        ["A1", "A2", "A3", "A7"]
        if rejected is None
        else (["A3", "A7"] if rejected else ["A1", "A2"])
    )
    return st.builds(
        StatusInformation,
        codes=st.tuples(
            st.builds(
                StatusCode,
                category=st.sampled_from(categories),
                status=st.sampled_from(["19", "20", "21", "187", "249"]),
                entity=st.none() | st.sampled_from(["PR", "41", "85"]),
            )
        ),
        effective_date=days,
        action_code=(st.just(action) if isinstance(action, str) else st.sampled_from(["WQ", "U"]))
        if action
        else st.none(),
        charge_amount=amounts if amount else st.none(),
        message=(st.none() | names) if message else st.none(),
    )


RECEIVER_STATUS = StatusInformation(
    codes=(StatusCode(category="A1", status="19", entity="PR"),),
    effective_date=date(2024, 5, 6),
    action_code="WQ",
    charge_amount=1250,
)
PROVIDER_STATUS = StatusInformation(
    codes=(StatusCode(category="A1", status="19"),), action_code="WQ", charge_amount=1250
)


@st.composite
def acknowledgements(draw: st.DrawFn, control_number: str) -> ClaimStatusResponse:
    start = draw(days)
    lines = draw(
        st.lists(
            st.builds(
                LineStatus,
                procedure=st.sampled_from(["99213", "99214", "J3420"]),
                modifiers=st.lists(st.sampled_from(["25", "59"]), max_size=2, unique=True).map(
                    tuple
                ),
                charge_amount=amounts,
                line_control_number=st.none() | ids,
                service_date=st.just(start),
                statuses=st.tuples(statuses(action="U", amount=False, message=False)),
            ),
            max_size=3,
        )
    )
    return ClaimStatusResponse(
        control_number=control_number,
        reference_id="BATCH1",
        created_date=date(2024, 5, 6),
        created_time="1200",
        payer=Entity(
            entity_code="PR",
            entity_type="2",
            name="ACME HEALTH",
            id_qualifier="PI",
            identifier="ACME1",
        ),
        receipt_date=date(2024, 5, 5),
        process_date=date(2024, 5, 6),
        receiver=Entity(
            entity_code="41",
            entity_type="2",
            name="CLEARINGHOUSE",
            id_qualifier="46",
            identifier="CH01",
        ),
        receiver_trace_number="SUBMIT1",
        receiver_statuses=(RECEIVER_STATUS,),
        provider=Entity(
            entity_code="85",
            entity_type="2",
            name="FAMILY CLINIC",
            id_qualifier="XX",
            identifier="1234567893",
        ),
        provider_trace_number="PROV1",
        provider_statuses=(PROVIDER_STATUS,),
        patient=Entity(
            entity_code="QC",
            entity_type="1",
            name=draw(names),
            first_name=draw(st.none() | names),
            id_qualifier="MI",
            identifier=draw(ids),
        ),
        patient_control_number=draw(ids),
        statuses=tuple(draw(st.lists(statuses(action=True, amount=True), min_size=1, max_size=2))),
        payer_claim_control_number=draw(st.none() | ids),
        clearinghouse_trace_number=draw(st.none() | ids),
        bill_type=draw(st.none() | st.sampled_from(["111", "131"])),
        service_date=start,
        service_date_end=draw(st.none() | days.filter(lambda d: d > start)),
        lines=tuple(lines),
    )


batches = st.lists(acknowledgements("0001"), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches)
def test_a_written_277ca_reads_back_as_the_same_acknowledgements(
    acks: list[ClaimStatusResponse],
) -> None:
    read, findings = read_277ca(write_277ca(acks, HEADER))
    assert read == acks
    assert findings == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches)
def test_every_277ca_we_write_passes_pyx12(acks: list[ClaimStatusResponse]) -> None:
    assert pyx12_errors(write_277ca(acks, HEADER)) == []


@settings(max_examples=5, deadline=None)
@given(acknowledgements("0001"))
def test_277ca_totals_count_accepted_and_rejected_claims(accepted: ClaimStatusResponse) -> None:
    accepted = accepted.model_copy(
        update={
            "statuses": (
                StatusInformation(
                    codes=(StatusCode(category="A2", status="20"),),
                    effective_date=date(2024, 5, 6),
                    action_code="WQ",
                    charge_amount=70,
                ),
            )
        }
    )
    rejected = accepted.model_copy(
        update={
            "patient_control_number": "REJECTED1",
            "statuses": (
                StatusInformation(
                    codes=(StatusCode(category="A7", status="21"),),
                    effective_date=date(2024, 5, 6),
                    action_code="U",
                    charge_amount=50,
                ),
            ),
        }
    )
    text = write_277ca([accepted, rejected], HEADER)
    assert "QTY*90*1~" in text and "QTY*AA*1~" in text and "AMT*YU*70~" in text
    assert "QTY*QA*1~" in text and "QTY*QC*1~" in text and "AMT*YY*50~" in text
    read, _ = read_277ca(text)
    assert [r.is_rejected for r in read] == [False, True]


def test_a_277ca_sample_reads_claim_by_claim(samples_dir) -> None:
    text = (samples_dir / "277ca" / "dwai1714-edi_parser__X214-payer-response.edi").read_text()
    read, findings = read_277ca(text)
    assert [(r.patient_control_number, r.category_code, r.status_code) for r in read] == [
        ("PATIENT22222", "A2", "20"),
        ("PATIENT33333", "A3", "21"),
        ("JONES44444", "A7", "21"),
        ("JOHNSON55555", "A2", "20"),
        ("MILLS66666", "A2", "20"),
    ]
    assert read[0].payer_claim_control_number == "220216359803X"
    assert read[1].statuses[0].codes[1] == StatusCode(category="A3", status="187")
    # 20230229 is not a date: a finding on DTP03 of the second patient's claim
    (bad,) = findings
    assert (bad.code, bad.segment.segment_id, bad.segment.element) == (
        "X12-27X-BAD-VALUE",
        "DTP",
        3,
    )


@st.composite
def statuses_277(draw: st.DrawFn) -> ClaimStatusResponse:
    ack = draw(acknowledgements("0002"))
    return ack.model_copy(
        update={
            "receipt_date": None,
            "process_date": None,
            "subscriber": Entity(
                entity_code="IL",
                entity_type="1",
                name=draw(names),
                id_qualifier="MI",
                identifier=draw(ids),
            ),
            "patient": draw(st.none() | st.just(ack.patient)),
            "trace_number": draw(ids),
            "lines": tuple(
                line.model_copy(update={"paid_amount": line.charge_amount}) for line in ack.lines
            ),
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statuses_277(), min_size=1, max_size=4))
def test_a_written_277_reads_back_as_the_same_statuses(
    responses: list[ClaimStatusResponse],
) -> None:
    read, findings = read_277(write_277(responses, HEADER))
    assert read == responses
    assert findings == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statuses_277().filter(lambda r: r.patient is not None))
def test_a_subscribers_own_claim_after_a_dependents_keeps_its_place(
    dependent: ClaimStatusResponse,
) -> None:
    # the subscriber's own claims precede its dependents' HLs: the writer opens the
    # subscriber again rather than reorder (found by the round-trip property above)
    own = dependent.model_copy(update={"patient": None})
    read, _ = read_277(write_277([dependent, own], HEADER))
    assert read == [dependent, own]
