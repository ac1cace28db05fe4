"""276 claim status request (005010X212): read into `ClaimStatusRequest`s and write them back.

Loop layout shared by the reader and the writer (the 277 answers in the same shape, see
`t277`, whose HL walk this module reads with):

    ST BHT*0010*13
    2000A HL*20  2100A NM1*PR                                   payer
    2000B HL*21  2100B NM1*41                                   information receiver
    2000C HL*19  2100C NM1*1P                                   service provider
    2000D HL*22 DMG?  2100D NM1*IL                              subscriber
      2200D TRN*1 REF*1K? REF*BLT? REF*LU? REF*6P? REF*EJ? REF*XZ? REF*D9? AMT*T3? DTP*472?
        2210D SVC REF*FJ? DTP*472                               one claim and its lines
    2000E HL*23 DMG  2100E NM1*QC  2200E ... as 2200D            dependent (the patient)
    SE

One `ClaimStatusRequest` is one claim (one 2200 loop). The writer groups consecutive
requests that share ST02, payer, receiver and provider under one ST and HL, a subscriber's
own claims (2200D) and then its dependents' (2000E) under one 2000D, and starts a new 2000D
when a subscriber's own claim follows a dependent's, so records come back in their order.
The subscriber's DMG is written when `subscriber_birth_date` is set (X212 requires it when
the subscriber is the patient); SVC03 (paid) is not used in a 276 and is not written.
DTP*472 is D8 for one day and RD8 for a range.

API: `read_276(source) -> (list[ClaimStatusRequest], list[Finding])`,
`write_276(requests, header) -> str` (GS01 HR).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from openrcm.domain.claim_status import ClaimStatusRequest, LineStatus
from openrcm.domain.finding import Finding, Severity
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, x12_amount, x12_date
from openrcm.x12.t270 import (
    ElementRules,
    Grammar,
    Loop,
    Seg,
    check_structure,
    codes,
    per_loop,
    set_findings,
)
from openrcm.x12.t277 import (
    LEVELS,
    HLCounter,
    build_records,
    dtp_elements,
    entity,
    entity_segments,
    group_runs,
    read_sets,
    subscriber_runs,
    walk_claims,
)
from openrcm.x12.tokenizer import _Readable
from openrcm.x12.validate import SetView, rule

IMPLEMENTATION = "005010X212"
FUNCTIONAL_ID = "HR"

CLAIM_REFS = codes("1K", "BLT", "LU", "6P", "EJ", "XZ", "D9")
PROCEDURE_QUALIFIERS = codes("AD", "ER", "HC", "HP", "IV", "N4", "NU", "WK")


def _claim_loop(letter: str, *, required: bool) -> Loop:
    return Loop(
        f"2200{letter}",
        (
            Seg("TRN", required=True),
            Seg("REF", 7),
            Seg("AMT"),
            Seg("DTP"),
            Loop(
                f"2210{letter}",
                (Seg("SVC", required=True), Seg("REF"), Seg("DTP", required=True)),
                max_use=999_999,
            ),
        ),
        max_use=999_999,
        required=required,
    )


def _level(name: str, first: tuple[Seg, ...], inner: str, tail: tuple[Loop, ...] = ()) -> Loop:
    return Loop(
        name,
        (
            Seg("HL", required=True),
            *first,
            Loop(inner, (Seg("NM1", required=True),), required=True),
            *tail,
        ),
    )


_CLAIMS = ("2200D", "2200E")
_LINES = ("2210D", "2210E")

GRAMMAR_276 = Grammar(
    transaction_type="276",
    header=Loop("HEADER", (Seg("ST"), Seg("BHT", required=True))),
    levels={
        "20": _level("2000A", (), "2100A"),
        "21": _level("2000B", (), "2100B"),
        "19": _level("2000C", (), "2100C"),
        "22": _level("2000D", (Seg("DMG"),), "2100D", (_claim_loop("D", required=False),)),
        "23": _level(
            "2000E", (Seg("DMG", required=True),), "2100E", (_claim_loop("E", required=True),)
        ),
    },
    parents={"20": None, "21": "20", "19": "21", "22": "19", "23": "22"},
    child_codes={
        "20": codes("1"),
        "21": codes("1"),
        "19": codes("1"),
        "22": codes("0", "1"),
        "23": frozenset({"", "0"}),
    },
    required_levels=("20", "21", "19", "22"),
    elements=ElementRules(
        codes={
            ("*", "BHT"): {1: codes("0010"), 2: codes("13")},
            ("2100A", "NM1"): {1: codes("PR"), 2: codes("2"), 8: codes("PI", "XV")},
            ("2100B", "NM1"): {1: codes("41"), 2: codes("1", "2"), 8: codes("46")},
            ("2100C", "NM1"): {1: codes("1P"), 2: codes("1", "2"), 8: codes("FI", "SV", "XX")},
            ("2100D", "NM1"): {1: codes("IL"), 2: codes("1", "2"), 8: codes("24", "II", "MI")},
            ("2100E", "NM1"): {1: codes("QC"), 2: codes("1"), 8: codes("II", "MI")},
            ("*", "DMG"): {1: codes("D8"), 3: codes("F", "M", "U")},
            ("*", "TRN"): {1: codes("1")},
            **per_loop(_CLAIMS, "REF", {1: CLAIM_REFS}),
            **per_loop(_LINES, "REF", {1: codes("FJ")}),
            ("*", "AMT"): {1: codes("T3")},
        },
        required={
            ("*", "BHT"): (1, 2, 3, 4, 5),
            ("*", "HL"): (1, 3),
            ("*", "NM1"): (1, 2, 8, 9),
            ("2100A", "NM1"): (1, 2, 3, 8, 9),
            ("2100B", "NM1"): (1, 2, 3, 8, 9),
            ("2100D", "NM1"): (1, 2, 3, 8, 9),
            ("2100E", "NM1"): (1, 2, 3),
            ("*", "DMG"): (1, 2),
            ("*", "TRN"): (1, 2),
            ("*", "REF"): (1, 2),
            ("*", "AMT"): (1, 2),
            ("*", "SVC"): (1, 2),
            ("*", "DTP"): (1, 2, 3),
        },
        composite={("SVC", 1): PROCEDURE_QUALIFIERS},
        not_used={
            **{(loop, "TRN"): (3, 4) for loop in _CLAIMS},
            **{(loop, "SVC"): (3, 5, 6) for loop in _LINES},
        },
    ),
    dtp_qualifiers={loop: codes("472") for loop in (*_CLAIMS, *_LINES)},
)


@rule(
    "X12-276-STRUCTURE",
    Severity.ERROR,
    "276 (X212) HL hierarchy (payer, receiver, provider, subscriber, dependent) and parents, "
    "loop order and repeats (2200 claims, 2210 lines), required TRN, DMG and DTP*472 on lines, "
    "code values (NM1 by loop, REF 1K/BLT/LU/6P/EJ/XZ/D9, AMT*T3, SVC01 qualifiers), dates.",
    applies_to={"276"},
)
def structure_276(view: SetView) -> Iterator[Finding]:
    yield from check_structure(view.ts, GRAMMAR_276)


# ------------------------------------------------------------------ reading

_EXTRA_REFS = {"6P": "group_number", "XZ": "prescription_number"}


def _extra_refs(ts: TransactionSet) -> list[dict[str, str]]:
    """REF*6P and REF*XZ of each claim (TRN at a subscriber or patient level), in order:
    the fields the shared 277 walk does not read."""
    out: list[dict[str, str]] = []
    level = ""
    in_line = False
    for seg in ts.body:
        sid = seg.id
        if sid == "HL":
            level = LEVELS.get(seg.element(3), seg.element(3))
        elif sid == "TRN" and level in ("subscriber", "patient"):
            out.append({})
            in_line = False
        elif sid == "SVC":
            in_line = True
        elif sid == "REF" and out and not in_line and seg.element(1) in _EXTRA_REFS:
            out[-1][_EXTRA_REFS[seg.element(1)]] = seg.element(2)
    return out


def _sex(value: Any) -> str | None:
    return value if value in ("F", "M", "U") else None


def _request(values: dict[str, Any], extras: Iterator[dict[str, str]]) -> ClaimStatusRequest | None:
    if values.get("_bare"):
        return None  # a receiver or provider without claims: the grammar reports it
    extra = next(extras, {})
    return ClaimStatusRequest(
        control_number=values["control_number"],
        reference_id=values.get("reference_id") or "",
        created_date=values.get("created_date"),
        created_time=values.get("created_time") or "0000",
        payer=entity(values.get("payer")),
        receiver=entity(values.get("receiver")),
        provider=entity(values.get("provider")),
        subscriber=entity(values.get("subscriber")),
        subscriber_birth_date=values.get("subscriber_birth_date"),
        subscriber_sex=_sex(values.get("subscriber_sex")),
        patient=entity(values.get("patient")),
        patient_birth_date=values.get("patient_birth_date"),
        patient_sex=_sex(values.get("patient_sex")),
        trace_number=values.get("_trn") or "",
        payer_claim_control_number=values.get("payer_claim_control_number"),
        bill_type=values.get("bill_type"),
        patient_control_number=values.get("patient_control_number"),
        clearinghouse_trace_number=values.get("clearinghouse_trace_number"),
        group_number=extra.get("group_number"),
        prescription_number=extra.get("prescription_number"),
        charge_amount=values.get("charge_amount"),
        service_date=values.get("service_date"),
        service_date_end=values.get("service_date_end"),
        lines=tuple(
            LineStatus(**{k: v for k, v in line.items() if k != "statuses"})
            for line in values.get("lines", ())
        ),
    )


def _read_set(ts: TransactionSet, findings: list[Finding]) -> list[ClaimStatusRequest]:
    findings.extend(set_findings(ts, GRAMMAR_276))
    walked: list[Finding] = []
    extras = iter(_extra_refs(ts))
    records = build_records(ts, walk_claims(ts, walked), lambda v: _request(v, extras), findings)
    # the walk's value findings repeat the grammar's (dates, amounts); keep the others
    reported = {(f.segment.segment_index if f.segment else 0) for f in findings}
    findings.extend(
        f for f in walked if (f.segment.segment_index if f.segment else 0) not in reported
    )
    return records


def read_276(source: str | _Readable) -> tuple[list[ClaimStatusRequest], list[Finding]]:
    """Every claim of every 276 (X212) set as a `ClaimStatusRequest`, with envelope and guide
    findings. Raises `X12Error` only when the input cannot be read as X12 at all."""
    return read_sets(source, "276", lambda ts: "X212" in ts.version, _read_set)


# ------------------------------------------------------------------ writing


def write_276(requests: Iterable[ClaimStatusRequest], header: InterchangeHeader) -> str:
    """One interchange (GS01 HR) with one 276 per run of requests sharing ST02."""
    bodies = [
        TransactionBody(
            "276", _body(run, header), IMPLEMENTATION, control_number=run[0].control_number
        )
        for run in group_runs(list(requests), lambda r: r.control_number)
    ]
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def _body(records: list[ClaimStatusRequest], header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    first = records[0]
    w.add("BHT", "0010", "13", first.reference_id, x12_date(first.created_date), first.created_time)
    hl = HLCounter(w)
    for by_payer in group_runs(records, lambda r: r.payer):
        top = hl.open(None, "20", True)
        entity_segments(w, by_payer[0].payer, address=False, refs=False)
        for by_receiver in group_runs(by_payer, lambda r: r.receiver):
            receiver = hl.open(top, "21", True)
            entity_segments(w, by_receiver[0].receiver, address=False, refs=False)
            for by_provider in group_runs(by_receiver, lambda r: r.provider):
                provider = hl.open(receiver, "19", True)
                entity_segments(w, by_provider[0].provider, address=False, refs=False)
                for run in subscriber_runs(
                    by_provider, lambda r: (r.subscriber, r.subscriber_birth_date, r.subscriber_sex)
                ):
                    s0 = run[0]
                    dependents = [r for r in run if r.patient is not None]
                    sub = hl.open(provider, "22", bool(dependents))
                    if s0.subscriber_birth_date is not None:
                        w.add("DMG", "D8", x12_date(s0.subscriber_birth_date), s0.subscriber_sex)
                    entity_segments(w, s0.subscriber, address=False, refs=False)
                    for r in run:
                        if r.patient is None:
                            _claim(w, r)
                    for group in group_runs(
                        dependents, lambda r: (r.patient, r.patient_birth_date, r.patient_sex)
                    ):
                        p0 = group[0]
                        hl.open(sub, "23", None)
                        if p0.patient_birth_date is not None:
                            w.add("DMG", "D8", x12_date(p0.patient_birth_date), p0.patient_sex)
                        entity_segments(w, p0.patient, address=False, refs=False)  # type: ignore[arg-type]
                        for r in group:
                            _claim(w, r)
    return w.segments


def _claim(w: SegmentWriter, r: ClaimStatusRequest) -> None:
    """2200D/E: TRN, REFs in the guide's order, AMT*T3, DTP*472, then the 2210 lines."""
    w.add("TRN", "1", r.trace_number)
    for qualifier, value in (
        ("1K", r.payer_claim_control_number),
        ("BLT", r.bill_type),
        ("6P", r.group_number),
        ("EJ", r.patient_control_number),
        ("XZ", r.prescription_number),
        ("D9", r.clearinghouse_trace_number),
    ):
        if value:
            w.add("REF", qualifier, value)
    if r.charge_amount is not None:
        w.add("AMT", "T3", x12_amount(r.charge_amount))
    if r.service_date is not None:
        w.add("DTP", "472", *dtp_elements(r.service_date, r.service_date_end))
    for line in r.lines:
        w.add(
            "SVC",
            (line.procedure_qualifier, line.procedure, *line.modifiers),
            x12_amount(line.charge_amount),
            None,
            line.revenue_code,
            None,
            None,
            x12_amount(line.units) if line.units is not None else None,
        )
        if line.line_control_number:
            w.add("REF", "FJ", line.line_control_number)
        if line.service_date is not None:
            w.add("DTP", "472", *dtp_elements(line.service_date, line.service_date_end))
