"""270 eligibility inquiry (005010X279A1), and the loop grammar the 270, 271 and 276 share.

Loop layout shared by the reader and the writer:

    ST BHT*0022*13
    2000A HL*20  2100A NM1*PR                                      information source (payer)
    2000B HL*21  2100B NM1*1P REF* N3? N4? PRV?                    information receiver
    2000C HL*22  TRN*  2100C NM1*IL REF* N3? N4? PRV? DMG? INS? HI? DTP*291?   subscriber
                   2110C EQ+ (one per service type code, or EQ01 repeated)
    2000D HL*23  TRN*  2100D NM1*03 ... DTP*291?   2110D EQ+                  dependent
    SE

One `EligibilityRequest` is one patient: a subscriber (2000C without children) or a
dependent (2000D) with the subscriber above it. The writer gives each subscriber inquiry its
own 2000C and groups consecutive dependent inquiries of one subscriber under one 2000C, and
consecutive records sharing ST02, the source and the receiver under one ST, 2000A and 2000B,
so reading what it writes gives back the same records in the same order. The service date
goes in DTP*291 of the patient's 2100 loop; the reader also takes it from 2110.

The loop grammar (`Seg`, `Loop`, `Grammar`, `check_structure`) is data the 270, 271 and 276
modules declare and one walker checks: segment order within each loop, maximum use,
required segments and loops, HL parents and HL04 child codes, code values, required
elements, element lengths, dates and amounts. Findings use the codes of `validate`
(X12-REQUIRED-SEGMENT, X12-LOOP-REPEAT, X12-CODE-VALUE, X12-REQUIRED-ELEMENT,
X12-ELEMENT-LENGTH, X12-DATE, X12-AMOUNT, X12-HL-PARENT) plus X12-SEGMENT-ORDER (a known
segment in the wrong place), X12-SEGMENT-UNEXPECTED (a segment the loop does not take) and
X12-SEGMENT-REPEAT (a segment over its maximum use). Each module registers its check as a
`validate.Rule`, and its reader returns the same findings.

API: `read_270(source) -> (list[EligibilityRequest], list[Finding])`,
`write_270(requests, header) -> str` (GS01 HS).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pydantic import ValidationError

from openrcm.domain.eligibility import (
    EligibilityRequest,
    Member,
    QualifiedDate,
    Rejection,
    Trace,
)
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, parse_date, parse_date_range, x12_date
from openrcm.x12.t277 import (
    HLCounter,
    add_to_entity,
    dtp_elements,
    entity,
    entity_segments,
    group_runs,
    read_entity,
    read_sets,
)
from openrcm.x12.tokenizer import Segment, _Readable
from openrcm.x12.validate import SEGMENT_SPECS, SetView, assign_loops, element_lengths, rule

IMPLEMENTATION = "005010X279A1"
FUNCTIONAL_ID = "HS"

R = TypeVar("R")

# ================================================================== loop grammar


@dataclass(frozen=True, slots=True)
class Seg:
    """One segment slot of a loop: its id, its maximum use and whether the loop needs it."""

    id: str
    max_use: int = 1
    required: bool = False


@dataclass(frozen=True, slots=True)
class Loop:
    """A loop: its name and ordered slots (segments and inner loops); slot 0 opens it.

    `wrapped` names an inner loop that must sit between a pair of segments (the 271's
    LS*2120 ... LE*2120 around loop 2120).
    """

    name: str
    slots: tuple[Seg | Loop, ...]
    max_use: int = 1
    required: bool = False
    wrapped: tuple[str, str, str] | None = None  # (opening segment, loop name, closing segment)

    @property
    def opener(self) -> str:
        first = self.slots[0]
        assert isinstance(first, Seg)
        return first.id


@dataclass(frozen=True, slots=True)
class ElementRules:
    """Element-level checks, looked up by (loop, segment id) and then ("*", segment id)."""

    codes: Mapping[tuple[str, str], Mapping[int, frozenset[str]]] = field(default_factory=dict)
    required: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    repeated: Mapping[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    composite: Mapping[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    not_used: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    one_of: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # syntax R: at least one


@dataclass(frozen=True, slots=True)
class Grammar:
    """A transaction set's HL hierarchy: header, one loop per HL03 level, parents, rules."""

    transaction_type: str
    header: Loop
    levels: Mapping[str, Loop]  # HL03 -> the level loop (slot 0 is HL)
    parents: Mapping[str, str | None]  # HL03 -> parent HL03 (None: top level)
    child_codes: Mapping[str, frozenset[str]]  # HL03 -> allowed HL04 ("" = may be empty)
    required_levels: tuple[str, ...]
    elements: ElementRules
    dtp_qualifiers: Mapping[str, frozenset[str]]  # loop -> DTP01 codes


