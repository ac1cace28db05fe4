"""Validation mode: implementation-guide checks that return findings, never raise on bad data.

API
---
- `validate(source) -> list[Finding]`: envelope findings (counts, control numbers, missing
  headers and trailers) plus every registered `Rule` that applies to each transaction set,
  one set at a time. Raises only `X12Error`, for input that cannot be read as X12 at all.
- `Rule(id, severity, description, applies_to, check)`: one registered check; `check(view)`
  yields findings for one `SetView`. `@rule(id, severity, description, applies_to=...)`
  decorates a function into a `Rule`. ``applies_to`` is a set of ST01 values (empty: all).
- `RULES`: the read-only mapping id -> Rule collected from this module and, when present,
  the transaction modules (`t835`, `t999`, `t277ca`, `t270`, `t271`, `t276`, `t277`) that
  define module-level `Rule` objects; `collect(*modules)` builds such a mapping.
- `SetView`: a transaction set with ``loops`` (the loop id of every segment, computed once
  by `assign_loops`) and ``ref(i, element=None)`` to build a `SegmentRef` for segment i.
- `SEGMENT_SPECS`: per segment, the (min, max) length of each element; `X12-ELEMENT-LENGTH`
  and `X12-ELEMENT-COUNT` come from it.

Finding codes (stable, listed in `RULES_DOC`): X12-SE-COUNT, X12-GE-COUNT, X12-IEA-COUNT, X12-CONTROL-MISMATCH,
X12-MISSING-HEADER, X12-MISSING-TRAILER, X12-SEGMENT-OUTSIDE, X12-ISA-LENGTH (envelope);
X12-SEGMENT-ID, X12-ELEMENT-COUNT, X12-ELEMENT-LENGTH, X12-REQUIRED-ELEMENT,
X12-CODE-VALUE, X12-DATE, X12-AMOUNT, X12-REQUIRED-SEGMENT, X12-LOOP-REPEAT, X12-HL-PARENT,
X12-837-CLAIM-TOTAL, X12-UNKNOWN-TRANSACTION, X12-NPI (warning), X12-RULE-CRASH.
"""

from __future__ import annotations

import gc
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType, ModuleType
from typing import Any

from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.x12.envelope import EnvelopeReader, TransactionSet
from openrcm.x12.segments import parse_amount, parse_date, parse_date_range
from openrcm.x12.tokenizer import Segment, _Readable

RULES_DOC = __doc__ or ""

