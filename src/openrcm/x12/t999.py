"""999 implementation acknowledgement (005010X231A1): read, write, and build from findings.

Loop layout shared by the reader and the writer:

    ST*999 AK1                       (the functional group acknowledged: GS01, GS06, GS08)
    2000   AK2                       (one transaction set: ST01, ST02, ST03)
    2100     IK3 CTX?                (a segment in error: id, position in the set, loop, code)
    2110       IK4 CTX?              (an element in error: position, reference no., code, data)
             IK5                     (the set's verdict: A, E, R... and up to five reasons)
           AK9                       (the group's verdict and counts)
    SE

A 999 renders data, as pyx12's ``error_999`` does: validation findings carry the place
(`SegmentRef`) and `acknowledge` only translates their stable codes to the 999's (for
example X12-CODE-VALUE is IK403 7, "invalid code value"; X12-SE-COUNT is IK502 4).
Warnings and info findings do not reject anything and are not reported.

API
---
- `read_999(source) -> (list[FunctionalAck], list[Finding])`.
- `write_999(acks, header) -> str`: one interchange (GS01 FA) with one 999 per item; an item
  is a `FunctionalAck` or a `ReceivedGroup`, which `acknowledge` turns into one first.
- `ReceivedGroup` / `ReceivedSet`: a received functional group, its transaction sets and the
  findings of validating each; `received_groups(source)` validates a file and builds them.
- `acknowledge(group, control_number="0001") -> FunctionalAck`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from openrcm.domain.acknowledgment import (
    ElementError,
    FunctionalAck,
    SegmentError,
    TransactionSetAck,
)
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.x12.envelope import (
    EnvelopeReader,
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, x12_text
from openrcm.x12.tokenizer import Segment, _Readable

IMPLEMENTATION = "005010X231A1"
FUNCTIONAL_ID = "FA"

# finding code -> IK304 (segment), IK403 (element), IK502 (set) or AK905 (group) code
SEGMENT_CODES = {
    "X12-SEGMENT-ID": "1",
    "X12-SEGMENT-OUTSIDE": "2",
    "X12-REQUIRED-SEGMENT": "3",
    "X12-LOOP-REPEAT": "4",
}
ELEMENT_CODES = {
    "X12-REQUIRED-ELEMENT": "1",
    "X12-ELEMENT-COUNT": "3",
    "X12-ELEMENT-LENGTH": "5",
    "X12-AMOUNT": "6",
    "X12-CODE-VALUE": "7",
    "X12-DATE": "8",
}
SET_CODES = {
    "X12-UNKNOWN-TRANSACTION": "1",
    "X12-MISSING-TRAILER": "2",
    "X12-CONTROL-MISMATCH": "3",
    "X12-SE-COUNT": "4",
}
GROUP_CODES = {
    "X12-MISSING-TRAILER": "3",
    "X12-CONTROL-MISMATCH": "4",
    "X12-GE-COUNT": "5",
}
ELEMENT_DEFAULT = "I12"  # implementation pattern match failure: any other element error
SEGMENT_DEFAULT = "8"  # segment has data element errors (with an IK4)


@dataclass(frozen=True, slots=True)
class ReceivedSet:
    """A received transaction set and the findings of validating it (places within the set)."""

    transaction_set_id: str  # ST01
    control_number: str  # ST02
    implementation: str | None = None  # ST03
    findings: Sequence[Finding] = ()


@dataclass(frozen=True, slots=True)
class ReceivedGroup:
    """A received functional group: its GS, its sets and the group-level findings."""

    functional_id: str  # GS01
    control_number: str  # GS06
    version: str | None  # GS08
    transaction_sets: Sequence[ReceivedSet] = ()
    findings: Sequence[Finding] = ()  # GE count, GE02 mismatch, missing GE
    declared_count: int | None = None  # GE01, when present


def received_groups(source: str | _Readable) -> list[ReceivedGroup]:
    """Validate `source` set by set and return its groups with each set's findings."""
    from openrcm.x12.validate import SetView, assign_loops, rules

    chosen = list(rules().values())
    reader = EnvelopeReader(source)
    groups: list[ReceivedGroup] = []
    pending: dict[int, list[ReceivedSet]] = {}
    headers: dict[int, Segment] = {}
    seen = 0
    for ts in reader:
        findings = [f for f in reader.findings[seen:] if f.segment and f.segment.loop == "ST"]
        seen = len(reader.findings)
        view = SetView(ts, assign_loops(ts))
        for r in chosen:
            if r.applies(ts.transaction_type):
                try:
                    findings.extend(r.check(view))
                except Exception:  # a crashing rule must not stop the acknowledgement
                    findings.append(
                        Finding(
                            code="X12-RULE-CRASH",
                            severity=Severity.ERROR,
                            message=f"rule {r.id} failed",
                            segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST"),
                        )
                    )
        gs = ts.group
        key = id(gs)
        if gs is not None:
            headers[key] = gs
        pending.setdefault(key, []).append(
            ReceivedSet(
                ts.transaction_type,
                ts.control_number,
                ts.header.element(3) or None,
                tuple(findings),
            )
        )
    group_findings = [f for f in reader.findings if f.segment and f.segment.loop == "GS"]
    for interchange in reader.interchanges:
        for group in interchange.groups:
            gs = group.header
            mine = [
                f
                for f in group_findings
                if f.segment
                and group.trailer is not None
                and f.segment.segment_index == group.trailer.index
            ]
            if group.trailer is None:
                mine.append(
                    Finding(
                        code="X12-MISSING-TRAILER",
                        severity=Severity.ERROR,
                        message="the group has no GE",
                        segment=SegmentRef(segment_index=gs.index, segment_id="GS", loop="GS"),
                    )
                )
            declared = group.trailer.element(1) if group.trailer is not None else ""
            groups.append(
                ReceivedGroup(
                    functional_id=group.functional_id,
                    control_number=group.control_number,
                    version=group.version or None,
                    transaction_sets=tuple(pending.get(id(gs), ())),
                    findings=tuple(mine),
                    declared_count=int(declared) if declared.isdigit() else None,
                )
            )
    return groups


