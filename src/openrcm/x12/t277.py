"""277 claim status response (005010X212), and the HL walk the 276, 277 and 277CA share.

Loop layout (277, X212):

    ST BHT
    2000A HL*20  2100A NM1*PR PER?                              payer
    2000B HL*21  2100B NM1*41  2200B TRN STC*                    information receiver
    2000C HL*19  2100C NM1*1P  2200C TRN STC*                    service provider
    2000D HL*22  2100D NM1*IL                                    subscriber
      2200D TRN STC+ REF*1K? REF*BLT? REF*EJ? REF*D9? DTP*472?  one claim
        2220D SVC STC+ REF*FJ? DTP*472                          its lines
    2000E HL*23  2100E NM1*QC  2200E ... as 2200D                dependent (the patient)
    SE

The 277CA (X214) has the same shape with HL*PT patients and batch totals; the 276 (X212)
asks with TRN*1, REF, AMT*T3 and DTP instead of STC. `walk_claims` reads any of the three
into flat per-claim dicts: each carries the payer, receiver, provider and member it sits
under, so readers return one record per claim and writers group consecutive records that
share a parent under one HL. A receiver or provider without claims under it becomes one
record without a patient. `read_entity`/`entity_segments` read and write the NM1 (with N3,
N4, REF) every HL transaction shares, and `read_stc`/`stc_elements` the STC segment.

API: `read_277(source) -> (list[ClaimStatusResponse], list[Finding])`,
`write_277(responses, header) -> str` (GS01 HN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from openrcm.domain.claim_status import (
    ClaimStatusResponse,
    LineStatus,
    StatusCode,
    StatusInformation,
)
from openrcm.domain.eligibility import Entity, Reference
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.x12.envelope import (
    EnvelopeReader,
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import (
    SegmentWriter,
    parse_date,
    parse_date_range,
    x12_amount,
    x12_date,
    x12_date_range,
    x12_text,
)
from openrcm.x12.tokenizer import Segment, _Readable

IMPLEMENTATION = "005010X212"
FUNCTIONAL_ID = "HN"

R = TypeVar("R", bound=BaseModel)


class _Claimed(Protocol):
    @property
    def patient(self) -> Entity | None: ...


C = TypeVar("C", bound=_Claimed)


class BadValue(ValueError):
    """A value a reader cannot use; it becomes a finding on its segment and element."""

    def __init__(self, element: int, message: str) -> None:
        super().__init__(message)
        self.element = element


# ------------------------------------------------------------------ element values


def amount(text: str, element: int) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(element, f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise BadValue(element, f"{text!r} is not an amount")
    return value


def day(text: str, element: int) -> date | None:
    if not text:
        return None
    value = parse_date(text)
    if value is None:
        raise BadValue(element, f"{text!r} is not a date (CCYYMMDD)")
    return value


def dtp_dates(seg: Segment) -> tuple[date, date | None]:
    """DTP03 as a (start, end) pair: D8 a single date, RD8 a range."""
    fmt, text = seg.element(2), seg.element(3)
    if fmt == "RD8":
        pair = parse_date_range(text)
        if pair is None:
            raise BadValue(3, f"{text!r} is not a date range (CCYYMMDD-CCYYMMDD)")
        return pair[0], pair[1] if pair[1] != pair[0] else None
    value = parse_date(text)
    if value is None:
        raise BadValue(3, f"{text!r} is not a date (CCYYMMDD)")
    return value, None


def dtp_elements(start: date, end: date | None) -> tuple[str, str]:
    if end is None or end == start:
        return "D8", x12_date(start)
    return "RD8", x12_date_range(start, end)


def text(value: str | None, width: int) -> str | None:
    return x12_text(value)[:width] if value else None


# ------------------------------------------------------------------ entities


def read_entity(seg: Segment) -> dict[str, Any]:
    """An NM1 as the fields of an `Entity` (N3, N4 and REF are added by `add_to_entity`)."""
    values: dict[str, Any] = {
        "entity_code": seg.element(1),
        "entity_type": seg.element(2) or "1",
        "name": seg.element(3) or None,
        "first_name": seg.element(4) or None,
        "middle_name": seg.element(5) or None,
        "suffix": seg.element(7) or None,
        "id_qualifier": seg.element(8) or None,
        "identifier": seg.element(9) or None,
    }
    if values["identifier"] is None:
        values["id_qualifier"] = None
    elif values["id_qualifier"] is None:
        values["id_qualifier"] = "ZZ"
    return values


def add_to_entity(entity: dict[str, Any], seg: Segment) -> bool:
    """Add an N3, N4 or REF to the entity; False when `seg` is none of those."""
    sid = seg.id
    if sid == "N3":
        entity["address_lines"] = tuple(v for v in (seg.element(1), seg.element(2)) if v)
    elif sid == "N4":
        entity["city"] = seg.element(1) or None
        entity["state"] = seg.element(2) or None
        entity["zip_code"] = seg.element(3) or None
    elif sid == "REF" and seg.element(1) and seg.element(2):
        entity.setdefault("references", []).append(
            Reference(
                qualifier=seg.element(1), value=seg.element(2), description=seg.element(3) or None
            )
        )
    else:
        return False
    return True


def entity(values: dict[str, Any] | None) -> Entity | None:
    if values is None:
        return None
    data = dict(values)
    if "references" in data:
        data["references"] = tuple(data["references"])
    return Entity(**data)


def entity_segments(
    w: SegmentWriter, e: Entity, *, address: bool = True, refs: bool = True
) -> None:
    """NM1 (and N3, N4, REF when the entity has them and the loop takes them)."""
    w.add(
        "NM1",
        e.entity_code,
        e.entity_type,
        text(e.name, 60),
        text(e.first_name, 35),
        text(e.middle_name, 25),
        None,
        text(e.suffix, 10),
        e.id_qualifier,
        e.identifier,
    )
    if refs:
        for r in e.references:
            w.add("REF", r.qualifier, r.value, text(r.description, 80))
    if address:
        if e.address_lines:
            w.add("N3", *(text(line, 55) for line in e.address_lines))
        if e.city or e.state or e.zip_code:
            w.add("N4", text(e.city, 30), e.state, e.zip_code)


# ------------------------------------------------------------------ STC


def read_stc(seg: Segment) -> StatusInformation:
    def codes(n: int) -> StatusCode | None:
        parts = seg.components(n)
        if len(parts) < 2 or not parts[0]:
            return None
        return StatusCode(
            category=parts[0],
            status=parts[1],
            entity=parts[2] if len(parts) > 2 and parts[2] else None,
            code_list_qualifier=parts[3] if len(parts) > 3 and parts[3] else None,
        )

    found = [c for c in (codes(1), codes(10), codes(11)) if c is not None]
    if not found:
        raise BadValue(1, "STC01 has no status category and status code")
    return StatusInformation(
        codes=tuple(found),
        effective_date=day(seg.element(2), 2),
        action_code=seg.element(3) or None,
        charge_amount=amount(seg.element(4), 4),
        paid_amount=amount(seg.element(5), 5),
        adjudication_date=day(seg.element(6), 6),
        payment_method=seg.element(7) or None,
        check_issue_date=day(seg.element(8), 8),
        check_number=seg.element(9) or None,
        message=seg.element(12) or None,
    )


def _composite(code: StatusCode | None) -> tuple[str | None, ...] | None:
    if code is None:
        return None
    return (code.category, code.status, code.entity, code.code_list_qualifier)


def stc_elements(s: StatusInformation, *, dated: bool = True, message: bool = True) -> list[Any]:
    """STC01-STC12; `dated` False leaves out STC02 and `message` False STC12, for the loops
    whose guide marks them not used (277CA provider and service line levels)."""
    codes: list[StatusCode | None] = [*s.codes, None, None]
    return [
        _composite(codes[0]),
        x12_date(s.effective_date) if s.effective_date and dated else None,
        s.action_code,
        x12_amount(s.charge_amount) if s.charge_amount is not None else None,
        x12_amount(s.paid_amount) if s.paid_amount is not None else None,
        x12_date(s.adjudication_date) if s.adjudication_date else None,
        s.payment_method,
        x12_date(s.check_issue_date) if s.check_issue_date else None,
        s.check_number,
        _composite(codes[1]),
        _composite(codes[2]),
        text(s.message, 264) if message else None,
    ]


# ------------------------------------------------------------------ service lines


def read_svc(seg: Segment) -> dict[str, Any]:
    parts = seg.components(1)
    if len(parts) < 2 or not parts[1]:
        raise BadValue(1, "SVC01 has no procedure code")
    charge = amount(seg.element(2), 2)
    if charge is None:
        raise BadValue(2, "SVC02, the line charge, is missing")
    units = seg.element(7)
    return {
        "procedure_qualifier": parts[0],
        "procedure": parts[1],
        "modifiers": tuple(m for m in parts[2:6] if m),
        "charge_amount": charge,
        "paid_amount": amount(seg.element(3), 3),
        "revenue_code": seg.element(4) or None,
        "units": amount(units, 7) if units else None,
        "statuses": [],
    }


def svc_segments(w: SegmentWriter, line: LineStatus, *, paid_default: bool) -> None:
    paid = line.paid_amount
    w.add(
        "SVC",
        (line.procedure_qualifier, line.procedure, *line.modifiers),
        x12_amount(line.charge_amount),
        x12_amount(paid) if paid is not None else ("0" if paid_default else None),
        line.revenue_code,
        None,
        None,
        x12_amount(line.units) if line.units is not None else None,
    )


# ------------------------------------------------------------------ the HL walk


LEVELS = {
    "20": "source",
    "21": "receiver",
    "19": "provider",
    "22": "subscriber",
    "23": "patient",
    "PT": "patient",
}


def walk_claims(ts: TransactionSet, findings: list[Finding]) -> Iterator[dict[str, Any]]:
    """The claims of one 276/277/277CA set as flat dicts of record fields (see the docstring)."""
    head: dict[str, Any] = {"control_number": ts.control_number}
    ctx: dict[str, Any] = {}
    level = ""
    current_entity: dict[str, Any] | None = None
    claim: dict[str, Any] | None = None
    line: dict[str, Any] | None = None
    counts = {"receiver": 0, "provider": 0}

    def finding(seg: Segment, message: str, element: int | None = None) -> None:
        findings.append(
            Finding(
                code="X12-27X-BAD-VALUE",
                severity=Severity.ERROR,
                message=f"{ts.transaction_type} {ts.control_number}: {message}",
                segment=SegmentRef(
                    segment_index=ts.position(seg),
                    segment_id=seg.id[:3],
                    loop=level or None,
                    element=element,
                ),
            )
        )

    def close() -> Iterator[dict[str, Any]]:
        nonlocal claim, line
        if claim is not None:
            claim.update(head)
            claim.update({k: v for k, v in ctx.items() if k not in claim})
            counts["receiver"] += 1
            counts["provider"] += 1
            yield claim
        claim = None
        line = None

    def bare(kind: str) -> Iterator[dict[str, Any]]:
        """A receiver or provider that had no claim under it, as one record."""
        if kind in ctx and counts[kind] == 0:
            record = dict(head)
            record.update(ctx)
            record["_bare"] = kind
            counts["receiver"] += 1
            counts["provider"] += 1
            yield record

    for seg in ts.body:
        sid = seg.id
        try:
            if sid == "BHT":
                head["reference_id"] = seg.element(3)
                head["created_date"] = day(seg.element(4), 4)
                head["created_time"] = seg.element(5) or "0000"
                head["transaction_type_code"] = seg.element(6) or None
            elif sid == "HL":
                yield from close()
                level = LEVELS.get(seg.element(3), seg.element(3))
                current_entity = None
                if level in ("source", "receiver"):
                    yield from bare("provider")
                    yield from bare("receiver")
                    for key in list(ctx):
                        if level == "source" or not key.startswith(("payer", "receipt", "process")):
                            del ctx[key]
                    counts["receiver"] = counts["provider"] = 0
                elif level == "provider":
                    yield from bare("provider")
                    for key in list(ctx):
                        if key.startswith(("provider", "subscriber", "patient")):
                            del ctx[key]
                    counts["provider"] = 0
                elif level == "subscriber":
                    for key in list(ctx):
                        if key.startswith(("subscriber", "patient")):
                            del ctx[key]
                elif level == "patient":
                    for key in list(ctx):
                        if key.startswith("patient"):
                            del ctx[key]
            elif sid == "NM1":
                current_entity = read_entity(seg)
                name = {"source": "payer"}.get(level, level)
                if level in LEVELS.values():
                    ctx[name] = current_entity
            elif sid in ("N3", "N4") and current_entity is not None and claim is None:
                add_to_entity(current_entity, seg)
            elif sid == "DMG" and level in ("subscriber", "patient"):
                ctx[f"{level}_birth_date"] = day(seg.element(2), 2)
                ctx[f"{level}_sex"] = seg.element(3) or None
            elif sid == "TRN":
                number = seg.element(2)
                if level in ("subscriber", "patient"):
                    yield from close()
                    claim = {"_trn": number, "statuses": [], "lines": []}
                elif level == "receiver":
                    ctx["receiver_trace_number"] = number
                    ctx.setdefault("receiver_statuses", [])
                elif level == "provider":
                    ctx["provider_trace_number"] = number
                    ctx.setdefault("provider_statuses", [])
            elif sid == "STC":
                status = read_stc(seg)
                if line is not None:
                    line["statuses"].append(status)
                elif claim is not None:
                    claim["statuses"].append(status)
                elif level in ("receiver", "provider"):
                    ctx.setdefault(f"{level}_statuses", []).append(status)
            elif sid == "REF":
                qualifier, value = seg.element(1), seg.element(2) or None
                if line is not None:
                    if qualifier == "FJ":
                        line["line_control_number"] = value
                elif claim is not None:
                    field = {
                        "1K": "payer_claim_control_number",
                        "D9": "clearinghouse_trace_number",
                        "BLT": "bill_type",
                        "EJ": "patient_control_number",
                    }.get(qualifier)
                    if field:
                        claim[field] = value
                elif current_entity is not None:
                    add_to_entity(current_entity, seg)
            elif sid == "DTP":
                qualifier = seg.element(1)
                start, end = dtp_dates(seg)
                if qualifier == "472":
                    target = line if line is not None else claim
                    if target is not None:
                        target["service_date"] = start
                        target["service_date_end"] = end
                elif level == "source" and qualifier == "050":
                    ctx["payer_receipt_date"] = start
                elif level == "source" and qualifier == "009":
                    ctx["payer_process_date"] = start
            elif sid == "AMT" and claim is not None and seg.element(1) == "T3":
                claim["charge_amount"] = amount(seg.element(2), 2)
            elif sid == "SVC" and claim is not None:
                line = read_svc(seg)
                claim["lines"].append(line)
        except BadValue as bad:
            finding(seg, str(bad), bad.element)
        except ValidationError as error:
            finding(seg, error.errors()[0]["msg"])
    yield from close()
    yield from bare("provider")
    yield from bare("receiver")


def build_records(
    ts: TransactionSet,
    dicts: Iterable[dict[str, Any]],
    make: Callable[[dict[str, Any]], R | None],
    findings: list[Finding],
) -> list[R]:
    out = []
    for values in dicts:
        try:
            record = make(values)
        except (ValidationError, TypeError, KeyError) as error:
            message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
            findings.append(
                Finding(
                    code="X12-27X-INVALID",
                    severity=Severity.ERROR,
                    message=f"{ts.transaction_type} {ts.control_number}: a claim cannot be read: {message}",
                    segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST"),
                )
            )
            continue
        if record is not None:
            out.append(record)
    return out


def line_records(values: list[dict[str, Any]]) -> tuple[LineStatus, ...]:
    return tuple(LineStatus(**{**v, "statuses": tuple(v.get("statuses", ()))}) for v in values)


def read_sets(
    source: str | _Readable,
    transaction_type: str,
    accept: Callable[[TransactionSet], bool],
    read_set: Callable[[TransactionSet, list[Finding]], list[R]],
) -> tuple[list[R], list[Finding]]:
    """Run `read_set` on every set of `transaction_type` that `accept` takes; skip others."""
    reader = EnvelopeReader(source)
    records: list[R] = []
    findings: list[Finding] = []
    for ts in reader:
        if ts.transaction_type != transaction_type or not accept(ts):
            findings.append(
                Finding(
                    code="X12-WRONG-TRANSACTION",
                    severity=Severity.WARNING,
                    message=f"transaction set {ts.control_number} ({ts.transaction_type} {ts.version}) is skipped",
                    segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST", element=1),
                )
            )
            continue
        try:
            records.extend(read_set(ts, findings))
        except ValidationError as error:  # a value no record takes: the set is unusable
            findings.append(_unusable_set(ts, error))
    return records, reader.findings + findings


def _unusable_set(ts: TransactionSet, error: ValidationError) -> Finding:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return Finding(
        code="X12-BAD-VALUE",
        severity=Severity.ERROR,
        message=f"transaction set {ts.control_number} was not read: {where} {first['msg']}",
        segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST", element=1),
    )


def group_runs(records: Sequence[R], key: Callable[[R], Any]) -> list[list[R]]:
    """Consecutive records with equal keys, in order."""
    runs: list[list[R]] = []
    last: Any = object()
    for record in records:
        k = key(record)
        if not runs or k != last:
            runs.append([])
            last = k
        runs[-1].append(record)
    return runs


def subscriber_runs(records: Sequence[C], key: Callable[[C], Any]) -> list[list[C]]:
    """Records under one subscriber HL: consecutive records with equal `key`. A subscriber's
    own claims come before its dependents' HLs, so an own claim (no patient) that follows a
    dependent's opens the subscriber again: records read back in the order they were written."""
    runs: list[list[C]] = []
    last: Any = object()
    dependents_seen = False
    for record in records:
        k = key(record)
        if not runs or k != last or (record.patient is None and dependents_seen):
            runs.append([])
            last, dependents_seen = k, False
        runs[-1].append(record)
        dependents_seen = dependents_seen or record.patient is not None
    return runs