# ---------------------------------------------------------------- segment dictionary
# element n -> (min length, max length); None for an element that is not used.
_L = tuple[int, int] | None
SEGMENT_SPECS: Mapping[str, tuple[_L, ...]] = MappingProxyType(
    {
        "BHT": ((4, 4), (2, 2), (1, 50), (8, 8), (4, 8), (2, 2)),
        "NM1": (
            (2, 3),
            (1, 1),
            (1, 60),
            (1, 35),
            (1, 25),
            (1, 10),
            (1, 10),
            (1, 2),
            (2, 80),
            (2, 2),
            (2, 3),
            (1, 60),
        ),
        "N3": ((1, 55), (1, 55)),
        "N4": ((2, 30), (2, 2), (3, 15), (2, 3), (2, 2), (1, 30), (1, 3)),
        "REF": ((2, 3), (1, 50), (1, 80), None),
        "PER": ((2, 2), (1, 60), (2, 2), (1, 256), (2, 2), (1, 256), (2, 2), (1, 256), (1, 20)),
        "HL": ((1, 12), (1, 12), (1, 2), (1, 1)),
        "PRV": ((1, 3), (2, 3), (1, 50)),
        "SBR": ((1, 1), (2, 2), (1, 50), (1, 60), (1, 3), (1, 1), (1, 1), (2, 2), (1, 2)),
        "PAT": ((2, 2), (1, 2), (2, 3), (1, 35), (2, 3), (1, 35), (1, 2), (1, 10), (1, 1)),
        "DMG": ((2, 3), (1, 35), (1, 1)),
        "CLM": (
            (1, 38),
            (1, 18),
            None,
            None,
            None,
            (1, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            (1, 1),
            None,
            (2, 3),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            (1, 2),
        ),
        "DTP": ((3, 3), (2, 3), (1, 35)),
        "LX": ((1, 6),),
        "SV1": (
            None,
            (1, 18),
            (2, 2),
            (1, 15),
            (1, 2),
            None,
            None,
            None,
            (1, 1),
            None,
            (1, 1),
            (1, 1),
        ),
        "SV2": ((1, 48), None, (1, 18), (2, 2), (1, 15), (1, 10), (1, 18)),
        "AMT": ((1, 3), (1, 18)),
        "CAS": (
            (1, 2),
            (1, 5),
            (1, 18),
            (1, 15),
            (1, 5),
            (1, 18),
            (1, 15),
            (1, 5),
            (1, 18),
            (1, 15),
            (1, 5),
            (1, 18),
            (1, 15),
            (1, 5),
            (1, 18),
            (1, 15),
            (1, 5),
            (1, 18),
            (1, 15),
        ),
        "SVD": ((2, 80), (1, 18), None, (1, 48), (1, 15), (1, 6)),
        "OI": (None, None, (1, 1), (1, 1), None, (1, 1)),
        "CL1": ((1, 1), (1, 1), (1, 2)),
        "NTE": ((3, 3), (1, 80)),
        "LIN": ((1, 20), (2, 2), (1, 48)),
        "CTP": (None, None, None, (1, 15), None),
        # acknowledgements (997 / 999)
        "AK1": ((2, 2), (1, 9), (1, 12)),
        "AK2": ((3, 3), (4, 9), (1, 35)),
        "AK3": ((2, 3), (1, 10), (4, 4), (1, 3)),
        "AK4": (None, (1, 4), (1, 3), (1, 99)),
        "AK5": ((1, 1), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3)),
        "AK9": ((1, 1), (1, 6), (1, 6), (1, 6), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3)),
        "IK3": ((2, 3), (1, 10), (4, 4), (1, 3)),
        "IK4": (None, (1, 4), (1, 3), (1, 99)),
        "IK5": ((1, 1), (1, 3), (1, 3), (1, 3), (1, 3), (1, 3)),
        "BGN": ((2, 2), (1, 50), (8, 8), (4, 8), (2, 2), (1, 50), (2, 2), (1, 2), (1, 2)),
    }
)

_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_GOOD_IDS: set[str] = set()  # ids already seen to match _SEGMENT_ID

ENTITY_CODES_837 = frozenset(
    {
        "41",
        "40",
        "85",
        "87",
        "PE",
        "IL",
        "PR",
        "QC",
        "DN",
        "82",
        "77",
        "DQ",
        "71",
        "72",
        "ZZ",
        "PW",
        "45",
        "P3",
        "2B",
        "36",
        "GB",
        "FA",
        "TT",
        "TL",
        "DK",
        "QB",
        "1P",
    }
)
SEX_CODES = frozenset({"F", "M", "U"})
PRIORITY_CODES = frozenset("PSTABCDEFGHU")
FILING_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "AM",
        "BL",
        "CH",
        "CI",
        "DS",
        "FI",
        "HM",
        "LM",
        "MA",
        "MB",
        "MC",
        "OF",
        "TV",
        "VA",
        "WC",
        "ZZ",
    }
)
DATE_FORMATS = frozenset({"D8", "RD8", "DT", "TM", "RDT"})


# ---------------------------------------------------------------- loops


_837_HL = {"20": "2000A", "22": "2000B", "23": "2000C"}
_837_NAMES_TOP = {
    "41": "1000A",
    "40": "1000B",
    "85": "2010AA",
    "87": "2010AB",
    "PE": "2010AC",
    "IL": "2010BA",
    "PR": "2010BB",
    "QC": "2010CA",
}
_837P_NAMES_CLAIM = {
    "DN": "2310A",
    "P3": "2310A",
    "82": "2310B",
    "77": "2310C",
    "DQ": "2310D",
    "PW": "2310E",
    "45": "2310F",
}
_837I_NAMES_CLAIM = {
    "71": "2310A",
    "72": "2310B",
    "ZZ": "2310C",
    "82": "2310D",
    "77": "2310E",
    "DN": "2310F",
}
_837_NAMES_OTHER = {
    "IL": "2330A",
    "PR": "2330B",
    "DN": "2330C",
    "82": "2330D",
    "77": "2330E",
    "DQ": "2330F",
    "PW": "2330G",
    "45": "2330H",
    "71": "2330C",
    "72": "2330D",
    "ZZ": "2330E",
}
_837P_NAMES_LINE = {
    "82": "2420A",
    "QB": "2420B",
    "77": "2420C",
    "DQ": "2420D",
    "DK": "2420E",
    "DN": "2420F",
    "P3": "2420F",
    "PW": "2420G",
    "45": "2420H",
}
_837I_NAMES_LINE = {"72": "2420A", "ZZ": "2420B", "82": "2420C", "DN": "2420D"}

