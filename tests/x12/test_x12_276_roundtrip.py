"""276 claim status requests (X212): written, checked, read back.

pyx12 4.0.0 has no 5010 276 map, only X093A1 (4010). Our output is checked by our own X212
grammar (no finding at all) and, re-enveloped as 4010, by pyx12, which may only report the
listed differences between the two guides.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_x12_270_roundtrip import days, ids, names, service_days
from test_x12_835_roundtrip import HEADER

from openrcm.domain.claim_status import ClaimStatusRequest, LineStatus
from openrcm.domain.eligibility import Entity
from openrcm.x12 import read_276, write_276
from openrcm.x12.validate import validate
from pyx12_oracle import pyx12_errors

amounts = st.decimals(min_value=0, max_value=50000, places=2)


def parties(code: str, qualifiers: list[str], *, people: bool = True) -> st.SearchStrategy[Entity]:
    @st.composite
    def one(draw: st.DrawFn) -> Entity:
        person = people and draw(st.booleans())
        return Entity(
            entity_code=code,
            entity_type="1" if person else "2",
            name=draw(names),
            first_name=draw(st.none() | names) if person else None,
            id_qualifier=draw(st.sampled_from(qualifiers)),
            identifier=draw(ids),
        )

    return one()


@st.composite
def ranges(draw: st.DrawFn) -> tuple[date, date | None]:
    start = draw(service_days)
    end = draw(st.none() | st.dates(min_value=start, max_value=date(2027, 1, 31)))
    return start, (end if end != start else None)


@st.composite
def lines(draw: st.DrawFn) -> LineStatus:
    start, end = draw(ranges())
    institutional = draw(st.booleans())
    return LineStatus(
        procedure_qualifier="NU" if institutional else "HC",
        procedure=draw(st.sampled_from(["0450", "0300"] if institutional else ["99213", "J3420"])),
        modifiers=()
        if institutional
        else tuple(draw(st.lists(st.sampled_from(["25", "59"]), max_size=2, unique=True))),
        charge_amount=draw(amounts),
        revenue_code=None,
        units=draw(st.none() | st.decimals(min_value=1, max_value=99, places=0)),
        line_control_number=draw(st.none() | ids),
        service_date=start,
        service_date_end=end,
    )


@st.composite
def requests(draw: st.DrawFn, *, shared: bool = False) -> list[ClaimStatusRequest]:
    payers = draw(
        st.lists(
            parties("PR", ["PI"] if shared else ["PI", "XV"], people=False), min_size=1, max_size=2
        )
    )
    receivers = draw(st.lists(parties("41", ["46"]), min_size=1, max_size=2))
    providers = draw(st.lists(parties("1P", ["XX", "FI"]), min_size=1, max_size=2))
    subscribers = draw(
        st.lists(
            parties("IL", ["MI"] if shared else ["MI", "II"], people=False), min_size=1, max_size=2
        )
    )
    subscribers = [s.model_copy(update={"entity_type": "1"}) for s in subscribers]
    out = []
    for n in range(draw(st.integers(1, 5))):
        patient = draw(
            st.none()
            | parties("QC", ["MI"]).map(lambda p: p.model_copy(update={"entity_type": "1"}))
        )
        born = draw(days) if patient is None and draw(st.booleans()) else None
        start, end = draw(ranges()) if draw(st.booleans()) else (None, None)
        out.append(
            ClaimStatusRequest(
                control_number="0001",
                reference_id="STATUS1",
                created_date=date(2024, 5, 6),
                created_time="1200",
                payer=draw(st.sampled_from(payers)),
                receiver=draw(st.sampled_from(receivers)),
                provider=draw(st.sampled_from(providers)),
                subscriber=draw(st.sampled_from(subscribers)),
                subscriber_birth_date=born,
                subscriber_sex=draw(st.sampled_from(["F", "M", "U"])) if born else None,
                patient=patient,
                patient_birth_date=draw(days) if patient else None,
                patient_sex=draw(st.sampled_from(["F", "M"])) if patient else None,
                trace_number=f"T{n}{draw(ids)}",
                payer_claim_control_number=draw(st.none() | ids),
                bill_type=draw(st.none() | st.sampled_from(["111", "131"])),
                patient_control_number=draw(st.none() | ids),
                clearinghouse_trace_number=draw(st.none() | ids),
                group_number=draw(st.none() | ids),
                prescription_number=draw(st.none() | ids),
                charge_amount=draw(st.none() | amounts),
                service_date=start,
                service_date_end=end,
                lines=tuple(draw(st.lists(lines(), max_size=3))),
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_a_written_276_reads_back_as_the_same_requests(batch: list[ClaimStatusRequest]) -> None:
    read, findings = read_276(write_276(batch, HEADER))
    assert findings == []
    assert read == batch


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_276_we_write_passes_the_guide_rules(batch: list[ClaimStatusRequest]) -> None:
    assert validate(write_276(batch, HEADER)) == []


KNOWN_5010_CHANGES = (
    # X212 uses BHT03 and BHT05; X093A1 marked them not used
    '"Reference Identification" (BHT03) is marked as Not Used',
    '"Time" (BHT05) is marked as Not Used',
    # X212 added REF*EJ, 6P, XZ, D9 to 2200 and dates a claim with DTP*472 (X093A1: DTP*232),
    # and allows D8 (one day) where X093A1 took RD8 only
    "Segment REF*EJ not found",
    "Segment REF*6P not found",
    "Segment REF*XZ not found",
    "Segment REF*D9 not found",
    "Segment DTP*472 not found",
    "(D8) is not a valid code for Date Time Period Format Qualifier (DTP02)",
)


def as_4010(text: str) -> str:
    isa, rest = text.split("~", 1)
    fields = isa.split("*")
    fields[11], fields[12] = "U", "00401"
    rest = rest.replace("005010X212", "004010X093A1")
    rest = re.sub(r"(ST\*\d{3}\*\d+)\*004010X093A1~", r"\1~", rest)
    return "*".join(fields) + "~" + rest


def unexplained(text: str) -> list[str]:
    return [e for e in pyx12_errors(as_4010(text)) if not any(k in e for k in KNOWN_5010_CHANGES)]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(requests(shared=True))
def test_276s_pass_pyx12s_4010_map_but_for_the_5010_changes(
    batch: list[ClaimStatusRequest],
) -> None:
    assert unexplained(write_276(batch, HEADER)) == []


def _request(**changes: object) -> ClaimStatusRequest:
    base = ClaimStatusRequest(
        control_number="0001",
        reference_id="STATUS1",
        created_date=date(2024, 5, 6),
        payer=Entity(
            entity_code="PR", entity_type="2", name="ACME", id_qualifier="PI", identifier="ACME1"
        ),
        receiver=Entity(
            entity_code="41", entity_type="2", name="CLINIC", id_qualifier="46", identifier="CL1"
        ),
        provider=Entity(
            entity_code="1P",
            entity_type="2",
            name="CLINIC",
            id_qualifier="XX",
            identifier="1234567893",
        ),
        subscriber=Entity(
            entity_code="IL", name="DOE", first_name="JANE", id_qualifier="MI", identifier="M1"
        ),
        subscriber_birth_date=date(1980, 2, 3),
        subscriber_sex="F",
        trace_number="T1",
        patient_control_number="PCN1",
        charge_amount=Decimal("150.00"),
        service_date=date(2024, 4, 1),
    )
    return base.model_copy(update=changes)


def test_own_claims_come_before_dependents_and_order_is_kept() -> None:
    kid = Entity(entity_code="QC", name="DOE", first_name="KID", id_qualifier="MI", identifier="M2")
    dependent = _request(
        trace_number="T2",
        patient=kid,
        patient_birth_date=date(2015, 1, 1),
        subscriber_birth_date=None,
        subscriber_sex=None,
    )
    batch = [_request(), _request(trace_number="T3"), dependent]
    text = write_276(batch, HEADER)
    hls = [line for line in text.splitlines() if line.startswith("HL*")]
    assert hls[3:] == ["HL*4*3*22*0~", "HL*5*3*22*1~", "HL*6*5*23~"]
    assert "DTP*472*D8*20240401~" in text and "AMT*T3*150~" in text and "REF*EJ*PCN1~" in text
    read, findings = read_276(text)
    assert findings == [] and read == batch
    reordered = [dependent, _request()]
    read, findings = read_276(write_276(reordered, HEADER))
    assert findings == [] and read == reordered


def test_the_x212_samples_read_claim_by_claim(samples_dir) -> None:
    text = (
        samples_dir / "276" / "LinuxForHealth-x12__information-receiver-level-status.276"
    ).read_text()
    (request,), findings = read_276(text)
    assert findings == []
    # REF*BLT*111, REF*EJ*SM123456, AMT*T3*8513.88, DTP*472*RD8*20050831-20050906
    assert (request.bill_type, request.patient_control_number) == ("111", "SM123456")
    assert request.charge_amount == Decimal("8513.88")
    assert (request.service_date, request.service_date_end) == (date(2005, 8, 31), date(2005, 9, 6))
    assert (
        request.subscriber.identifier,
        request.subscriber_birth_date,
        request.subscriber_sex,
    ) == (
        "123456789A",
        date(1930, 12, 10),
        "M",
    )
    assert (request.payer.identifier, request.receiver.identifier, request.provider.identifier) == (
        "12345",
        "X67E",
        "1666666661",
    )
    ncpdp = (samples_dir / "276" / "LinuxForHealth-x12__claim-level-status-ncpdp.276").read_text()
    (pharmacy,), findings = read_276(ncpdp)
    assert findings == []
    assert (pharmacy.prescription_number, pharmacy.trace_number) == ("7654321", "ABCXYZ1")
    assert pharmacy.charge_amount == Decimal("85.00")


# ------------------------------------------------------------------ the grammar against the guide

REQUEST = """
BHT*0010*13*ABC276XXX*20050915*1425~
HL*1**20*1~
NM1*PR*2*ABC INSURANCE*****PI*12345~
HL*2*1*21*1~
NM1*41*2*XYZ SERVICE*****46*X67E~
HL*3*2*19*1~
NM1*1P*2*HOME HOSPITAL*****XX*1666666661~
HL*4*3*22*1~
NM1*IL*1*SMITH*FRED****MI*123456789A~
HL*5*4*23~
DMG*D8*20100101*F~
NM1*QC*1*SMITH*ANN~
TRN*1*ABCXYZ1~
REF*EJ*SM123456~
AMT*T3*100~
DTP*472*D8*20050831~
SVC*HC:99213*100*****1~
DTP*472*D8*20050831~
"""


def _found(body: str) -> list[tuple[str, str, str | None, int | None]]:
    from x12_support import envelope

    _, findings = read_276(
        envelope(body, transaction_type="276", version="005010X212", functional_id="HR")
    )
    return [
        (f.code, f.segment.segment_id, f.segment.loop, f.segment.element)
        for f in findings
        if f.segment
    ]


def test_a_dependent_claim_request_is_clean() -> None:
    assert _found(REQUEST) == []


def test_a_dependent_without_demographics_and_a_line_without_a_date_are_reported() -> None:
    found = _found(REQUEST.replace("DMG*D8*20100101*F~\n", "").rsplit("DTP*472*D8*20050831~", 1)[0])
    assert ("X12-REQUIRED-SEGMENT", "HL", "2000E", None) in found
    assert ("X12-REQUIRED-SEGMENT", "SVC", "2210E", None) in found


def test_a_provider_level_must_sit_between_receiver_and_subscriber() -> None:
    body = REQUEST.replace("HL*3*2*19*1~\nNM1*1P*2*HOME HOSPITAL*****XX*1666666661~\n", "").replace(
        "HL*4*3*22*1~", "HL*4*2*22*1~"
    )
    found = _found(body)
    assert ("X12-HL-PARENT", "HL", "2000D", 2) in found
    assert ("X12-REQUIRED-SEGMENT", "ST", "2000C", None) in found


def test_unknown_reference_and_amount_qualifiers_are_code_value_errors() -> None:
    found = _found(REQUEST.replace("REF*EJ*", "REF*ZZ*").replace("AMT*T3", "AMT*T9"))
    assert ("X12-CODE-VALUE", "REF", "2200E", 1) in found
    assert ("X12-CODE-VALUE", "AMT", "2200E", 1) in found