# element n -> (min, max) for the 27x segments `validate.SEGMENT_SPECS` does not cover
LENGTHS: Mapping[str, tuple[tuple[int, int] | None, ...]] = {
    "EB": (
        (1, 2),
        (3, 3),
        (1, 2),
        (1, 3),
        (1, 50),
        (1, 2),
        (1, 18),
        (1, 10),
        (2, 2),
        (1, 15),
        (1, 1),
        (1, 1),
        None,
        None,
    ),
    "EQ": ((1, 2), None, (3, 3), (1, 3), None),
    "AAA": ((1, 1), (1, 2), (2, 2), (1, 1)),
    "MSG": ((1, 264), (2, 2), (1, 9)),
    "TRN": ((1, 2), (1, 50), (10, 10), (1, 50)),
    "INS": ((1, 1), (2, 2), (3, 3), (1, 3)) + (None,) * 12 + ((1, 9),),
    "LS": ((1, 4),),
    "LE": ((1, 4),),
    "SVC": (None, (1, 18), (1, 18), (1, 48), (1, 15), None, (1, 15)),
    "III": ((1, 3), (1, 30), (1, 2), (1, 264), (1, 15), None, (1, 10), None, None),
    "HSD": ((1, 2), (1, 15), (2, 2), (1, 15), (1, 2), (1, 3), (1, 1), (1, 1)),
}
NUMERIC = frozenset({("EB", 7), ("EB", 8), ("EB", 10), ("AMT", 2), ("SVC", 2), ("SVC", 7)})
DATES = frozenset({("BHT", 4), ("DMG", 2)})


@dataclass(slots=True)
class _Frame:
    loop: Loop
    start: Segment
    rank: int = 0
    counts: dict[int, int] = field(default_factory=dict)