_835_LOOPS = {("N1", "PR"): "1000A", ("N1", "PE"): "1000B"}


def assign_loops(ts: TransactionSet) -> list[str]:
    """The loop id of each segment of `ts` (ST and SE are "ST"/"SE" ... "HEADER")."""
    kind = ts.transaction_type
    segments = ts.segments
    if kind == "837":
        return _loops_837(segments, institutional="X223" in ts.version or "X096" in ts.version)
    if kind == "835":
        return _loops_835(segments)
    return [
        "HEADER" if seg.id in {"ST", "SE", "BHT", "BGN", "BPR", "TRN"} else "DETAIL"
        for seg in segments
    ]


def _loops_837(segments: list[Segment], institutional: bool) -> list[str]:
    claim_names = _837I_NAMES_CLAIM if institutional else _837P_NAMES_CLAIM
    line_names = _837I_NAMES_LINE if institutional else _837P_NAMES_LINE
    loops: list[str] = []
    loop = "HEADER"
    level = "HEADER"  # the HL level loop, or 2300 / 2320 / 2400 / 2430
    for seg in segments:
        el = seg.elements
        sid = el[0]
        if sid == "HL":
            level = loop = _837_HL.get(el[3] if len(el) > 3 else "", "2000?")
        elif sid == "CLM":
            level = loop = "2300"
        elif sid == "LX":
            level = loop = "2400"
        elif sid == "SBR" and level in {"2300", "2320"}:
            level = loop = "2320"
        elif sid == "SVD" and level in {"2400", "2430"}:
            level = loop = "2430"
        elif sid == "LIN" and level == "2400":
            loop = "2410"
        elif sid == "NM1":
            code = el[1] if len(el) > 1 else ""
            if level in {"HEADER", "2000A", "2000B", "2000C"}:
                loop = _837_NAMES_TOP.get(code, level)
            elif level == "2300":
                loop = claim_names.get(code, "2310?")
            elif level == "2320":
                loop = _837_NAMES_OTHER.get(code, "2330?")
            elif level in {"2400", "2430"}:
                level = "2400"
                loop = line_names.get(code, "2420?")
        elif sid in {"SE", "ST"}:
            loop = sid
        loops.append(loop)
    return loops


def _loops_835(segments: list[Segment]) -> list[str]:
    loops: list[str] = []
    loop = "HEADER"
    for seg in segments:
        sid = seg.id
        if sid == "N1":
            loop = _835_LOOPS.get((sid, seg.element(1)), loop)
        elif sid == "LX":
            loop = "2000"
        elif sid == "CLP":
            loop = "2100"
        elif sid == "SVC":
            loop = "2110"
        elif sid == "PLB" or sid == "SE":
            loop = "SUMMARY" if sid == "PLB" else "SE"
        elif sid == "ST":
            loop = "ST"
        loops.append(loop)
    return loops


@dataclass(slots=True)
class SetView:
    """A transaction set under validation, with the loop of each segment."""

    ts: TransactionSet
    loops: list[str]
    _ids: list[str] | None = None

    @property
    def segments(self) -> list[Segment]:
        return self.ts.segments

    @property
    def ids(self) -> list[str]:
        """The id of every segment (``segments[i].id``), computed once."""
        ids = self._ids
        if ids is None:
            ids = self._ids = [seg.elements[0] for seg in self.ts.segments]
        return ids

    def ref(self, i: int, element: int | None = None, component: int | None = None) -> SegmentRef:
        """The place of segment i (0-based in `segments`) as a 999 reports it."""
        seg = self.ts.segments[i]
        return SegmentRef(
            segment_index=i + 1,
            segment_id=seg.id[:3],
            loop=self.loops[i],
            element=element,
            component=component,
        )

    def finding(
        self,
        code: str,
        severity: Severity,
        message: str,
        i: int,
        element: int | None = None,
        component: int | None = None,
    ) -> Finding:
        return Finding(
            code=code, severity=severity, message=message, segment=self.ref(i, element, component)
        )