def _set_ack(received: ReceivedSet) -> TransactionSetAck:
    errors = [f for f in received.findings if f.severity is Severity.ERROR]
    set_codes: list[str] = []
    by_place: dict[tuple[int, str, str | None], dict[str, Any]] = {}
    for f in errors:
        if f.code in SET_CODES and (f.segment is None or f.segment.segment_id in ("ST", "SE")):
            code = SET_CODES[f.code]
            if code not in set_codes:
                set_codes.append(code)
            continue
        ref = f.segment or SegmentRef(segment_index=1, segment_id="ST", loop="ST")
        key = (ref.segment_index, ref.segment_id, ref.loop)
        entry = by_place.setdefault(key, {"code": None, "elements": []})
        if ref.element is not None and f.code not in SEGMENT_CODES:
            entry["elements"].append(
                ElementError(
                    position=min(max(ref.element, 1), 99),
                    component=ref.component,
                    error_code=ELEMENT_CODES.get(f.code, ELEMENT_DEFAULT),
                )
            )
        elif entry["code"] is None:
            entry["code"] = SEGMENT_CODES.get(f.code, SEGMENT_DEFAULT)
    segment_errors = []
    for (position, segment_id, loop), entry in by_place.items():
        elements = tuple(entry["elements"][:99])
        code = entry["code"] or "8"
        if code == "8" and not elements:
            code = "I6"  # an implementation-guide rule on the segment as a whole
        segment_errors.append(
            SegmentError(
                segment_id=(segment_id or "ST")[:3].ljust(2, "X"),
                position=max(position, 1),
                loop=_loop_code(loop),
                error_code=code,
                elements=elements,
            )
        )
    if segment_errors:
        set_codes.append("5")
    rejected = bool(segment_errors or set_codes)
    return TransactionSetAck(
        transaction_set_id=received.transaction_set_id[:3].ljust(3, "0"),
        control_number=received.control_number[:9] or "0",
        implementation_reference=received.implementation,
        status="R" if rejected else "A",
        error_codes=tuple(set_codes[:5]),
        segment_errors=tuple(segment_errors),
    )


def _loop_code(loop: str | None) -> str | None:
    """IK303 is a loop identifier such as 2300; envelope and header names are left out."""
    if loop and loop[:1].isdigit():
        return loop[:4]  # IK303 holds at most four characters: 2010AA is reported as 2010
    return None


def acknowledge(group: ReceivedGroup, control_number: str = "0001") -> FunctionalAck:
    """The 999 for one received group: accepted sets, rejected sets and where their errors are."""
    sets = tuple(_set_ack(s) for s in group.transaction_sets)
    group_codes: list[str] = []
    for f in group.findings:
        code = GROUP_CODES.get(f.code)
        if f.severity is Severity.ERROR and code and code not in group_codes:
            group_codes.append(code)
    accepted = sum(1 for s in sets if s.accepted)
    if group_codes or accepted == 0:
        status = "R"
    elif accepted < len(sets):
        status = "P"
    else:
        status = "A"
    return FunctionalAck(
        control_number=control_number,
        functional_id=group.functional_id[:2],
        group_control_number=group.control_number,
        version=group.version,
        transaction_sets=sets,
        status=status,
        included_count=group.declared_count if group.declared_count is not None else len(sets),
        received_count=len(sets),
        accepted_count=accepted if not group_codes else 0,
        group_error_codes=tuple(group_codes[:5]),
    )


# ------------------------------------------------------------------ reading


def read_999(source: str | _Readable) -> tuple[list[FunctionalAck], list[Finding]]:
    """Every 999 transaction set of `source` as a `FunctionalAck`, with the findings of reading."""
    reader = EnvelopeReader(source)
    acks: list[FunctionalAck] = []
    findings: list[Finding] = []
    for ts in reader:
        if ts.transaction_type != "999":
            findings.append(_finding(ts, ts.header, "X12-WRONG-TRANSACTION", "not a 999", None))
            continue
        ack = _read_set(ts, findings)
        if ack is not None:
            acks.append(ack)
    return acks, reader.findings + findings