class HLCounter:
    """Numbers HL segments; `open(parent, code, has_children)` writes one and returns its id."""

    def __init__(self, w: SegmentWriter) -> None:
        self.w = w
        self.n = 0

    def open(self, parent: int | None, code: str, children: bool | None) -> int:
        self.n += 1
        child = None if children is None else ("1" if children else "0")
        self.w.add("HL", str(self.n), str(parent) if parent else None, code, child)
        return self.n


# ------------------------------------------------------------------ 277 (X212)


def _response(values: dict[str, Any], *, ca: bool) -> ClaimStatusResponse:
    bare = values.get("_bare")
    trn = values.get("_trn")
    data: dict[str, Any] = {
        "control_number": values["control_number"],
        "reference_id": values.get("reference_id") or "",
        "created_date": values.get("created_date"),
        "created_time": values.get("created_time") or "0000",
        "payer": entity(values.get("payer")),
        "receipt_date": values.get("payer_receipt_date"),
        "process_date": values.get("payer_process_date"),
        "receiver": entity(values.get("receiver")),
        "receiver_trace_number": values.get("receiver_trace_number"),
        "receiver_statuses": tuple(values.get("receiver_statuses", ())),
        "provider": entity(values.get("provider")) if bare != "receiver" else None,
        "provider_trace_number": values.get("provider_trace_number")
        if bare != "receiver"
        else None,
        "provider_statuses": tuple(values.get("provider_statuses", ()))
        if bare != "receiver"
        else (),
    }
    if not bare:
        data.update(
            subscriber=entity(values.get("subscriber")),
            patient=entity(values.get("patient")),
            statuses=tuple(values.get("statuses", ())),
            payer_claim_control_number=values.get("payer_claim_control_number"),
            clearinghouse_trace_number=values.get("clearinghouse_trace_number"),
            bill_type=values.get("bill_type"),
            service_date=values.get("service_date"),
            service_date_end=values.get("service_date_end"),
            lines=line_records(values.get("lines", [])),
        )
        if ca:
            data["patient_control_number"] = trn
        else:
            data["trace_number"] = trn
            data["patient_control_number"] = values.get("patient_control_number")
    return ClaimStatusResponse(**data)