# ---------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Rule:
    """One implementation-guide check: a stable id, a severity and what it checks."""

    id: str
    severity: Severity
    description: str
    applies_to: frozenset[str]
    check: Callable[[SetView], Iterable[Finding]]

    def applies(self, transaction_type: str) -> bool:
        return not self.applies_to or transaction_type in self.applies_to


def rule(
    id: str, severity: Severity, description: str, applies_to: Iterable[str] = ()
) -> Callable[[Callable[[SetView], Iterable[Finding]]], Rule]:
    """Make a check function a `Rule`."""

    def wrap(check: Callable[[SetView], Iterable[Finding]]) -> Rule:
        return Rule(
            id=id,
            severity=severity,
            description=description,
            applies_to=frozenset(applies_to),
            check=check,
        )

    return wrap


def collect(*modules: ModuleType) -> Mapping[str, Rule]:
    """Every module-level `Rule` of `modules`, by id; two rules with one id is an error."""
    found: dict[str, Rule] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Rule) and found.setdefault(value.id, value) is not value:
                raise ValueError(f"two X12 rules share the id {value.id!r}")
    return MappingProxyType(found)


# ---------------------------------------------------------------- generic rules


@rule("X12-SEGMENT-ID", Severity.ERROR, "A segment id is two or three capital letters or digits.")
def segment_ids(view: SetView) -> Iterator[Finding]:
    good = _GOOD_IDS
    for i, sid in enumerate(view.ids):
        if sid in good:
            continue
        if _SEGMENT_ID.match(sid) and len(good) < 10_000:
            good.add(sid)
            continue
        if not _SEGMENT_ID.match(sid):
            yield view.finding(
                "X12-SEGMENT-ID", Severity.ERROR, f"{sid[:10]!r} is not a segment id", i
            )


@rule("X12-BIN-LENGTH", Severity.ERROR, "BIN01 gives the length of the binary data in BIN02.")
def binary_lengths(view: SetView) -> Iterator[Finding]:
    segments = view.segments
    for i in [i for i, sid in enumerate(view.ids) if sid == "BIN"]:
        seg = segments[i]
        if (
            seg.id == "BIN"
            and seg.element(1).isdigit()
            and int(seg.element(1)) != len(seg.element(2))
        ):
            yield view.finding(
                "X12-ELEMENT-LENGTH",
                Severity.ERROR,
                f"BIN01 says {seg.element(1)} bytes; BIN02 holds {len(seg.element(2))}",
                i,
                1,
            )


@rule(
    "X12-ELEMENT-LENGTH",
    Severity.ERROR,
    "Each element of a known segment respects its maximum count and its minimum/maximum length.",
)
def element_lengths(view: SetView) -> Iterator[Finding]:
    tables = _LENGTH_TABLES
    good = _GOOD_LENGTHS  # (id, element lengths) already seen to pass: most segments repeat one
    segments = view.segments
    for i, sid in enumerate(view.ids):
        table = tables.get(sid)
        if table is None:
            continue
        elements = segments[i].elements
        shape = (sid, *map(len, elements))
        if shape in good:
            continue
        most, checks = table
        count = len(elements)
        if count - 1 <= most and all(
            not elements[n] or low <= len(elements[n]) <= high
            for n, low, high in checks
            if n < count
        ):
            if len(good) >= 200_000:
                good.clear()
            good.add(shape)
            continue
        if count - 1 > most:
            yield view.finding(
                "X12-ELEMENT-COUNT",
                Severity.ERROR,
                f"{sid} has {count - 1} elements; it takes at most {most}",
                i,
                most + 1,
            )
        for n, low, high in checks:
            if n >= count:
                break
            size = len(elements[n])
            if size and (size < low or size > high):
                yield view.finding(
                    "X12-ELEMENT-LENGTH",
                    Severity.ERROR,
                    f"{sid}{n:02d} is {size} characters; it must be {low} to {high}",
                    i,
                    n,
                )