class _Checker:
    """Walks one transaction set's body against a `Grammar`, collecting findings."""

    def __init__(self, ts: TransactionSet, grammar: Grammar) -> None:
        self.ts = ts
        self.g = grammar
        self.findings: list[Finding] = []
        self.stack: list[_Frame] = []

    def add(
        self,
        code: str,
        message: str,
        seg: Segment,
        loop: str | None,
        element: int | None = None,
        component: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=f"{self.ts.transaction_type} {self.ts.control_number}: {message}",
                segment=SegmentRef(
                    segment_index=self.ts.position(seg),
                    segment_id=seg.id[:3],
                    loop=loop,
                    element=element,
                    component=component,
                ),
            )
        )

    # ---------------------------------------------------------- structure

    def run(self) -> list[Finding]:
        body = self.ts.body
        numbers: dict[str, str] = {}  # HL01 -> HL03
        expected_children: list[tuple[Segment, str]] = []
        parents_with_children: set[str] = set()
        levels_seen: set[str] = set()
        self.stack = [_Frame(self.g.header, body[0] if body else self.ts.header)]
        skipping = False
        header_bht = False
        for seg in body:
            sid = seg.id
            if sid == "HL":
                self.close_all()
                skipping = False
                level = seg.element(3)
                spec = self.g.levels.get(level)
                if spec is None:
                    self.add(
                        "X12-CODE-VALUE",
                        f"HL03 {level[:4]!r} is not a level of this transaction",
                        seg,
                        None,
                        3,
                    )
                    skipping = True
                    continue
                levels_seen.add(level)
                self.check_hl(seg, level, numbers, parents_with_children, expected_children)
                self.stack = [_Frame(spec, seg, 0, {0: 1})]
                self.check_elements(seg, spec.name)
                continue
            if sid == "BHT":
                header_bht = True
            if skipping:
                continue
            self.place(seg)
        self.close_all()
        if not header_bht:
            self.add("X12-REQUIRED-SEGMENT", "BHT is missing", self.ts.header, "HEADER")
        for level in self.g.required_levels:
            if level not in levels_seen:
                name = self.g.levels[level].name
                self.add(
                    "X12-REQUIRED-SEGMENT",
                    f"loop {name} (HL*{level}) is missing",
                    self.ts.header,
                    name,
                )
        for hl, number in expected_children:
            has = number in parents_with_children
            if hl.element(4) == "1" and not has:
                self.add(
                    "X12-HL-PARENT",
                    f"HL {number} says it has children (HL04 1) but none follows",
                    hl,
                    self.g.levels[hl.element(3)].name,
                    4,
                    severity=Severity.WARNING,  # the X279 examples themselves do this
                )
            elif hl.element(4) == "0" and has:
                self.add(
                    "X12-HL-PARENT",
                    f"HL {number} says it has no children (HL04 0) but has some",
                    hl,
                    self.g.levels[hl.element(3)].name,
                    4,
                )
        return self.findings

    def check_hl(
        self,
        seg: Segment,
        level: str,
        numbers: dict[str, str],
        parents_with_children: set[str],
        expected_children: list[tuple[Segment, str]],
    ) -> None:
        name = self.g.levels[level].name
        number, parent = seg.element(1), seg.element(2)
        if number in numbers:
            self.add("X12-HL-PARENT", f"HL01 {number[:12]!r} is used twice", seg, name, 1)
        elif number.isdigit() and str(len(numbers) + 1) != number:
            self.add(
                "X12-HL-PARENT",
                f"HL01 {number[:12]!r} is out of sequence; expected {len(numbers) + 1}",
                seg,
                name,
                1,
                severity=Severity.WARNING,
            )
        wanted = self.g.parents.get(level)
        if wanted is None:
            if parent:
                self.add("X12-HL-PARENT", f"HL*{level} takes no parent (HL02)", seg, name, 2)
        elif not parent:
            self.add("X12-HL-PARENT", f"HL*{level} needs its parent in HL02", seg, name, 2)
        elif numbers.get(parent) != wanted:
            what = "does not precede it" if parent not in numbers else f"is HL*{numbers[parent]}"
            self.add(
                "X12-HL-PARENT",
                f"HL02 {parent[:12]!r} {what}; HL*{level} sits under HL*{wanted}",
                seg,
                name,
                2,
            )
        if parent:
            parents_with_children.add(parent)
        numbers.setdefault(number, level)
        allowed = self.g.child_codes.get(level, frozenset({"0", "1"}))
        child = seg.element(4)
        if child not in allowed:
            if child:
                self.add("X12-CODE-VALUE", f"HL04 {child!r} is not allowed here", seg, name, 4)
            else:
                self.add("X12-REQUIRED-ELEMENT", "HL04 is required", seg, name, 4)
        if child in ("0", "1"):
            expected_children.append((seg, number))

    def place(self, seg: Segment) -> None:
        """Find the slot of `seg` from the innermost open loop outwards."""
        sid = seg.id
        for depth in range(len(self.stack) - 1, -1, -1):
            frame = self.stack[depth]
            slots = frame.loop.slots
            for k in range(max(frame.rank, 1), len(slots)):
                slot = slots[k]
                if isinstance(slot, Seg):
                    if slot.id != sid:
                        continue
                    self.close_to(depth)
                    if k == frame.rank:
                        frame.counts[k] += 1
                        if frame.counts[k] == slot.max_use + 1:
                            self.add(
                                "X12-SEGMENT-REPEAT",
                                f"{sid} appears more than {slot.max_use} time(s) in loop {frame.loop.name}",
                                seg,
                                frame.loop.name,
                            )
                    else:
                        frame.rank, frame.counts[k] = k, 1
                    self.check_elements(seg, frame.loop.name)
                    return
                if slot.opener != sid:
                    continue
                self.close_to(depth)
                if k == frame.rank:
                    frame.counts[k] += 1
                    if frame.counts[k] == slot.max_use + 1:
                        self.add(
                            "X12-LOOP-REPEAT",
                            f"loop {slot.name} repeats more than {slot.max_use} time(s)",
                            seg,
                            slot.name,
                        )
                else:
                    frame.rank, frame.counts[k] = k, 1
                self.stack.append(_Frame(slot, seg, 0, {0: 1}))
                self.check_elements(seg, slot.name)
                return
        loop = self.stack[-1].loop.name if self.stack else None
        if self.stack and self._known_in(self.stack[0].loop, sid):
            self.add("X12-SEGMENT-ORDER", f"{sid} is out of order in loop {loop}", seg, loop)
        else:
            self.add(
                "X12-SEGMENT-UNEXPECTED",
                f"segment {sid[:3]!r} does not belong in loop {loop}",
                seg,
                loop,
            )

    def _known_in(self, loop: Loop, sid: str) -> bool:
        return any(
            (s.id == sid) if isinstance(s, Seg) else self._known_in(s, sid) for s in loop.slots
        )

    def close_to(self, depth: int) -> None:
        while len(self.stack) > depth + 1:
            self.close(self.stack.pop())

    def close_all(self) -> None:
        while self.stack:
            self.close(self.stack.pop())

    def close(self, frame: _Frame) -> None:
        loop = frame.loop
        for k, slot in enumerate(loop.slots):
            if slot.required and not frame.counts.get(k):
                what = f"segment {slot.id}" if isinstance(slot, Seg) else f"loop {slot.name}"
                self.add(
                    "X12-REQUIRED-SEGMENT",
                    f"{what} is missing from loop {loop.name}",
                    frame.start,
                    loop.name,
                )
        if loop.wrapped is not None:
            opening, inner, closing = loop.wrapped
            index = {(s.id if isinstance(s, Seg) else s.name): k for k, s in enumerate(loop.slots)}
            opened = frame.counts.get(index[opening], 0)
            closed = frame.counts.get(index[closing], 0)
            inside = frame.counts.get(index[inner], 0)
            if opened != closed or (inside and not opened):
                self.add(
                    "X12-REQUIRED-SEGMENT",
                    f"loop {inner} must sit between {opening} and {closing}",
                    frame.start,
                    loop.name,
                )

    # ---------------------------------------------------------- elements

    def check_elements(self, seg: Segment, loop: str) -> None:
        sid = seg.id
        rules = self.g.elements
        for n in rules.required.get((loop, sid), rules.required.get(("*", sid), ())):
            if not seg.element(n):
                self.add("X12-REQUIRED-ELEMENT", f"{sid}{n:02d} is required", seg, loop, n)
        for n in rules.not_used.get((loop, sid), ()):
            if seg.element(n):
                self.add(
                    "X12-ELEMENT-COUNT",
                    f"{sid}{n:02d} is not used in loop {loop}",
                    seg,
                    loop,
                    n,
                    severity=Severity.WARNING,
                )
        wanted = rules.one_of.get(sid)
        if wanted and not any(seg.element(n) for n in wanted):
            names = " or ".join(f"{sid}{n:02d}" for n in wanted)
            self.add("X12-REQUIRED-ELEMENT", f"{names} is required", seg, loop, wanted[0])
        codes = rules.codes.get((loop, sid)) or rules.codes.get(("*", sid)) or {}
        for n, allowed in codes.items():
            value = seg.element(n)
            if value and value not in allowed:
                self.add(
                    "X12-CODE-VALUE",
                    f"{sid}{n:02d} {value[:10]!r} is not a code the guide allows here",
                    seg,
                    loop,
                    n,
                )
        for (rid, n), allowed in rules.repeated.items():
            if rid != sid:
                continue
            for value in seg.repeats(n):
                if value not in allowed:
                    self.add(
                        "X12-CODE-VALUE",
                        f"{sid}{n:02d} repetition {value[:10]!r} is not a code the guide allows",
                        seg,
                        loop,
                        n,
                    )
        for (rid, n), allowed in rules.composite.items():
            if rid == sid and seg.element(n):
                first = seg.component(n, 1)
                if first not in allowed:
                    self.add(
                        "X12-CODE-VALUE",
                        f"{sid}{n:02d}-1 {first[:10]!r} is not a qualifier the guide allows",
                        seg,
                        loop,
                        n,
                        1,
                    )
                if not seg.component(n, 2):
                    self.add("X12-REQUIRED-ELEMENT", f"{sid}{n:02d}-2 is required", seg, loop, n, 2)
        spec = LENGTHS.get(sid)
        if spec is not None and sid not in SEGMENT_SPECS:
            self.check_lengths(seg, loop, spec)
        for n in range(1, len(seg.elements)):
            value = seg.elements[n]
            if not value:
                continue
            if (sid, n) in NUMERIC and not _is_number(value):
                self.add("X12-AMOUNT", f"{sid}{n:02d} {value[:18]!r} is not a number", seg, loop, n)
            elif (sid, n) in DATES and parse_date(value) is None:
                self.add("X12-DATE", f"{sid}{n:02d} {value[:10]!r} is not a date", seg, loop, n)
        if sid == "DTP":
            self.check_dtp(seg, loop)

    def check_lengths(
        self, seg: Segment, loop: str, spec: tuple[tuple[int, int] | None, ...]
    ) -> None:
        sid = seg.id
        if len(seg.elements) - 1 > len(spec):
            self.add(
                "X12-ELEMENT-COUNT",
                f"{sid} has {len(seg.elements) - 1} elements; it takes at most {len(spec)}",
                seg,
                loop,
                len(spec) + 1,
            )
        for n in range(1, min(len(seg.elements), len(spec) + 1)):
            bounds = spec[n - 1]
            if bounds is None or not seg.elements[n]:
                continue
            values = seg.repeats(n) if (sid, n) in self.g.elements.repeated else [seg.elements[n]]
            for value in values:
                if not bounds[0] <= len(value) <= bounds[1]:
                    self.add(
                        "X12-ELEMENT-LENGTH",
                        f"{sid}{n:02d} is {len(value)} characters; it must be {bounds[0]} to {bounds[1]}",
                        seg,
                        loop,
                        n,
                    )
                    break

    def check_dtp(self, seg: Segment, loop: str) -> None:
        allowed = self.g.dtp_qualifiers.get(loop)
        qualifier = seg.element(1)
        if allowed is not None and qualifier not in allowed:
            self.add(
                "X12-CODE-VALUE",
                f"DTP01 {qualifier[:3]!r} is not a date qualifier of loop {loop}",
                seg,
                loop,
                1,
            )
        fmt, text = seg.element(2), seg.element(3)
        if fmt == "D8":
            if parse_date(text) is None or len(text) != 8:
                self.add("X12-DATE", f"DTP03 {text[:17]!r} is not a date (CCYYMMDD)", seg, loop, 3)
        elif fmt == "RD8":
            pair = parse_date_range(text)
            if pair is None or len(text) != 17:
                self.add(
                    "X12-DATE",
                    f"DTP03 {text[:17]!r} is not a range (CCYYMMDD-CCYYMMDD)",
                    seg,
                    loop,
                    3,
                )
            elif pair[1] < pair[0]:
                self.add("X12-DATE", "DTP03 ends before it starts", seg, loop, 3)
        elif fmt:
            self.add("X12-CODE-VALUE", f"DTP02 {fmt[:3]!r} is not D8 or RD8", seg, loop, 2)
        else:
            self.add("X12-REQUIRED-ELEMENT", "DTP02 is required", seg, loop, 2)


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except (InvalidOperation, ValueError):
        return False