def read_277(source: str | _Readable) -> tuple[list[ClaimStatusResponse], list[Finding]]:
    """Every claim of every 277 (X212) set as a `ClaimStatusResponse`, with reading findings."""

    def read_set(ts: TransactionSet, findings: list[Finding]) -> list[ClaimStatusResponse]:
        return build_records(
            ts, walk_claims(ts, findings), lambda v: _response(v, ca=False), findings
        )

    return read_sets(source, "277", lambda ts: "X214" not in ts.version, read_set)


def write_277(responses: Iterable[ClaimStatusResponse], header: InterchangeHeader) -> str:
    """One interchange (GS01 HN) with one 277 (X212) per run of responses sharing ST02."""
    records = list(responses)
    bodies = [
        TransactionBody(
            "277", _body_277(run, header), IMPLEMENTATION, control_number=run[0].control_number
        )
        for run in group_runs(records, lambda r: r.control_number)
    ]
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def _body_277(records: list[ClaimStatusResponse], header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    first = records[0]
    w.add(
        "BHT",
        "0010",
        "08",
        first.reference_id,
        x12_date(first.created_date),
        first.created_time,
        "DG",
    )
    hl = HLCounter(w)
    for source in group_runs(records, lambda r: r.payer):
        top = hl.open(None, "20", True)
        entity_segments(w, source[0].payer, address=False, refs=False)
        for rec in group_runs(
            source, lambda r: (r.receiver, r.receiver_trace_number, r.receiver_statuses)
        ):
            r0 = rec[0]
            has_children = any(r.provider is not None for r in rec)
            receiver = hl.open(top, "21", has_children)
            entity_segments(w, r0.receiver, address=False, refs=False)
            if r0.receiver_trace_number:
                w.add("TRN", "2", r0.receiver_trace_number)
                for s in r0.receiver_statuses:
                    w.add("STC", *stc_elements(s))
            for prov in group_runs(
                [r for r in rec if r.provider is not None],
                lambda r: (r.provider, r.provider_trace_number, r.provider_statuses),
            ):
                p0 = prov[0]
                claims = [r for r in prov if r.subscriber is not None]
                provider = hl.open(receiver, "19", bool(claims))
                entity_segments(w, p0.provider, address=False, refs=False)  # type: ignore[arg-type]
                if p0.provider_trace_number:
                    w.add("TRN", "1", p0.provider_trace_number)
                    for s in p0.provider_statuses:
                        w.add("STC", *stc_elements(s))
                for member in subscriber_runs(claims, lambda r: r.subscriber):
                    dependents = [r for r in member if r.patient is not None]
                    own = [r for r in member if r.patient is None]
                    sub = hl.open(provider, "22", bool(dependents))
                    entity_segments(w, member[0].subscriber, address=False, refs=False)  # type: ignore[arg-type]
                    for r in own:
                        _claim_277(w, r)
                    for dep in group_runs(dependents, lambda r: r.patient):
                        hl.open(sub, "23", None)
                        entity_segments(w, dep[0].patient, address=False, refs=False)  # type: ignore[arg-type]
                        for r in dep:
                            _claim_277(w, r)
    return w.segments


def _claim_277(w: SegmentWriter, r: ClaimStatusResponse) -> None:
    w.add("TRN", "2", r.trace_number or r.patient_control_number or r.reference_id)
    for s in r.statuses:
        w.add("STC", *stc_elements(s))
    if r.payer_claim_control_number:
        w.add("REF", "1K", r.payer_claim_control_number)
    if r.bill_type:
        w.add("REF", "BLT", r.bill_type)
    if r.patient_control_number:
        w.add("REF", "EJ", r.patient_control_number)
    if r.clearinghouse_trace_number:
        w.add("REF", "D9", r.clearinghouse_trace_number)
    if r.service_date:
        w.add("DTP", "472", *dtp_elements(r.service_date, r.service_date_end))
    for line in r.lines:
        svc_segments(w, line, paid_default=True)
        for s in line.statuses:
            w.add("STC", *stc_elements(s))
        if line.line_control_number:
            w.add("REF", "FJ", line.line_control_number)
        if line.service_date:
            w.add("DTP", "472", *dtp_elements(line.service_date, line.service_date_end))