_GOOD_LENGTHS: set[tuple[Any, ...]] = set()

# per segment id: (most elements, ((n, min, max) for each element with bounds, ascending n))
_LENGTH_TABLES: Mapping[str, tuple[int, tuple[tuple[int, int, int], ...]]] = MappingProxyType(
    {
        sid: (
            len(spec),
            tuple((n, b[0], b[1]) for n, b in enumerate(spec, start=1) if b is not None),
        )
        for sid, spec in SEGMENT_SPECS.items()
    }
)


def _required(view: SetView, i: int, seg: Segment, elements: Iterable[int]) -> Iterator[Finding]:
    for n in elements:
        if not seg.element(n):
            yield view.finding(
                "X12-REQUIRED-ELEMENT", Severity.ERROR, f"{seg.id}{n:02d} is required", i, n
            )


_PAD = [""] * 12
_CHECKED_837 = frozenset({"NM1", "DMG", "SBR", "DTP", "CLM", "SV1", "SV2", "HI"})
_GOOD_D8: set[str] = set()  # DTP03 values already seen to be D8 dates
_GOOD_RD8: set[str] = set()  # ... and RD8 ranges

_REQUIRED_837 = {
    "NM1": (1, 2),
    "N3": (1,),
    "N4": (1,),
    "HL": (1, 3, 4),
    "CLM": (1, 2, 5),
    "DTP": (1, 2, 3),
    "SBR": (1,),
    "DMG": (1, 2, 3),
    "LX": (1,),
    "SV1": (1, 2, 3, 4),
    "SV2": (1, 3),
    "REF": (1, 2),
    "HI": (1,),
    "BHT": (1, 2, 3, 4, 5, 6),
    "PAT": (1,),
    "CAS": (1, 2, 3),
    "SVD": (1, 2, 3),
    "AMT": (1, 2),
    "OI": (3, 6),
    "PER": (1,),
}