def check_structure(ts: TransactionSet, grammar: Grammar) -> list[Finding]:
    """Every implementation-guide finding of `grammar` for one transaction set."""
    return _Checker(ts, grammar).run()


def set_findings(ts: TransactionSet, grammar: Grammar) -> list[Finding]:
    """What a reader reports for one set: the grammar's findings and the generic lengths."""
    view = SetView(ts, assign_loops(ts))
    return check_structure(ts, grammar) + list(element_lengths.check(view))


def codes(*values: str) -> frozenset[str]:
    """A code list; each value may hold several codes separated by spaces."""
    return frozenset(code for value in values for code in value.split())


def per_loop(
    loops: Iterable[str], sid: str, table: Mapping[int, frozenset[str]]
) -> dict[tuple[str, str], Mapping[int, frozenset[str]]]:
    return {(loop, sid): table for loop in loops}


# ================================================================== shared code lists

SERVICE_TYPES = frozenset(
    [str(n) for n in range(1, 29)]
    + ["30"]
    + [str(n) for n in range(32, 100)]
    + [f"A{n}" for n in range(10)]
    + ["AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ", "AK", "AL", "AM", "AN"]
    + ["AO", "AQ", "AR", "B1", "B2", "B3"]
    + [f"B{c}" for c in "ABCDEFGHIJKLMNPQRSTUVWXYZ"]
    + ["C1"]
    + [f"C{c}" for c in "ABCDEFGHIJKLMNOPQ"]
    + ["DG", "DM", "DS", "GF", "GN", "GY", "IC", "MH", "NI", "ON", "PT", "PU", "RN", "RT"]
    + ["TC", "TN", "UC"]
)
"""EQ01 / EB03 service type codes of X279A1."""

