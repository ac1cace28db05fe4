"""271 eligibility and benefit response (005010X279A1): read into `EligibilityResponse`s and write.

Loop layout shared by the reader and the writer:

    ST BHT*0022*11
    2000A HL*20 AAA*   2100A NM1*PR PER* AAA*                        information source
    2000B HL*21        2100B NM1*1P REF* N3? N4? AAA* PRV?            information receiver
    2000C HL*22 TRN*   2100C NM1*IL REF* N3? N4? AAA* PRV? DMG? INS? HI? DTP* MPI?
      2110C EB HSD* REF* DTP* AAA* MSG*  2115C III*  LS*2120  2120C NM1 N3? N4? PER* PRV?  LE*2120
    2000D HL*23 TRN*   2100D NM1*03 ... as 2100C                2110D ... as 2110C
    SE

One `EligibilityResponse` answers for one patient (see `t270` for how subscribers and
dependents become records). Its `rejections` are the AAAs on the way down: source (2000A or
2100A; the writer uses 2100A), receiver (2100B), subscriber (2100C) and dependent (2100D),
in that order; AAAs inside a benefit loop (2110) go to that `Benefit.rejections`. A response
without a receiver or a subscriber is the payer turning the whole inquiry (or the provider)
away; it gets its own 2000A or 2000B. Each `Benefit` is one 2110 loop: EB01 code, coverage
level, service type codes (EB03, repeated with the repetition separator), insurance type,
plan description, time period, amount (EB07), percent (EB08, a fraction), quantity,
authorization and network indicators (EB11, EB12) and procedure (EB13), with REF, DTP, AAA,
MSG and the 2120 benefit-related entities (primary care provider, other payer...).
HSD, III, PER, PRV, HI and MPI are checked but not read into records.

API: `read_271(source) -> (list[EligibilityResponse], list[Finding])`,
`write_271(responses, header) -> str` (GS01 HB).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from openrcm.domain.eligibility import (
    Benefit,
    EligibilityResponse,
    Member,
    QualifiedDate,
    Reference,
    Rejection,
)
from openrcm.domain.finding import Finding, Severity
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, x12_amount, x12_date
from openrcm.x12.t270 import (
    COVERAGE_LEVELS,
    PROCEDURE_QUALIFIERS,
    SERVICE_TYPES,
    ElementRules,
    Grammar,
    Loop,
    Node,
    Seg,
    check_structure,
    codes,
    eligibility_elements,
    invalid,
    member,
    member_head,
    member_loop,
    member_tail,
    parse_number,
    patients,
    per_loop,
    set_findings,
    subscriber_runs,
    traces,
    walk_members,
)
from openrcm.x12.t277 import (
    HLCounter,
    dtp_elements,
    entity,
    entity_segments,
    group_runs,
    read_sets,
    text,
)
from openrcm.x12.tokenizer import Segment, _Readable
from openrcm.x12.validate import SetView, rule

IMPLEMENTATION = "005010X279A1"
FUNCTIONAL_ID = "HB"

# ------------------------------------------------------------------ code lists (X279A1)

BENEFIT_CODES = codes("1 2 3 4 5 6 7 8 A B C CB D E F G H I J K L M MC N O P Q R S T U V W X Y")
INSURANCE_TYPES = codes(
    "12 13 14 15 16 41 42 43 47 AP C1 CO CP D DB EP FF GP HM HN HS IN IP LC LD LI LT MA MB MC MH MI MP OT PE PL PP PR PS QM RP SP TF WC WU"
)
TIME_PERIODS = codes("6 7 13 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36")
QUANTITY_QUALIFIERS = codes("8H 99 CA CE D3 D8 DB DY HS LA LE M2 MN P6 QA S7 S8 VS YY")
BENEFIT_REFS = codes("18 1L 1W 49 6P 9F ALS CLI F6 FO G1 IG M7 N6 NQ")
RELATED_NAMES = codes(
    "13 11 1I 1P 2B 36 73 FA GP GW I3 IL LR OC P3 P4 P5 PR PRP SEP TTP VER VN VY X3 Y2"
)
RELATED_IDS = codes("24 34 46 FA FI II MI NI PI PP SV XV XX")
FOLLOW_UPS = codes("C N P R S W X Y")
AAA_SOURCE = codes("04", "41", "42", "79", "80", "T4")
AAA_RECEIVER = codes("15 41 43 44 45 46 47 48 50 51 79 97 T4")
AAA_MEMBER = codes(
    "15 33 35 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 97 98 AA AE AF AG AO CI E8 IA MA T4"
)
MEMBER_DATES = codes(
    "096 102 152 291 307 318 340 341 342 343 346 347 356 357 382 435 442 458 472 539 540 636 771"
)
BENEFIT_DATES = codes(
    "096 193 194 198 290 291 292 295 304 307 318 346 348 349 356 357 435 472 636 771"
)
CONTACTS = codes("ED", "EM", "EX", "FX", "TE", "UR")


def _aaa(reasons: frozenset[str]) -> dict[int, frozenset[str]]:
    return {1: codes("Y", "N"), 3: reasons, 4: FOLLOW_UPS}


def _benefit_loop(letter: str) -> Loop:
    return Loop(
        f"2110{letter}",
        (
            Seg("EB", required=True),
            Seg("HSD", 9),
            Seg("REF", 9),
            Seg("DTP", 20),
            Seg("AAA", 9),
            Seg("MSG", 10),
            Loop(f"2115{letter}", (Seg("III", required=True),), max_use=10),
            Seg("LS"),
            Loop(
                f"2120{letter}",
                (Seg("NM1", required=True), Seg("N3"), Seg("N4"), Seg("PER", 3), Seg("PRV")),
                max_use=23,
            ),
            Seg("LE"),
        ),
        max_use=999_999,
        wrapped=("LS", f"2120{letter}", "LE"),
    )


_BENEFIT_LOOPS = ("2110C", "2110D")
_RELATED_LOOPS = ("2120C", "2120D")

GRAMMAR_271 = Grammar(
    transaction_type="271",
    header=Loop("HEADER", (Seg("ST"), Seg("BHT", required=True))),
    levels={
        "20": Loop(
            "2000A",
            (
                Seg("HL", required=True),
                Seg("AAA", 9),
                Loop(
                    "2100A",
                    (Seg("NM1", required=True), Seg("PER", 3), Seg("AAA", 9)),
                    required=True,
                ),
            ),
        ),
        "21": Loop(
            "2000B",
            (
                Seg("HL", required=True),
                Loop(
                    "2100B",
                    (
                        Seg("NM1", required=True),
                        Seg("REF", 9),
                        Seg("N3"),
                        Seg("N4"),
                        Seg("AAA", 9),
                        Seg("PRV"),
                    ),
                    required=True,
                ),
            ),
        ),
        "22": member_loop(
            "C", (Seg("DTP", 9), Seg("MPI"), _benefit_loop("C")), traces=3, rejections=True
        ),
        "23": member_loop(
            "D", (Seg("DTP", 9), Seg("MPI"), _benefit_loop("D")), traces=3, rejections=True
        ),
    },
    parents={"20": None, "21": "20", "22": "21", "23": "22"},
    child_codes={
        "20": codes("0", "1"),
        "21": codes("0", "1"),
        "22": codes("0", "1"),
        "23": codes("0"),
    },
    required_levels=("20",),
    elements=eligibility_elements(
        purpose=codes("06", "11"),
        traces=codes("1", "2"),
        extra=ElementRules(
            codes={
                ("2000A", "AAA"): _aaa(AAA_SOURCE),
                ("2100A", "AAA"): _aaa(AAA_SOURCE),
                ("2100B", "AAA"): _aaa(AAA_RECEIVER),
                **per_loop(("2100C", "2100D", *_BENEFIT_LOOPS), "AAA", _aaa(AAA_MEMBER)),
                ("*", "EB"): {
                    1: BENEFIT_CODES,
                    2: COVERAGE_LEVELS,
                    4: INSURANCE_TYPES,
                    6: TIME_PERIODS,
                    9: QUANTITY_QUALIFIERS,
                    11: codes("N", "U", "Y"),
                    12: codes("N", "U", "W", "Y"),
                },
                **per_loop(_BENEFIT_LOOPS, "REF", {1: BENEFIT_REFS}),
                **per_loop(
                    _RELATED_LOOPS, "NM1", {1: RELATED_NAMES, 2: codes("1", "2"), 8: RELATED_IDS}
                ),
                ("*", "LS"): {1: codes("2120")},
                ("*", "LE"): {1: codes("2120")},
                ("*", "PER"): {1: codes("IC"), 3: CONTACTS, 5: CONTACTS, 7: CONTACTS},
            },
            required={
                ("*", "EB"): (1,),
                ("*", "MSG"): (1,),
                ("*", "AAA"): (1, 3, 4),
                ("*", "LS"): (1,),
                ("*", "LE"): (1,),
                ("*", "PER"): (1,),
                ("2100B", "NM1"): (1, 2, 8, 9),
            },
            repeated={("EB", 3): SERVICE_TYPES},
            composite={("EB", 13): PROCEDURE_QUALIFIERS},
            one_of={"EB": (1,)},
        ),
    ),
    dtp_qualifiers={
        "2100C": MEMBER_DATES,
        "2100D": MEMBER_DATES,
        "2110C": BENEFIT_DATES,
        "2110D": BENEFIT_DATES,
    },
)


@rule(
    "X12-271-STRUCTURE",
    Severity.ERROR,
    "271 (X279A1) loop order and repeats (2110 EB loops, LS/LE around 2120), HL parents, "
    "required segments and elements, code values (EB01-EB12, EB03 service types, AAA by loop, "
    "DTP qualifiers by loop), element lengths, dates and amounts.",
    applies_to={"271"},
)
def structure_271(view: SetView) -> Iterator[Finding]:
    yield from check(view.ts)


def check(ts: TransactionSet) -> list[Finding]:
    return check_structure(ts, GRAMMAR_271)


# ------------------------------------------------------------------ reading


def _eb(node: Node, seg: Segment) -> dict[str, Any]:
    """The fields of a `Benefit` from an EB segment (REF, DTP, MSG... are added by the walk)."""
    e = seg.element
    procedure = seg.components(13)
    quantity = parse_number(e(10))
    return {
        "_segment": seg,
        "code": e(1),
        "coverage_level": e(2) or None,
        "service_type_codes": tuple(v for v in seg.repeats(3) if v),
        "insurance_type": e(4) or None,
        "plan_description": e(5) or None,
        "time_period": e(6) or None,
        "amount": parse_number(e(7)),
        "percent": parse_number(e(8)),
        "quantity_qualifier": e(9) or None,
        "quantity": quantity,
        "authorization_required": e(11) or None,
        "in_network": e(12) or None,
        "procedure_qualifier": (procedure[0] or None) if len(procedure) > 1 else None,
        "procedure": (procedure[1] or None) if len(procedure) > 1 else None,
    }


def _benefit(values: dict[str, Any]) -> Benefit:
    data = {k: v for k, v in values.items() if not k.startswith("_")}
    data["references"] = tuple(Reference(**r) for r in data.get("references", ()))
    data["dates"] = tuple(QualifiedDate(**d) for d in data.get("dates", ()))
    data["messages"] = tuple(data.get("messages", ()))
    data["rejections"] = tuple(data.get("rejections", ()))
    data["related_entities"] = tuple(entity(r) for r in data.get("related_entities", ()))
    return Benefit(**data)


def _response(
    ts: TransactionSet,
    head: dict[str, Any],
    path: tuple[Node, Node | None, Node | None, Node | None],
    findings: list[Finding],
) -> EligibilityResponse:
    source, receiver, subscriber, dependent = path
    rejections = [r for n in path if n is not None for r in n.rejections]
    patient = dependent or subscriber
    benefits: list[Benefit] = []
    for values in patient.benefits if patient is not None else ():
        try:
            benefits.append(_benefit(values))
        except (ValidationError, TypeError) as error:
            findings.append(invalid(ts, values["_segment"], error, "a benefit (EB)"))
    return EligibilityResponse(
        control_number=head["control_number"],
        reference_id=head.get("reference_id") or "",
        created_date=head.get("created_date"),
        created_time=head.get("created_time") or "0000",
        information_source=entity(source.entity),
        information_receiver=entity(receiver.entity) if receiver is not None else None,
        subscriber=member(subscriber) if subscriber is not None else None,
        dependent=member(dependent) if dependent is not None else None,
        rejections=tuple(rejections),
        dates=tuple(patient.dates) if patient is not None else (),
        benefits=tuple(benefits),
    )


def _read_set(ts: TransactionSet, findings: list[Finding]) -> list[EligibilityResponse]:
    findings.extend(set_findings(ts, GRAMMAR_271))
    head, tops = walk_members(ts, on_benefit=_eb)
    out: list[EligibilityResponse] = []
    for path in patients(tops, bare=True):
        try:
            out.append(_response(ts, head, path, findings))
        except (ValidationError, TypeError) as error:
            where = next(n for n in reversed(path) if n is not None).hl
            findings.append(invalid(ts, where, error, "a response"))
    return out


def read_271(source: str | _Readable) -> tuple[list[EligibilityResponse], list[Finding]]:
    """Every patient answer of every 271 (X279A1) set, with envelope and guide findings.

    Raises `X12Error` only when the input cannot be read as X12 at all.
    """
    return read_sets(source, "271", lambda ts: "X279" in ts.version, _read_set)


# ------------------------------------------------------------------ writing


def write_271(responses: Iterable[EligibilityResponse], header: InterchangeHeader) -> str:
    """One interchange (GS01 HB) with one 271 per run of responses sharing ST02."""
    if not header.delimiters.repetition:
        raise ValueError("a 271 needs a repetition separator (ISA11) for EB03")
    bodies = [
        TransactionBody(
            "271", _body(run, header), IMPLEMENTATION, control_number=run[0].control_number
        )
        for run in group_runs(list(responses), lambda r: r.control_number)
    ]
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def _at(r: EligibilityResponse, level: str) -> tuple[Rejection, ...]:
    return tuple(x for x in r.rejections if x.level == level)


def _source_key(r: EligibilityResponse) -> Any:
    # a response without a receiver is the whole answer of its 2000A: never shared
    return (
        r.information_source,
        _at(r, "source"),
        object() if r.information_receiver is None else 0,
    )


def _receiver_key(r: EligibilityResponse) -> Any:
    return (r.information_receiver, _at(r, "receiver"), object() if r.subscriber is None else 0)


def _body(records: list[EligibilityResponse], header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    rep = header.delimiters.repetition or "^"
    first = records[0]
    w.add("BHT", "0022", "11", first.reference_id, x12_date(first.created_date), first.created_time)
    hl = HLCounter(w)
    for by_source in group_runs(records, _source_key):
        s0 = by_source[0]
        top = hl.open(None, "20", s0.information_receiver is not None)
        entity_segments(w, s0.information_source, address=False, refs=False)
        _rejections(w, _at(s0, "source"))
        for by_receiver in group_runs(
            [r for r in by_source if r.information_receiver], _receiver_key
        ):
            r0 = by_receiver[0]
            receiver = hl.open(top, "21", r0.subscriber is not None)
            entity_segments(w, r0.information_receiver)  # type: ignore[arg-type]
            _rejections(w, _at(r0, "receiver"))
            members = [r for r in by_receiver if r.subscriber is not None]
            for run in subscriber_runs(members, lambda r: (r.subscriber, _at(r, "subscriber"))):
                m0 = run[0]
                dependents = m0.dependent is not None
                sub = hl.open(receiver, "22", dependents)
                _member(w, m0.subscriber, _at(m0, "subscriber"), subscriber=True)  # type: ignore[arg-type]
                if not dependents:
                    _answer(w, m0, rep)
                    continue
                for r in run:
                    hl.open(sub, "23", False)
                    _member(w, r.dependent, _at(r, "dependent"), subscriber=False)  # type: ignore[arg-type]
                    _answer(w, r, rep)
    return w.segments


def _member(
    w: SegmentWriter, m: Member, rejections: tuple[Rejection, ...], *, subscriber: bool
) -> None:
    traces(w, m)
    member_head(w, m, subscriber=subscriber)
    _rejections(w, rejections)
    member_tail(w, m, subscriber=subscriber)


def _rejections(w: SegmentWriter, rejections: Iterable[Rejection]) -> None:
    for x in rejections:
        w.add("AAA", "Y" if x.valid_request else "N", None, x.reason_code, x.follow_up_action)


def _answer(w: SegmentWriter, r: EligibilityResponse, rep: str) -> None:
    """DTP of the patient's 2100 loop, then one 2110 loop per benefit."""
    for d in r.dates:
        w.add("DTP", d.qualifier, *dtp_elements(d.start_date, d.end_date))
    for b in r.benefits:
        _benefit_segments(w, b, rep)


def _number(value: Any) -> str | None:
    return x12_amount(value) if value is not None else None


def _benefit_segments(w: SegmentWriter, b: Benefit, rep: str) -> None:
    w.add(
        "EB",
        b.code,
        b.coverage_level,
        rep.join(b.service_type_codes) or None,
        b.insurance_type,
        text(b.plan_description, 50),
        b.time_period,
        _number(b.amount),
        _number(b.percent),
        b.quantity_qualifier,
        _number(b.quantity),
        b.authorization_required,
        b.in_network,
        (b.procedure_qualifier or "HC", b.procedure) if b.procedure else None,
    )
    for ref in b.references:
        w.add("REF", ref.qualifier, ref.value, text(ref.description, 80))
    for d in b.dates:
        w.add("DTP", d.qualifier, *dtp_elements(d.start_date, d.end_date))
    _rejections(w, b.rejections)
    for message in b.messages:
        w.add("MSG", text(message, 264))
    if b.related_entities:
        w.add("LS", "2120")
        for e in b.related_entities:
            entity_segments(w, e, refs=False)
        w.add("LE", "2120")