@rule(
    "X12-837-ELEMENTS",
    Severity.ERROR,
    "837 required elements, code values (entity, sex, priority, filing indicator, date format), dates and amounts.",
    applies_to={"837"},
)
def elements_837(view: SetView) -> Iterator[Finding]:
    comp = view.ts.delimiters.component
    pad = _PAD
    required_of = _REQUIRED_837
    checked = _CHECKED_837
    good_d8, good_rd8 = _GOOD_D8, _GOOD_RD8
    segments = view.segments
    for i, sid in enumerate(view.ids):
        required = required_of.get(sid)
        if required is None and sid not in checked:
            continue
        seg = segments[i]
        el = seg.elements
        if required:
            count = len(el)
            for n in required:
                if n >= count or not el[n]:
                    yield view.finding(
                        "X12-REQUIRED-ELEMENT",
                        Severity.ERROR,
                        f"{sid}{n:02d} is required",
                        i,
                        n,
                    )
        if sid not in checked:
            continue
        if len(el) < 12:
            el = el + pad  # absent elements read as "" (Segment.element)
        if sid == "NM1":
            if el[1] and el[1] not in ENTITY_CODES_837:
                yield view.finding(
                    "X12-CODE-VALUE",
                    Severity.ERROR,
                    f"NM101 {el[1]!r} is not an entity code",
                    i,
                    1,
                )
            if el[2] not in {"", "1", "2"}:
                yield view.finding(
                    "X12-CODE-VALUE",
                    Severity.ERROR,
                    f"NM102 {el[2]!r} is not 1 or 2",
                    i,
                    2,
                )
            if el[1] != "87" and not el[3]:
                yield view.finding(
                    "X12-REQUIRED-ELEMENT", Severity.ERROR, "NM103 is required", i, 3
                )
            if el[8] == "XX" and not _npi_ok(el[9]):
                yield view.finding(
                    "X12-NPI",
                    Severity.WARNING,
                    f"NM109 {el[9]!r} is not a valid NPI (check digit)",
                    i,
                    9,
                )
        elif sid == "DMG":
            if el[3] and el[3] not in SEX_CODES:
                yield view.finding(
                    "X12-CODE-VALUE",
                    Severity.ERROR,
                    f"DMG03 {el[3]!r} is not F, M or U",
                    i,
                    3,
                )
            if el[1] == "D8" and parse_date(el[2]) is None:
                yield view.finding(
                    "X12-DATE", Severity.ERROR, f"DMG02 {el[2]!r} is not a date", i, 2
                )
        elif sid == "SBR":
            if el[1] and el[1] not in PRIORITY_CODES:
                yield view.finding(
                    "X12-CODE-VALUE",
                    Severity.ERROR,
                    f"SBR01 {el[1]!r} is not a payer responsibility code",
                    i,
                    1,
                )
            if el[9] and el[9] not in FILING_CODES:
                yield view.finding(
                    "X12-CODE-VALUE",
                    Severity.ERROR,
                    f"SBR09 {el[9]!r} is not a claim filing indicator",
                    i,
                    9,
                )
        elif sid == "DTP":
            fmt, value = el[2], el[3]
            if fmt and fmt not in DATE_FORMATS:
                yield view.finding(
                    "X12-CODE-VALUE", Severity.ERROR, f"DTP02 {fmt!r} is not a date format", i, 2
                )
            elif fmt == "D8" and value not in good_d8:
                if parse_date(value) is None:
                    yield view.finding(
                        "X12-DATE", Severity.ERROR, f"DTP03 {value!r} is not a {fmt} date", i, 3
                    )
                elif len(good_d8) < 100_000:
                    good_d8.add(value)
            elif fmt == "RD8" and value not in good_rd8:
                if parse_date_range(value) is None:
                    yield view.finding(
                        "X12-DATE", Severity.ERROR, f"DTP03 {value!r} is not a {fmt} date", i, 3
                    )
                elif len(good_rd8) < 100_000:
                    good_rd8.add(value)
        elif sid == "CLM":
            if el[2] and parse_amount(el[2]) is None:
                yield view.finding(
                    "X12-AMOUNT", Severity.ERROR, f"CLM02 {el[2]!r} is not an amount", i, 2
                )
            parts = el[5].split(comp)
            if len(parts) < 3 or not all(parts[:3]):
                yield view.finding(
                    "X12-REQUIRED-ELEMENT",
                    Severity.ERROR,
                    "CLM05 needs facility code, qualifier and frequency",
                    i,
                    5,
                )
        elif sid in {"SV1", "SV2"}:
            n = 2 if sid == "SV1" else 3
            if seg.element(n) and parse_amount(seg.element(n)) is None:
                yield view.finding(
                    "X12-AMOUNT",
                    Severity.ERROR,
                    f"{sid}{n:02d} {seg.element(n)!r} is not an amount",
                    i,
                    n,
                )
        elif sid == "HI":
            for n, value in enumerate(seg.elements[1:], start=1):
                if comp in value and value[-1] != comp and value.count(comp) == 1:
                    continue  # qualifier:code
                code = value.split(comp)
                if len(code) < 2 or not code[1]:
                    yield view.finding(
                        "X12-REQUIRED-ELEMENT",
                        Severity.ERROR,
                        f"HI{n:02d} needs a qualifier and a code",
                        i,
                        n,
                    )