COVERAGE_LEVELS = codes("CHD", "DEP", "ECH", "EMP", "ESP", "FAM", "IND", "SPC", "SPO")
PROCEDURE_QUALIFIERS = codes("AD", "CJ", "HC", "ID", "IV", "N4", "ZZ")
SOURCE_NAMES = codes("2B", "36", "GP", "P5", "PR")
SOURCE_IDS = codes("24", "46", "FI", "NI", "PI", "XV", "XX")
RECEIVER_NAMES = codes("1P", "2B", "36", "80", "FA", "GP", "P5", "PR")
RECEIVER_IDS = codes("24", "34", "FI", "PI", "PP", "SV", "XV", "XX")
RECEIVER_REFS = codes(
    "0B", "1C", "1D", "1J", "4A", "CT", "EL", "EO", "HPI", "JD", "N5", "N7", "Q4", "SY", "TJ"
)
MEMBER_REFS = codes(
    "18", "1L", "1W", "3H", "6P", "CT", "EA", "EJ", "F6", "GH", "HJ", "IG", "N6", "NQ", "SY", "Y4"
)
RELATIONSHIPS = codes("01", "19", "20", "21", "39", "40", "53", "G8")
PROVIDER_CODES = codes(
    "AD", "AT", "BI", "CO", "CV", "H", "HH", "LA", "OT", "P1", "P2", "PC", "PE", "R", "RF", "SB"
) | codes("SK", "SU")


def eligibility_elements(
    *, purpose: frozenset[str], traces: frozenset[str], extra: ElementRules | None = None
) -> ElementRules:
    """The element rules the 270 and 271 share; `extra` adds or overrides entries."""
    member = ("2100C", "2100D")
    table: dict[tuple[str, str], Mapping[int, frozenset[str]]] = {
        ("*", "BHT"): {1: codes("0022"), 2: purpose},
        ("*", "HL"): {3: codes("20", "21", "22", "23")},
        ("2100A", "NM1"): {1: SOURCE_NAMES, 2: codes("1", "2"), 8: SOURCE_IDS},
        ("2100B", "NM1"): {1: RECEIVER_NAMES, 2: codes("1", "2"), 8: RECEIVER_IDS},
        ("2100C", "NM1"): {1: codes("IL"), 2: codes("1", "2"), 8: codes("II", "MI")},
        ("2100D", "NM1"): {1: codes("03"), 2: codes("1")},
        ("2100B", "REF"): {1: RECEIVER_REFS},
        ("*", "TRN"): {1: traces},
        ("*", "DMG"): {1: codes("D8"), 3: codes("F", "M", "U")},
        ("2100C", "INS"): {1: codes("Y"), 2: codes("18")},
        ("2100D", "INS"): {1: codes("N"), 2: RELATIONSHIPS},
        ("*", "PRV"): {1: PROVIDER_CODES, 2: codes("9K", "D3", "EI", "HPI", "PXC", "SY", "TJ")},
        **per_loop(member, "REF", {1: MEMBER_REFS}),
    }
    required: dict[tuple[str, str], tuple[int, ...]] = {
        ("*", "BHT"): (1, 2, 3, 4, 5),
        ("*", "HL"): (1, 3),
        ("*", "NM1"): (1, 2),
        ("2100A", "NM1"): (1, 2, 3, 8, 9),
        ("2100B", "NM1"): (1, 2, 8, 9),
        ("*", "REF"): (1, 2),
        ("*", "TRN"): (1, 2, 3),
        ("*", "DMG"): (1, 2),
        ("*", "INS"): (1, 2),
        ("*", "DTP"): (1, 2, 3),
        ("*", "N3"): (1,),
        ("*", "N4"): (1,),
    }
    not_used = {("2100D", "NM1"): (8, 9)}
    rules = ElementRules(codes=table, required=required, not_used=not_used)
    if extra is None:
        return rules
    return ElementRules(
        codes={**rules.codes, **extra.codes},
        required={**rules.required, **extra.required},
        repeated={**rules.repeated, **extra.repeated},
        composite={**rules.composite, **extra.composite},
        not_used={**rules.not_used, **extra.not_used},
        one_of={**rules.one_of, **extra.one_of},
    )


def member_loop(
    letter: str, tail: tuple[Seg | Loop, ...], *, traces: int, rejections: bool = False
) -> Loop:
    """Loop 2000C or 2000D: HL, TRN, then 2100 with the member's segments and then `tail`
    (DTP, MPI and the 2110 loop); `rejections` puts the 271's AAA after N4."""
    aaa = (Seg("AAA", 9),) if rejections else ()
    return Loop(
        f"2000{letter}",
        (
            Seg("HL", required=True),
            Seg("TRN", traces),
            Loop(
                f"2100{letter}",
                (
                    Seg("NM1", required=True),
                    Seg("REF", 9),
                    Seg("N3"),
                    Seg("N4"),
                    *aaa,
                    Seg("PRV"),
                    Seg("DMG"),
                    Seg("INS"),
                    Seg("HI"),
                    *tail,
                ),
                required=True,
            ),
        ),
    )