def _finding(
    ts: TransactionSet,
    seg: Segment,
    code: str,
    message: str,
    loop: str | None,
    element: int | None = None,
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=f"999 {ts.control_number}: {message}",
        segment=SegmentRef(
            segment_index=ts.position(seg), segment_id=seg.id[:3], loop=loop, element=element
        ),
    )


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def _read_set(ts: TransactionSet, findings: list[Finding]) -> FunctionalAck | None:
    head: dict[str, Any] = {"control_number": ts.control_number}
    sets: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    segment: dict[str, Any] | None = None
    for seg in ts.body:
        sid = seg.id
        try:
            if sid == "AK1":
                head["functional_id"] = seg.element(1)
                head["group_control_number"] = seg.element(2)
                head["version"] = seg.element(3) or None
            elif sid == "AK2":
                current = {
                    "transaction_set_id": seg.element(1),
                    "control_number": seg.element(2),
                    "implementation_reference": seg.element(3) or None,
                    "segment_errors": [],
                }
                sets.append(current)
                segment = None
            elif sid == "IK3" and current is not None:
                position = _int(seg.element(2))
                if position is None:
                    raise ValueError(f"IK302 {seg.element(2)!r} is not a segment position")
                segment = {
                    "segment_id": seg.element(1),
                    "position": position,
                    "loop": seg.element(3) or None,
                    "error_code": seg.element(4) or None,
                    "elements": [],
                }
                current["segment_errors"].append(segment)
            elif sid == "IK4" and segment is not None:
                parts = seg.components(1)
                position = _int(parts[0]) if parts else None
                if position is None:
                    raise ValueError(f"IK401 {seg.element(1)!r} is not an element position")
                segment["elements"].append(
                    {
                        "position": position,
                        "component": _int(parts[1]) if len(parts) > 1 else None,
                        "repetition": _int(parts[2]) if len(parts) > 2 else None,
                        "reference_number": seg.element(2) or None,
                        "error_code": seg.element(3),
                        "bad_value": seg.element(4) or None,
                    }
                )
            elif sid == "IK5" and current is not None:
                current["status"] = seg.element(1)
                current["error_codes"] = tuple(c for c in seg.elements[2:7] if c)
                current = None
                segment = None
            elif sid == "AK9":
                head["status"] = seg.element(1)
                for key, n in (("included_count", 2), ("received_count", 3), ("accepted_count", 4)):
                    value = _int(seg.element(n))
                    if value is None:
                        raise ValueError(f"AK9{n:02d} {seg.element(n)!r} is not a count")
                    head[key] = value
                head["group_error_codes"] = tuple(c for c in seg.elements[5:10] if c)
            elif sid != "CTX":
                findings.append(
                    _finding(
                        ts,
                        seg,
                        "X12-999-UNEXPECTED-SEGMENT",
                        f"{sid[:3]} is not expected here",
                        None,
                        severity=Severity.WARNING,
                    )
                )
        except ValueError as error:
            findings.append(_finding(ts, seg, "X12-999-BAD-VALUE", str(error), "2100"))
    try:
        return FunctionalAck(
            **head,
            transaction_sets=tuple(
                TransactionSetAck(
                    **{k: v for k, v in s.items() if k != "segment_errors"},
                    segment_errors=tuple(
                        SegmentError(
                            **{k: v for k, v in e.items() if k != "elements"},
                            elements=tuple(ElementError(**x) for x in e["elements"]),
                        )
                        for e in s["segment_errors"]
                    ),
                )
                for s in sets
            ),
        )
    except (ValidationError, TypeError) as error:
        message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        findings.append(
            _finding(ts, ts.header, "X12-999-INVALID", f"cannot be read: {message}", "ST")
        )
        return None


# ------------------------------------------------------------------ writing


def write_999(acks: Iterable[FunctionalAck | ReceivedGroup], header: InterchangeHeader) -> str:
    """One interchange (GS01 FA) holding one 999 per acknowledgement."""
    bodies = []
    for n, item in enumerate(acks, start=1):
        ack = item if isinstance(item, FunctionalAck) else acknowledge(item, f"{n:04d}")
        bodies.append(
            TransactionBody(
                "999", _body(ack, header), IMPLEMENTATION, control_number=ack.control_number
            )
        )
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def _body(ack: FunctionalAck, header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    w.add("AK1", ack.functional_id, ack.group_control_number, ack.version)
    for s in ack.transaction_sets:
        w.add("AK2", s.transaction_set_id, s.control_number, s.implementation_reference)
        for e in s.segment_errors:
            w.add("IK3", e.segment_id, str(e.position), e.loop, e.error_code)
            for x in e.elements:
                w.add(
                    "IK4",
                    (
                        str(x.position),
                        str(x.component) if x.component is not None else None,
                        str(x.repetition) if x.repetition is not None else None,
                    ),
                    x.reference_number,
                    x.error_code,
                    x12_text(x.bad_value) if x.bad_value else None,
                )
        w.add("IK5", s.status, *s.error_codes)
    w.add(
        "AK9",
        ack.status,
        str(ack.included_count),
        str(ack.received_count),
        str(ack.accepted_count),
        *ack.group_error_codes,
    )
    return w.segments