def _npi_ok(npi: str) -> bool:
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@rule(
    "X12-837-STRUCTURE",
    Severity.ERROR,
    "837 required segments and loops (BHT, 1000A/B, 2010AA, SBR, 2010BA/BB, HI, lines, DTP*472), HL parents, "
    "loop repeats (12 diagnoses and 50 lines in an 837P, 10 other payers, 5 CAS), CLM02 = sum of line charges.",
    applies_to={"837"},
)
def structure_837(view: SetView) -> Iterator[Finding]:
    segments = view.segments
    loops = view.loops
    comp = view.ts.delimiters.component
    institutional = "X223" in view.ts.version or "X096" in view.ts.version
    ids = [s.id for s in segments]
    if len(ids) < 2 or ids[1] != "BHT":
        yield view.finding("X12-REQUIRED-SEGMENT", Severity.ERROR, "BHT must follow ST", 0)
    for code, loop in (("41", "1000A"), ("40", "1000B"), ("85", "2010AA")):
        if loop not in loops:
            yield view.finding(
                "X12-REQUIRED-SEGMENT", Severity.ERROR, f"loop {loop} (NM1*{code}) is missing", 0
            )
    # HL parents and the subscriber / patient levels
    seen: dict[str, str] = {}
    hl_positions = [i for i, sid in enumerate(ids) if sid == "HL"]
    for number, i in enumerate(hl_positions):
        hl = segments[i]
        if hl.element(2) and hl.element(2) not in seen:
            yield view.finding(
                "X12-HL-PARENT",
                Severity.ERROR,
                f"HL {hl.element(1)} names parent {hl.element(2)}, which does not precede it",
                i,
                2,
            )
        seen[hl.element(1)] = hl.element(3)
        end = hl_positions[number + 1] if number + 1 < len(hl_positions) else len(segments)
        block = set(loops[i:end])
        block_ids = ids[i:end]
        if hl.element(3) == "22":
            if "SBR" not in block_ids[:3]:
                yield view.finding("X12-REQUIRED-SEGMENT", Severity.ERROR, "2000B needs an SBR", i)
            for loop, what in (("2010BA", "subscriber (NM1*IL)"), ("2010BB", "payer (NM1*PR)")):
                if loop not in block:
                    yield view.finding(
                        "X12-REQUIRED-SEGMENT", Severity.ERROR, f"2000B has no {what}", i
                    )
        elif hl.element(3) == "23":
            if "PAT" not in block_ids[:3]:
                yield view.finding("X12-REQUIRED-SEGMENT", Severity.ERROR, "2000C needs a PAT", i)
            if "2010CA" not in block:
                yield view.finding(
                    "X12-REQUIRED-SEGMENT", Severity.ERROR, "2000C has no patient (NM1*QC)", i
                )
    # claims
    clm_positions = [i for i, sid in enumerate(ids) if sid == "CLM"]
    if len(clm_positions) > 5000:
        yield view.finding(
            "X12-LOOP-REPEAT",
            Severity.WARNING,
            f"{len(clm_positions)} claims in one set; the guide recommends at most 5000",
            0,
        )
    for i in clm_positions:
        end = next(
            (j for j in range(i + 1, len(segments)) if ids[j] in {"HL", "CLM", "SE"}), len(segments)
        )
        yield from _check_claim(view, i, end, ids, institutional, comp)


def _check_claim(
    view: SetView, start: int, end: int, ids: list[str], institutional: bool, comp: str
) -> Iterator[Finding]:
    segments = view.segments
    loops = view.loops
    claim_ids = ids[start:end]
    his = [k for k in range(start, end) if ids[k] == "HI" and loops[k] == "2300"]
    if not his:
        yield view.finding(
            "X12-REQUIRED-SEGMENT", Severity.ERROR, "the claim has no HI (diagnoses)", start
        )
    elif not institutional:
        codes = sum(
            len(segments[k].elements) - 1
            for k in his
            if segments[k].element(1).split(comp)[0] in {"ABK", "ABF", "BK", "BF"}
        )
        if codes > 12:
            yield view.finding(
                "X12-LOOP-REPEAT",
                Severity.ERROR,
                f"an 837P claim carries at most 12 diagnoses; this one has {codes}",
                his[0],
            )
    lines = [k for k in range(start, end) if ids[k] == "LX"]
    if not lines:
        yield view.finding(
            "X12-REQUIRED-SEGMENT", Severity.ERROR, "the claim has no service line (LX)", start
        )
    limit = 999 if institutional else 50
    if len(lines) > limit:
        yield view.finding(
            "X12-LOOP-REPEAT",
            Severity.ERROR,
            f"{len(lines)} service lines; the guide allows {limit}",
            lines[limit],
        )
    others = [k for k in range(start, end) if ids[k] == "SBR"]
    if len(others) > 10:
        yield view.finding(
            "X12-LOOP-REPEAT",
            Severity.ERROR,
            f"{len(others)} other payers; the guide allows 10",
            others[10],
        )
    service = "SV2" if institutional else "SV1"
    charge_element = 3 if institutional else 2
    total = parse_amount(segments[start].element(2))
    line_sum = Decimal(0)
    sum_ok = True
    for n, k in enumerate(lines):
        line_end = lines[n + 1] if n + 1 < len(lines) else end
        body = ids[k:line_end]
        if service not in body:
            yield view.finding(
                "X12-REQUIRED-SEGMENT", Severity.ERROR, f"service line has no {service}", k
            )
            sum_ok = False
        else:
            sv = segments[k + body.index(service)]
            amount = parse_amount(sv.element(charge_element))
            if amount is None:
                sum_ok = False
            else:
                line_sum += amount
        if not institutional and not any(
            ids[j] == "DTP" and segments[j].element(1) == "472" and loops[j] == "2400"
            for j in range(k, line_end)
        ):
            yield view.finding(
                "X12-REQUIRED-SEGMENT", Severity.ERROR, "service line has no DTP*472 date", k
            )
    cas_run = 0
    for k in range(start, end):
        if ids[k] in {"SBR", "SVD", "LX"}:
            cas_run = 0
        elif ids[k] == "CAS":
            cas_run += 1
            if cas_run == 6:
                yield view.finding(
                    "X12-LOOP-REPEAT", Severity.ERROR, "more than 5 CAS segments in one loop", k
                )
    if total is not None and lines and sum_ok and line_sum != total:
        yield view.finding(
            "X12-837-CLAIM-TOTAL",
            Severity.ERROR,
            f"CLM02 {total} is not the sum of the line charges {line_sum}",
            start,
            2,
        )
    del claim_ids