def _inquiry(letter: str) -> Loop:
    return Loop(
        f"2110{letter}",
        (Seg("EQ", required=True), Seg("AMT", 2), Seg("III", 10), Seg("REF"), Seg("DTP")),
        max_use=99,
    )


GRAMMAR_270 = Grammar(
    transaction_type="270",
    header=Loop("HEADER", (Seg("ST"), Seg("BHT", required=True))),
    levels={
        "20": Loop(
            "2000A",
            (Seg("HL", required=True), Loop("2100A", (Seg("NM1", required=True),), required=True)),
        ),
        "21": Loop(
            "2000B",
            (
                Seg("HL", required=True),
                Loop(
                    "2100B",
                    (Seg("NM1", required=True), Seg("REF", 9), Seg("N3"), Seg("N4"), Seg("PRV")),
                    required=True,
                ),
            ),
        ),
        "22": member_loop("C", (Seg("DTP", 2), _inquiry("C")), traces=2),
        "23": member_loop("D", (Seg("DTP", 2), _inquiry("D")), traces=2),
    },
    parents={"20": None, "21": "20", "22": "21", "23": "22"},
    child_codes={
        "20": codes("1"),
        "21": codes("1"),
        "22": codes("0", "1"),
        "23": codes("0"),
    },
    required_levels=("20", "21", "22"),
    elements=eligibility_elements(
        purpose=codes("01", "13"),
        traces=codes("1"),
        extra=ElementRules(
            codes={
                ("*", "EQ"): {3: COVERAGE_LEVELS},
                ("*", "AMT"): {1: codes("R", "PB")},
            },
            repeated={("EQ", 1): SERVICE_TYPES},
            composite={("EQ", 2): PROCEDURE_QUALIFIERS},
            not_used={("2110C", "EQ"): (4,), ("2110D", "EQ"): (4,)},
            one_of={"EQ": (1, 2)},
        ),
    ),
    dtp_qualifiers={
        "2100C": codes("102", "291"),
        "2100D": codes("102", "291"),
        "2110C": codes("291"),
        "2110D": codes("291"),
    },
)


# ================================================================== the eligibility HL walk


@dataclass(slots=True, eq=False)
class Node:
    """One HL of a 270 or 271, with what its loops said."""

    level: str  # HL03
    number: str  # HL01
    hl: Segment
    entity: dict[str, Any] | None = None
    rejections: list[Rejection] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)
    birth_date: date | None = None
    sex: str | None = None
    relationship: str | None = None
    dates: list[QualifiedDate] = field(default_factory=list)  # 2100 DTP
    service_types: list[str] = field(default_factory=list)  # 270 EQ01
    inquiries: int = 0  # 270 EQ segments
    service_dates: list[tuple[date, date | None]] = field(default_factory=list)  # 270 DTP*291
    benefits: list[dict[str, Any]] = field(default_factory=list)  # 271 EB loops
    children: list[Node] = field(default_factory=list)

    def kids(self, level: str) -> list[Node]:
        return [c for c in self.children if c.level == level]

    @property
    def has_content(self) -> bool:
        """True when the member loop answers or asks something itself (EQ, EB or dates)."""
        return bool(self.inquiries or self.benefits or self.dates)


REJECTION_LEVELS = {"20": "source", "21": "receiver", "22": "subscriber", "23": "dependent"}
PARENT_LEVEL = {"21": "20", "22": "21", "23": "22"}


def _dtp(seg: Segment) -> tuple[date, date | None] | None:
    fmt, text = seg.element(2), seg.element(3)
    if fmt == "RD8":
        pair = parse_date_range(text)
        if pair is None or pair[1] < pair[0]:
            return None
        return pair[0], (pair[1] if pair[1] != pair[0] else None)
    value = parse_date(text) if fmt in ("D8", "") else None
    return (value, None) if value is not None else None


def _rejection(seg: Segment, level: str) -> Rejection | None:
    try:
        return Rejection(
            level=level,
            valid_request=seg.element(1) == "Y",
            reason_code=seg.element(3),
            follow_up_action=seg.element(4) or None,
        )
    except ValidationError:
        return None  # the grammar reports the missing or malformed AAA03


def _trace(seg: Segment) -> Trace | None:
    try:
        return Trace(
            trace_type=seg.element(1) or "1",
            number=seg.element(2),
            originator=seg.element(3) or None,
            supplemental=seg.element(4) or None,
        )
    except ValidationError:
        return None


