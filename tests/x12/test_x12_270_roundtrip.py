"""270 eligibility inquiries (X279A1): written, checked against the guide's rules, read back.

pyx12 4.0.0 ships no 005010X279A1 map (maps.xml names one, the file is absent; only the 4010
X092 maps exist), so the oracle here is our own grammar, pinned to the guide by the tests at
the end: each rule fires on a hand-made violation and stays quiet on the published examples.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_x12_835_roundtrip import HEADER

from openrcm.domain.eligibility import EligibilityRequest, Entity, Member, Reference, Trace
from openrcm.x12 import read_270, write_270
from openrcm.x12.t270 import SERVICE_TYPES
from openrcm.x12.validate import validate

names = st.from_regex(r"[A-Z]{2,12}( [A-Z]{1,8})?", fullmatch=True)
ids = st.from_regex(r"[A-Z0-9]{4,15}", fullmatch=True)
days = st.dates(min_value=date(1930, 1, 1), max_value=date(2026, 12, 31))
service_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
service_types = st.lists(
    st.sampled_from(sorted(SERVICE_TYPES)), min_size=1, max_size=5, unique=True
)


@st.composite
def addresses(draw: st.DrawFn) -> dict[str, object]:
    if not draw(st.booleans()):
        return {}
    return {
        "address_lines": tuple(draw(st.lists(names, min_size=1, max_size=2))),
        "city": draw(names),
        "state": draw(st.sampled_from(["CA", "NY", "TX", "MO"])),
        "zip_code": draw(st.from_regex(r"[0-9]{5}([0-9]{4})?", fullmatch=True)),
    }


def references(qualifiers: list[str]) -> st.SearchStrategy[tuple[Reference, ...]]:
    return st.lists(
        st.builds(Reference, qualifier=st.sampled_from(qualifiers), value=ids),
        max_size=2,
        unique_by=lambda r: r.qualifier,
    ).map(tuple)


payers = st.builds(
    Entity,
    entity_code=st.just("PR"),
    entity_type=st.just("2"),
    name=names,
    id_qualifier=st.sampled_from(["PI", "XV"]),
    identifier=ids,
)


@st.composite
def providers(draw: st.DrawFn, *, addressed: bool = True) -> Entity:
    person = draw(st.booleans())
    return Entity(
        entity_code=draw(st.sampled_from(["1P", "FA"])),
        entity_type="1" if person else "2",
        name=draw(names),
        first_name=draw(names) if person else None,
        id_qualifier="XX",
        identifier=draw(st.from_regex(r"1[0-9]{9}", fullmatch=True)),
        references=draw(references(["4A", "EO", "TJ", "HPI"])),
        **(draw(addresses()) if addressed else {}),
    )


traces = st.builds(
    Trace,
    trace_type=st.just("1"),
    number=ids,
    originator=st.from_regex(r"9[0-9]{9}", fullmatch=True),
    supplemental=st.none() | ids,
)


@st.composite
def members(draw: st.DrawFn, *, dependent: bool, trace_type: str = "1") -> Member:
    born = draw(st.none() | days)
    entity = Entity(
        entity_code="03" if dependent else "IL",
        entity_type="1",
        name=draw(names),
        first_name=draw(st.none() | names),
        middle_name=draw(st.none() | st.from_regex(r"[A-Z]", fullmatch=True)),
        suffix=draw(st.none() | st.sampled_from(["JR", "SR", "III"])),
        id_qualifier=None if dependent else "MI",
        identifier=None if dependent else draw(ids),
        references=draw(references(["6P", "1L", "EJ", "SY"])),
        **draw(addresses()),
    )
    return Member(
        entity=entity,
        birth_date=born,
        sex=draw(st.sampled_from(["F", "M", "U"])) if born else None,
        relationship=draw(
            st.sampled_from(["01", "19", "53"]) if dependent else st.none() | st.just("18")
        ),
        traces=tuple(
            t.model_copy(update={"trace_type": trace_type})
            for t in draw(st.lists(traces, max_size=2))
        ),
    )


@st.composite
def requests(draw: st.DrawFn) -> list[EligibilityRequest]:
    """A batch of inquiries drawn from small pools, so that records share payers, providers
    and subscribers the way a real batch does."""
    sources = draw(st.lists(payers, min_size=1, max_size=2))
    receivers = draw(st.lists(providers(), min_size=1, max_size=2))
    subscribers = draw(st.lists(members(dependent=False), min_size=1, max_size=2))
    out = []
    for _ in range(draw(st.integers(1, 5))):
        start = draw(st.none() | service_days)
        out.append(
            EligibilityRequest(
                control_number="0001",
                reference_id="INQ1",
                created_date=date(2024, 5, 6),
                created_time="1200",
                information_source=draw(st.sampled_from(sources)),
                information_receiver=draw(st.sampled_from(receivers)),
                subscriber=draw(st.sampled_from(subscribers)),
                dependent=draw(st.none() | members(dependent=True)),
                service_type_codes=tuple(draw(service_types)),
                service_date=start,
                service_date_end=draw(st.none() | service_days.filter(lambda d, s=start: d > s))
                if start
                else None,
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_a_written_270_reads_back_as_the_same_inquiries(batch: list[EligibilityRequest]) -> None:
    text = write_270(batch, HEADER)
    read, findings = read_270(text)
    assert findings == []
    assert read == batch


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_every_270_we_write_passes_the_guide_rules(batch: list[EligibilityRequest]) -> None:
    assert validate(write_270(batch, HEADER)) == []


def _inquiry(**changes: object) -> EligibilityRequest:
    base = EligibilityRequest(
        control_number="0001",
        reference_id="INQ1",
        created_date=date(2024, 5, 6),
        information_source=Entity(
            entity_code="PR", entity_type="2", name="ACME", id_qualifier="PI", identifier="ACME1"
        ),
        information_receiver=Entity(
            entity_code="1P",
            entity_type="2",
            name="CLINIC",
            id_qualifier="XX",
            identifier="1234567893",
        ),
        subscriber=Member(
            entity=Entity(
                entity_code="IL", name="DOE", first_name="JANE", id_qualifier="MI", identifier="M1"
            ),
            birth_date=date(1980, 2, 3),
            sex="F",
        ),
        service_type_codes=("30", "98"),
        service_date=date(2024, 5, 6),
    )
    return base.model_copy(update=changes)


def test_dependents_of_one_subscriber_share_its_hl_and_keep_their_order() -> None:
    kid = Member(entity=Entity(entity_code="03", name="DOE", first_name="KID"), relationship="19")
    spouse = Member(
        entity=Entity(entity_code="03", name="DOE", first_name="SAM"), relationship="01"
    )
    batch = [_inquiry(dependent=kid), _inquiry(dependent=spouse), _inquiry()]
    text = write_270(batch, HEADER)
    hls = [line for line in text.splitlines() if line.startswith("HL*")]
    assert hls == [
        "HL*1**20*1~",
        "HL*2*1*21*1~",
        "HL*3*2*22*1~",
        "HL*4*3*23*0~",
        "HL*5*3*23*0~",
        "HL*6*2*22*0~",
    ]
    assert "EQ*30^98~" in text and "DTP*291*D8*20240506~" in text
    read, findings = read_270(text)
    assert findings == [] and read == batch
    assert [r.patient.entity.first_name for r in read] == ["KID", "SAM", "JANE"]


def test_a_270_sample_names_its_dependent_patient(samples_dir) -> None:
    text = (
        samples_dir / "270" / "LinuxForHealth-x12__dependent-commercial-health-insurance.270"
    ).read_text()
    (request,), findings = read_270(text)
    assert findings == []
    assert request.subscriber.entity.identifier == "00000000001"
    assert request.subscriber.entity.name is None
    dependent = request.dependent
    assert dependent is not None
    assert (dependent.entity.name, dependent.entity.first_name) == ("DOE", "JANE")
    assert (dependent.birth_date, dependent.relationship) == (date(1970, 1, 1), "01")
    assert dependent.entity.reference("6P") == "0123456789"
    assert dependent.traces == (
        Trace(number="930000000000", originator="9800000004", supplemental="PD"),
    )
    assert request.information_receiver.reference("4A") == "000111222"
    assert request.information_receiver.city == "SAN MATEO"
    assert (request.service_type_codes, request.service_date) == (("30",), date(2013, 10, 31))


# ------------------------------------------------------------------ the grammar against the guide


def _codes(text: str) -> list[tuple[str, str | None, str | None, int | None]]:
    _, findings = read_270(text)
    return [
        (f.code, f.segment.segment_id, f.segment.loop, f.segment.element)
        for f in findings
        if f.segment is not None
    ]


SUBSCRIBER_270 = """
BHT*0022*13*10001234*20060501*1319~
HL*1**20*1~
NM1*PR*2*ABC COMPANY*****PI*842610001~
HL*2*1*21*1~
NM1*1P*2*BONE AND JOINT CLINIC*****SV*2000035~
HL*3*2*22*0~
TRN*1*93175-012547*9877281234~
NM1*IL*1*SMITH*ROBERT****MI*11122333301~
DMG*D8*19430519~
DTP*291*D8*20060501~
EQ*30~
"""


def _set(body: str) -> str:
    from x12_support import envelope

    return envelope(body, transaction_type="270", version="005010X279A1", functional_id="HS")


def test_the_published_270_example_is_clean() -> None:
    assert _codes(_set(SUBSCRIBER_270)) == []


def test_a_demographic_after_the_inquiry_is_out_of_order() -> None:
    body = SUBSCRIBER_270.replace("DMG*D8*19430519~\n", "") + "DMG*D8*19430519~\n"
    assert ("X12-SEGMENT-ORDER", "DMG", "2110C", None) in _codes(_set(body))


def test_a_subscriber_without_a_name_segment_is_missing_loop_2100c() -> None:
    body = SUBSCRIBER_270.replace("NM1*IL*1*SMITH*ROBERT****MI*11122333301~\n", "")
    found = _codes(_set(body))
    assert ("X12-REQUIRED-SEGMENT", "HL", "2000C", None) in found


def test_unknown_service_types_and_date_qualifiers_are_code_value_errors() -> None:
    body = SUBSCRIBER_270.replace("EQ*30~", "EQ*30^ZZ~").replace("DTP*291", "DTP*999")
    found = _codes(_set(body))
    assert ("X12-CODE-VALUE", "EQ", "2110C", 1) in found
    assert ("X12-CODE-VALUE", "DTP", "2100C", 1) in found


def test_an_hl_under_the_wrong_parent_and_a_third_trace_are_reported() -> None:
    body = SUBSCRIBER_270.replace("HL*3*2*22*0~", "HL*3*1*22*0~").replace(
        "TRN*1*93175-012547*9877281234~",
        "TRN*1*A*9877281234~\nTRN*1*B*9877281234~\nTRN*1*C*98772~",
    )
    found = _codes(_set(body))
    assert ("X12-HL-PARENT", "HL", "2000C", 2) in found
    assert ("X12-SEGMENT-REPEAT", "TRN", "2000C", None) in found
    assert ("X12-ELEMENT-LENGTH", "TRN", "2000C", 3) in found


def test_an_inquiry_with_neither_service_type_nor_procedure_is_incomplete() -> None:
    found = _codes(_set(SUBSCRIBER_270.replace("EQ*30~", "EQ~")))
    assert ("X12-REQUIRED-ELEMENT", "EQ", "2110C", 1) in found
