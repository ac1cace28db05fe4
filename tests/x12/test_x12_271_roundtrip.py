"""271 eligibility and benefit responses (X279A1): written, checked, read back.

pyx12 4.0.0 has no X279A1 map. Two oracles stand in: our guide grammar (every file we write
has no finding), and pyx12's 4010 X092A1 map for files drawn within what both guides share
(one service type per EB, no EB13, EB12 Y/N/U, one 2120 entity per benefit), re-enveloped
as 4010 the way tests/eligibility does for the 270: pyx12 must then report nothing at all.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_x12_270_roundtrip import days, ids, members, names, payers, providers, references
from test_x12_835_roundtrip import HEADER

from openrcm.domain.eligibility import (
    Benefit,
    BenefitCode,
    EligibilityResponse,
    Entity,
    QualifiedDate,
    Rejection,
)
from openrcm.x12 import read_271, write_271
from openrcm.x12.t270 import SERVICE_TYPES
from openrcm.x12.validate import validate
from pyx12_oracle import pyx12_errors

amounts = st.decimals(min_value=0, max_value=99999, places=2)
COMMON_SERVICE_TYPES = ["1", "30", "33", "35", "47", "48", "50", "86", "88", "98", "AL"]
"""Service types both X092A1 and X279A1 list (X279A1 added GN, C1, MH, UC...)."""
percents = st.decimals(min_value=0, max_value=1, places=2)


def dated(qualifiers: list[str]) -> st.SearchStrategy[QualifiedDate]:
    @st.composite
    def one(draw: st.DrawFn) -> QualifiedDate:
        start = draw(days)
        end = draw(st.none() | st.dates(min_value=start, max_value=date(2027, 12, 31)))
        return QualifiedDate(
            qualifier=draw(st.sampled_from(qualifiers)),
            start_date=start,
            end_date=end if end != start else None,
        )

    return one()


related = st.builds(
    Entity,
    entity_code=st.sampled_from(["P3", "PRP", "1P"]),
    entity_type=st.just("1"),
    name=names,
    first_name=st.none() | names,
    id_qualifier=st.sampled_from(["SV", "XX"]),
    identifier=ids,
)


@st.composite
def benefits(draw: st.DrawFn, level: str, *, shared: bool = False) -> Benefit:
    """One EB loop; `shared` keeps to what X092A1 and X279A1 both allow."""
    quantity = draw(st.none() | st.decimals(min_value=1, max_value=999, places=0))
    procedure = None if shared else draw(st.none() | st.sampled_from(["99213", "97110"]))
    return Benefit(
        code=draw(st.sampled_from(["1", "6", "A", "B", "C", "F", "G", "I", "L", "R"])),
        coverage_level=draw(
            st.none() | st.sampled_from(["IND", "FAM"] if shared else ["IND", "EMP"])
        ),
        service_type_codes=tuple(
            draw(
                st.lists(
                    st.sampled_from(COMMON_SERVICE_TYPES if shared else sorted(SERVICE_TYPES)),
                    max_size=1 if shared else 4,
                    unique=True,
                )
            )
        ),
        insurance_type=draw(st.none() | st.sampled_from(["HM", "PR", "MB", "C1"])),
        plan_description=draw(st.none() | names),
        time_period=draw(st.none() | st.sampled_from(["23", "27", "29", "32"])),
        amount=draw(st.none() | amounts),
        percent=draw(st.none() | percents),
        quantity_qualifier="VS" if quantity is not None else None,
        quantity=quantity,
        authorization_required=draw(st.none() | st.sampled_from(["Y", "N", "U"])),
        in_network=draw(
            st.none() | st.sampled_from(["Y", "N", "U"] if shared else ["Y", "N", "W"])
        ),
        procedure_qualifier="HC" if procedure else None,
        procedure=procedure,
        references=draw(references(["18", "6P", "9F", "G1"])),
        dates=tuple(
            draw(
                st.lists(
                    dated(["292", "348", "349"] if shared else ["292", "346", "348"]), max_size=2
                )
            )
        ),
        messages=tuple(draw(st.lists(names, max_size=2))),
        related_entities=tuple(draw(st.lists(related, max_size=1 if shared else 2))),
        rejections=tuple(
            draw(
                st.lists(
                    st.builds(
                        Rejection,
                        level=st.just(level),
                        valid_request=st.booleans(),
                        reason_code=st.sampled_from(["15", "57"] if shared else ["15", "33", "57"]),
                        follow_up_action=st.sampled_from(["C", "N", "R"]),
                    ),
                    max_size=1,
                )
            )
        ),
    )


def rejections(level: str, reasons: list[str]) -> st.SearchStrategy[list[Rejection]]:
    return st.lists(
        st.builds(
            Rejection,
            level=st.just(level),
            valid_request=st.booleans(),
            reason_code=st.sampled_from(reasons),
            follow_up_action=st.sampled_from(["C", "N", "R"]),
        ),
        max_size=1,
    )


@st.composite
def responses(draw: st.DrawFn, *, shared: bool = False) -> list[EligibilityResponse]:
    """A batch of answers drawn from small pools, with the odd rejection at every level."""
    sources = draw(
        st.lists(
            payers.map(lambda p: p.model_copy(update={"id_qualifier": "PI"})),
            min_size=1,
            max_size=2,
        )
    )
    receivers = draw(st.lists(providers(addressed=not shared), min_size=1, max_size=2))
    subscribers = draw(st.lists(members(dependent=False, trace_type="2"), min_size=1, max_size=2))
    out = []
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(
            st.sampled_from(
                ["subscriber", "dependent", "dependent", "subscriber", "receiver", "source"]
            )
        )
        source_rejections = draw(rejections("source", ["42", "79"])) if shape == "source" else []
        receiver_rejections = (
            draw(rejections("receiver", ["50", "51"])) if shape == "receiver" else []
        )
        subscriber = (
            draw(st.sampled_from(subscribers)) if shape in ("subscriber", "dependent") else None
        )
        dependent = (
            draw(
                members(dependent=True, trace_type="2").map(
                    lambda m: m.model_copy(
                        update={"relationship": m.relationship if m.relationship != "53" else "19"}
                    )
                )
            )
            if shape == "dependent"
            else None
        )
        level = "dependent" if dependent else "subscriber"
        reasons = ["64", "65", "67"] if dependent else ["72", "75"]
        member_rejections = draw(rejections(level, reasons)) if subscriber else []
        out.append(
            EligibilityResponse(
                control_number="0001",
                reference_id="INQ1",
                created_date=date(2024, 5, 6),
                created_time="1200",
                information_source=draw(st.sampled_from(sources)),
                information_receiver=None
                if shape == "source"
                else draw(st.sampled_from(receivers)),
                subscriber=subscriber,
                dependent=dependent,
                rejections=tuple(source_rejections + receiver_rejections + member_rejections),
                dates=tuple(
                    draw(st.lists(dated(["346", "291"] if shared else ["346", "356"]), max_size=2))
                )
                if subscriber
                else (),
                benefits=tuple(draw(st.lists(benefits(level, shared=shared), max_size=4)))
                if subscriber
                else (),
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses())
def test_a_written_271_reads_back_as_the_same_answers(batch: list[EligibilityResponse]) -> None:
    read, findings = read_271(write_271(batch, HEADER))
    assert findings == []
    assert read == batch


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses())
def test_every_271_we_write_passes_the_guide_rules(batch: list[EligibilityResponse]) -> None:
    assert validate(write_271(batch, HEADER)) == []


def as_4010(text: str) -> str:
    """The same file in a 4010 envelope: ISA11 U, ISA12 00401, GS08 004010X092A1, no ST03."""
    isa, rest = text.split("~", 1)
    fields = isa.split("*")
    fields[11], fields[12] = "U", "00401"
    rest = rest.replace("005010X279A1", "004010X092A1")
    rest = re.sub(r"(ST\*\d{3}\*\d+)\*004010X092A1~", r"\1~", rest)
    return "*".join(fields) + "~" + rest


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # pyx12 makes shrinking crawl
)
@given(responses(shared=True))
def test_271s_within_what_4010_shares_pass_pyx12(batch: list[EligibilityResponse]) -> None:
    assert pyx12_errors(as_4010(write_271(batch, HEADER))) == []


def test_pyx12_notices_a_broken_271(samples_dir) -> None:
    text = (samples_dir / "271" / "LinuxForHealth-x12__demo.271").read_text()
    (response,), _ = read_271(text)
    written = as_4010(
        write_271([response.model_copy(update={"benefits": response.benefits[:2]})], HEADER)
    )
    assert pyx12_errors(written) == []
    broken = written.replace("EB*1*", "EB*1*XYZ", 1).replace("NM1*IL*1*", "NM1*IL*7*")
    assert len(pyx12_errors(broken)) >= 2


# ------------------------------------------------------------------ real responses by hand


def test_the_demo_271_gives_plan_copays_in_and_out_of_network_and_the_pcp(samples_dir) -> None:
    text = (samples_dir / "271" / "LinuxForHealth-x12__demo.271").read_text()
    (response,), findings = read_271(text)
    assert findings == []
    assert response.subscriber is not None and response.dependent is None
    assert response.subscriber.entity.identifier == "123456789"
    assert response.subscriber.birth_date == date(1963, 5, 19)
    assert response.dates == (QualifiedDate(qualifier="346", start_date=date(2006, 1, 1)),)
    # EB*1**30**GOLD 123 PLAN / EB*L + LS 2120 / EB*1**1^33^... / EB*B ...*10.00*****Y / *30.00*****N
    assert [b.code for b in response.benefits] == ["1", "L", "1", "B", "B"]
    assert response.has_active_coverage and response.plan_name == "GOLD 123 PLAN"
    (pcp,) = response.benefits_of(BenefitCode.PRIMARY_CARE_PROVIDER)[0].related_entities
    assert (pcp.entity_code, pcp.name, pcp.first_name, pcp.identifier) == (
        "P3",
        "JONES",
        "MARCUS",
        "0202034",
    )
    copays = response.benefits_of(BenefitCode.COPAYMENT, service_type="98")
    assert [(c.amount, c.network, c.time_period) for c in copays] == [
        (Decimal("10.00"), True, "27"),
        (Decimal("30.00"), False, "27"),
    ]
    assert copays[0].service_type_codes == (
        "1",
        "33",
        "35",
        "47",
        "86",
        "88",
        "98",
        "AL",
        "MH",
        "UC",
    )
    assert copays[0].insurance_type == "HM"


def test_the_payer_turns_a_provider_away_with_an_aaa_at_2100b(samples_dir) -> None:
    name = "albmarin-badX12__X279-error-response-from-payer-to-clinic-not-eligible-for-inquiries-with-payer.edi"
    (response,), findings = read_271((samples_dir / "271" / name).read_text())
    assert [f.code for f in findings if f.is_error] == []
    assert response.subscriber is None and response.is_rejected
    assert response.rejections == (
        Rejection(level="receiver", valid_request=True, reason_code="50", follow_up_action="N"),
    )


def test_a_dependent_answer_carries_its_benefits_and_relationship(samples_dir) -> None:
    name = "LinuxForHealth-x12__dependent-health-benefit-check.271"
    (response,), findings = read_271((samples_dir / "271" / name).read_text())
    assert findings == []
    assert response.dependent is not None
    assert (response.dependent.entity.first_name, response.dependent.relationship) == ("MARY", "19")
    assert response.dependent.traces[0].number == "93175-012547"
    assert len(response.benefits) == 5 and response.subscriber.entity.first_name == "JOHN"


# ------------------------------------------------------------------ the grammar against the guide

ANSWER = """
BHT*0022*11*10001234*20060501*1319~
HL*1**20*1~
NM1*PR*2*ABC COMPANY*****PI*842610001~
HL*2*1*21*1~
NM1*1P*2*BONE AND JOINT CLINIC*****SV*2000035~
HL*3*2*22*0~
TRN*2*93175-012547*9877281234~
NM1*IL*1*SMITH*JOHN****MI*123456789~
DMG*D8*19630519*M~
DTP*346*D8*20060101~
EB*1**30**GOLD 123 PLAN~
EB*L~
LS*2120~
NM1*P3*1*JONES*MARCUS****SV*0202034~
LE*2120~
EB*B**1^33*HM*GOLD 123 PLAN*27*10*****Y~
MSG*PLEASE CALL~
"""


def _found(body: str) -> list[tuple[str, str, str | None, int | None]]:
    from x12_support import envelope

    _, findings = read_271(
        envelope(body, transaction_type="271", version="005010X279A1", functional_id="HB")
    )
    return [
        (f.code, f.segment.segment_id, f.segment.loop, f.segment.element)
        for f in findings
        if f.segment
    ]


def test_a_clean_answer_has_no_findings() -> None:
    assert _found(ANSWER) == []


def test_eb_codes_amounts_and_service_types_are_checked() -> None:
    body = ANSWER.replace("EB*B**1^33*HM", "EB*ZZ**1^Q9*HM").replace("*27*10*", "*27*TEN*")
    found = _found(body)
    assert ("X12-CODE-VALUE", "EB", "2110C", 1) in found
    assert ("X12-CODE-VALUE", "EB", "2110C", 3) in found
    assert ("X12-AMOUNT", "EB", "2110C", 7) in found


def test_a_benefit_related_entity_needs_its_ls_and_le() -> None:
    found = _found(ANSWER.replace("LE*2120~\n", ""))
    assert ("X12-REQUIRED-SEGMENT", "EB", "2110C", None) in found


def test_eleven_messages_are_one_too_many_and_a_message_before_a_date_is_out_of_order() -> None:
    found = _found(ANSWER + "MSG*MORE~\n" * 10)
    assert ("X12-SEGMENT-REPEAT", "MSG", "2110C", None) in found
    found = _found(ANSWER.replace("MSG*PLEASE CALL~", "MSG*PLEASE CALL~\nDTP*292*D8*20060101~"))
    assert ("X12-SEGMENT-ORDER", "DTP", "2110C", None) in found


def test_a_rejection_reason_is_checked_by_level() -> None:
    # 04 (authorized quantity exceeded) answers for the payer (2000A/2100A), not a member
    member = _found(ANSWER.replace("DMG*D8*19630519*M~", "AAA*Y**04*C~\nDMG*D8*19630519*M~"))
    assert ("X12-CODE-VALUE", "AAA", "2100C", 3) in member
    source = _found(
        ANSWER.replace(
            "NM1*PR*2*ABC COMPANY*****PI*842610001~",
            "NM1*PR*2*ABC COMPANY*****PI*842610001~\nAAA*Y**04*C~",
        )
    )
    assert source == []