@rule("X12-UNKNOWN-TRANSACTION", Severity.INFO, "Transaction sets openrcm does not check in depth.")
def unknown_transaction(view: SetView) -> Iterator[Finding]:
    known = {"837", "835", "999", "277", "276", "270", "271", "997", "834", "275", "278", "820"}
    if view.ts.transaction_type not in known:
        yield view.finding(
            "X12-UNKNOWN-TRANSACTION",
            Severity.WARNING,
            f"transaction set {view.ts.transaction_type[:6]!r} is not one openrcm knows",
            0,
            1,
        )


_TRANSACTION_MODULES = ("t835", "t999", "t277ca", "t270", "t271", "t276", "t277")


def _all_rules() -> Mapping[str, Rule]:
    import sys

    modules: list[ModuleType] = [sys.modules[__name__]]
    for name in _TRANSACTION_MODULES:
        try:
            modules.append(importlib.import_module(f"openrcm.x12.{name}"))
        except ImportError:
            continue
    return collect(*modules)


_CACHE: dict[str, Mapping[str, Rule]] = {}


def rules() -> Mapping[str, Rule]:
    """Every registered rule (this module's and the transaction modules'), by id."""
    if "all" not in _CACHE:
        _CACHE["all"] = _all_rules()
    return _CACHE["all"]


def validate(source: str | _Readable, *, only: Iterable[str] | None = None) -> list[Finding]:
    """Every finding for `source`: envelope findings, then each set's rule findings, in file order.

    `only` restricts the rules run to those ids. Raises only `X12Error` (unreadable input).
    """
    chosen = list(rules().values())
    if only is not None:
        wanted = set(only)
        chosen = [r for r in chosen if r.id in wanted]
    findings: list[Finding] = []
    reader = EnvelopeReader(source)
    seen = 0
    collecting = gc.isenabled()
    if collecting:  # a set is many small acyclic objects, all alive until it is checked
        gc.disable()
    try:
        for ts in reader:
            findings.extend(reader.findings[seen:])
            seen = len(reader.findings)
            view = SetView(ts, assign_loops(ts))
            for r in chosen:
                if not r.applies(ts.transaction_type):
                    continue
                try:
                    findings.extend(r.check(view))
                except Exception as exc:  # a rule that crashes is a finding, never a crash
                    findings.append(
                        Finding(
                            code="X12-RULE-CRASH",
                            severity=Severity.ERROR,
                            message=f"rule {r.id} failed: {exc.__class__.__name__}",
                            segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST"),
                        )
                    )
            del view, ts
    finally:
        if collecting:
            gc.enable()
    findings.extend(reader.findings[seen:])
    return findings


def finding_json(finding: Finding) -> dict[str, Any]:
    """The CLI contract's shape: code, severity, segment_index, segment_id, loop, element, message."""
    ref = finding.segment
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "segment_index": ref.segment_index if ref else None,
        "segment_id": ref.segment_id if ref else None,
        "loop": ref.loop if ref else None,
        "element": ref.element if ref else None,
        "message": finding.message,
    }