def parse_number(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def walk_members(
    ts: TransactionSet, on_benefit: Callable[[Node, Segment], dict[str, Any]] | None = None
) -> tuple[dict[str, Any], list[Node]]:
    """The BHT values and the HL tree (information sources at the top) of one 270 or 271.

    Values that cannot be read are left out; the grammar check reports them. A node whose
    HL02 names no earlier HL hangs under the latest node of its parent level.
    """
    head: dict[str, Any] = {"control_number": ts.control_number}
    tops: list[Node] = []
    by_number: dict[str, Node] = {}
    latest: dict[str, Node] = {}
    node: Node | None = None
    benefit: dict[str, Any] | None = None
    related: dict[str, Any] | None = None
    in_2120 = False
    for seg in ts.body:
        sid = seg.id
        if sid == "BHT":
            head["reference_id"] = seg.element(3)
            head["created_date"] = parse_date(seg.element(4))
            head["created_time"] = seg.element(5) or "0000"
            continue
        if sid == "HL":
            level = seg.element(3)
            benefit, related, in_2120 = None, None, False
            if level not in REJECTION_LEVELS:
                node = None
                continue
            node = Node(level=level, number=seg.element(1), hl=seg)
            if level == "20":
                tops.append(node)
            else:
                parent = by_number.get(seg.element(2))
                if parent is None or parent.level != PARENT_LEVEL[level]:
                    parent = latest.get(PARENT_LEVEL[level])
                if parent is None:
                    node = None
                    continue
                parent.children.append(node)
            by_number.setdefault(node.number, node)
            latest[level] = node
            for deeper in ("21", "22", "23"):
                if deeper > level:
                    latest.pop(deeper, None)
            continue
        if node is None:
            continue
        level = node.level
        if sid == "NM1":
            if in_2120 and benefit is not None:
                related = read_entity(seg)
                benefit.setdefault("related_entities", []).append(related)
            elif benefit is None:
                node.entity = read_entity(seg)
        elif sid in ("N3", "N4"):
            target = related if in_2120 else (node.entity if benefit is None else None)
            if target is not None:
                add_to_entity(target, seg)
        elif sid == "REF":
            if benefit is not None and not in_2120:
                if seg.element(1) and seg.element(2):
                    benefit.setdefault("references", []).append(
                        {
                            "qualifier": seg.element(1),
                            "value": seg.element(2),
                            "description": seg.element(3) or None,
                        }
                    )
            elif benefit is None and node.entity is not None and not node.inquiries:
                add_to_entity(node.entity, seg)
        elif sid == "AAA":
            found = _rejection(seg, REJECTION_LEVELS[level])
            if found is not None:
                (
                    benefit.setdefault("rejections", []) if benefit is not None else node.rejections
                ).append(found)
        elif sid == "TRN":
            trace = _trace(seg)
            if trace is not None:
                node.traces.append(trace)
        elif sid == "DMG":
            node.birth_date = parse_date(seg.element(2))
            node.sex = seg.element(3) or None
        elif sid == "INS":
            node.relationship = seg.element(2) or None
        elif sid == "DTP":
            dates = _dtp(seg)
            if dates is None:
                continue
            if seg.element(1) == "291" and on_benefit is None:
                node.service_dates.append(dates)
            else:
                qualified = {
                    "qualifier": seg.element(1),
                    "start_date": dates[0],
                    "end_date": dates[1],
                }
                if benefit is not None:
                    benefit.setdefault("dates", []).append(qualified)
                else:
                    with contextlib.suppress(ValidationError):
                        node.dates.append(QualifiedDate(**qualified))
        elif sid == "EQ":
            node.inquiries += 1
            node.service_types.extend(v for v in seg.repeats(1) if v)
        elif sid == "EB" and on_benefit is not None:
            benefit = on_benefit(node, seg)
            node.benefits.append(benefit)
            related, in_2120 = None, False
        elif sid == "MSG" and benefit is not None and seg.element(1):
            benefit.setdefault("messages", []).append(seg.element(1))
        elif sid == "LS":
            in_2120 = benefit is not None
        elif sid == "LE":
            in_2120, related = False, None
    return head, tops


def member(node: Node) -> Member:
    """The `Member` of a 2000C or 2000D node (a code the guide does not know is left out)."""
    return Member(
        entity=entity(node.entity),
        birth_date=node.birth_date,
        sex=node.sex if node.sex in ("F", "M", "U") else None,
        relationship=node.relationship
        if node.relationship and len(node.relationship) <= 2
        else None,
        traces=tuple(node.traces),
    )


def invalid(ts: TransactionSet, seg: Segment, error: Exception, what: str) -> Finding:
    message = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
    return Finding(
        code="X12-27X-INVALID",
        severity=Severity.ERROR,
        message=f"{ts.transaction_type} {ts.control_number}: {what} cannot be read: {message}",
        segment=SegmentRef(segment_index=ts.position(seg), segment_id=seg.id[:3]),
    )


def patients(
    tops: Sequence[Node], *, bare: bool
) -> Iterator[tuple[Node, Node | None, Node | None, Node | None]]:
    """(source, receiver, subscriber, dependent) for every answerable patient, in file order.

    A subscriber is its own patient when it has no dependents or asks or answers something
    itself; `bare` also yields sources without receivers and receivers without subscribers.
    """
    for source in tops:
        receivers = source.kids("21")
        if not receivers and bare:
            yield source, None, None, None
        for receiver in receivers:
            subscribers = receiver.kids("22")
            if not subscribers and bare:
                yield source, receiver, None, None
            for subscriber in subscribers:
                dependents = subscriber.kids("23")
                if not dependents or subscriber.has_content:
                    yield source, receiver, subscriber, None
                for dependent in dependents:
                    yield source, receiver, subscriber, dependent


# ================================================================== 270


def _request(
    head: dict[str, Any], source: Node, receiver: Node, subscriber: Node, dependent: Node | None
) -> EligibilityRequest:
    patient = dependent or subscriber
    service = patient.service_dates[0] if patient.service_dates else (None, None)
    return EligibilityRequest(
        control_number=head["control_number"],
        reference_id=head.get("reference_id") or "",
        created_date=head.get("created_date"),
        created_time=head.get("created_time") or "0000",
        information_source=entity(source.entity),
        information_receiver=entity(receiver.entity),
        subscriber=member(subscriber),
        dependent=member(dependent) if dependent is not None else None,
        service_type_codes=tuple(patient.service_types),
        service_date=service[0],
        service_date_end=service[1],
    )


def _read_set_270(ts: TransactionSet, findings: list[Finding]) -> list[EligibilityRequest]:
    findings.extend(set_findings(ts, GRAMMAR_270))
    head, tops = walk_members(ts)
    out: list[EligibilityRequest] = []
    for source, receiver, subscriber, dependent in patients(tops, bare=False):
        assert receiver is not None and subscriber is not None
        try:
            out.append(_request(head, source, receiver, subscriber, dependent))
        except (ValidationError, TypeError) as error:
            findings.append(invalid(ts, (dependent or subscriber).hl, error, "an inquiry"))
    return out


def read_270(source: str | _Readable) -> tuple[list[EligibilityRequest], list[Finding]]:
    """Every patient inquiry of every 270 (X279A1) set, with envelope and guide findings.

    Raises `X12Error` only when the input cannot be read as X12 at all.
    """
    return read_sets(source, "270", lambda ts: "X279" in ts.version, _read_set_270)


def write_270(requests: Iterable[EligibilityRequest], header: InterchangeHeader) -> str:
    """One interchange (GS01 HS) with one 270 per run of requests sharing ST02."""
    bodies = [
        TransactionBody(
            "270", _body_270(run, header), IMPLEMENTATION, control_number=run[0].control_number
        )
        for run in group_runs(list(requests), lambda r: r.control_number)
    ]
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def member_head(w: SegmentWriter, m: Member, *, subscriber: bool) -> None:
    """NM1, REF, N3, N4 of a 2100C/2100D loop (DMG and INS come from `member_tail`)."""
    if subscriber:
        entity_segments(w, m.entity)
    else:  # X279A1 does not use NM108/NM109 for a dependent
        entity_segments(w, m.entity.model_copy(update={"id_qualifier": None, "identifier": None}))


def member_tail(w: SegmentWriter, m: Member, *, subscriber: bool) -> None:
    if m.birth_date is not None:
        w.add("DMG", "D8", x12_date(m.birth_date), m.sex)
    if m.relationship:
        w.add("INS", "Y" if subscriber else "N", m.relationship)


def traces(w: SegmentWriter, m: Member) -> None:
    for t in m.traces:
        w.add("TRN", t.trace_type, t.number, t.originator, t.supplemental)


def subscriber_runs(records: Sequence[R], key: Callable[[R], Any]) -> list[list[R]]:
    """The records of each 2000C: a subscriber's own record alone, and consecutive dependents
    with one subscriber `key` together."""
    runs: list[list[R]] = []
    last: Any = None
    for record in records:
        if record.dependent is None:  # type: ignore[attr-defined]
            runs.append([record])
            last = None
            continue
        k = key(record)
        if runs and last is not None and last == k:
            runs[-1].append(record)
        else:
            runs.append([record])
            last = k
    return runs


def _body_270(records: list[EligibilityRequest], header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    first = records[0]
    w.add("BHT", "0022", "13", first.reference_id, x12_date(first.created_date), first.created_time)
    hl = HLCounter(w)
    rep = header.delimiters.repetition
    for by_source in group_runs(records, lambda r: r.information_source):
        top = hl.open(None, "20", True)
        entity_segments(w, by_source[0].information_source, address=False, refs=False)
        for by_receiver in group_runs(by_source, lambda r: r.information_receiver):
            receiver = hl.open(top, "21", True)
            entity_segments(w, by_receiver[0].information_receiver)
            for run in subscriber_runs(by_receiver, lambda r: r.subscriber):
                r0 = run[0]
                dependents = r0.dependent is not None
                sub = hl.open(receiver, "22", dependents)
                traces(w, r0.subscriber)
                member_head(w, r0.subscriber, subscriber=True)
                member_tail(w, r0.subscriber, subscriber=True)
                if not dependents:
                    _inquiry_segments(w, r0, rep)
                    continue
                for r in run:
                    dependent = r.dependent
                    assert dependent is not None  # runs with dependents hold only dependents
                    hl.open(sub, "23", False)
                    traces(w, dependent)
                    member_head(w, dependent, subscriber=False)
                    member_tail(w, dependent, subscriber=False)
                    _inquiry_segments(w, r, rep)
    return w.segments


def _inquiry_segments(w: SegmentWriter, r: EligibilityRequest, rep: str | None) -> None:
    if r.service_date is not None:
        w.add("DTP", "291", *dtp_elements(r.service_date, r.service_date_end))
    codes_ = list(r.service_type_codes)
    if rep:
        for k in range(0, len(codes_), 99):
            w.add("EQ", rep.join(codes_[k : k + 99]))
    else:
        for code in codes_:
            w.add("EQ", code)


@rule(
    "X12-270-STRUCTURE",
    Severity.ERROR,
    "270 (X279A1) loop order and repeats, HL parents, required segments and elements, "
    "code values (NM1, EQ service types, DTP*291, TRN, INS), element lengths, dates.",
    applies_to={"270"},
)
def structure_270(view: SetView) -> Iterator[Finding]:
    yield from check_structure(view.ts, GRAMMAR_270)
