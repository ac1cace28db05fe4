"""Envelopes: ISA/IEA, GS/GE and ST/SE, read into a structure and written around bodies.

API (reading)
-------------
- `EnvelopeReader(source, *, keep=False)`: iterate it to stream `TransactionSet`s one at a
  time (constant memory); ``reader.findings`` collects envelope findings as they are found
  (control numbers that do not match, wrong SE01/GE01/IEA01 counts, missing headers or
  trailers, segments outside any transaction set, a malformed ISA); ``reader.interchanges``
  lists every `Interchange` met (with their `FunctionalGroup`s; a group's ``transactions``
  is filled only when ``keep=True``). ``reader.events()`` is the lowest-memory way: it
  yields ``(START, ts)``, then ``(SEGMENT, segment)`` for each body segment, then
  ``(END, ts)``, and keeps no segment of a set. ``reader.rows()`` is the fastest: body
  segments come in runs ``(BODY, (texts, first_index))`` of unsplit segment texts, with no
  `Segment` object made for them; ``reader.sets()`` gives the same per set, as pairs
  ``(ts, runs)`` (see `t837_read.iter_837` and `t835.iter_835`).
- `read_envelope(source) -> Document`: the whole input materialised: ``doc.interchanges`` →
  ``.groups`` → ``.transactions`` → ``.segments``; ``doc.findings``; ``doc.transactions``
  lists every transaction set in order.
- `TransactionSet`: ``header`` (ST), ``segments`` (ST through SE inclusive, as SE01 counts
  them), ``trailer`` (SE or None), ``group`` (the GS segment or None), ``interchange``
  (the ISA segment or None), ``delimiters``; properties ``transaction_type`` (ST01),
  ``control_number`` (ST02), ``version`` (ST03, else GS08), ``body`` (the segments between
  ST and SE) and ``position(segment)`` (1-based index within the set, as a 999 counts).

Finding places: for ST/SE and segments inside a set, ``SegmentRef.segment_index`` is the
position within the transaction set (ST = 1); for ISA, GS, GE, IEA and stray segments it is
the position in the whole file. ``loop`` is "ISA", "GS" or "ST" for envelope findings.

API (writing)
-------------
- `TransactionBody(transaction_type, segments, implementation=None, control_number=None)`:
  a set's segments (strings without terminators, see `segments.SegmentWriter`) between ST
  and SE; `implementation` is ST03 (e.g. "005010X222A1"). A writer may pass runs of
  segments already joined by `segment_separator(delimiters)` with `segment_count=` the
  number of segments they hold (fewer, longer strings: the 837 writer, one per claim).
- `InterchangeHeader(sender_id, receiver_id, interchange_control_number,
  group_control_number, created_at, ...)`: the envelope's parties and control numbers.
- `write_interchange(bodies, header, *, functional_id, version) -> str`: one ISA with one
  GS (functional_id "HC", "HP", "HB", "HS", "HN", "HR", "FA"; version = GS08) holding every
  body with ST02 numbered 0001, 0002, ... and SE01/GE01/IEA01 counted. One segment per line
  (terminator then "\n").
- `ControlNumbers(last=None)`: allocator of ISA13 and GS06 numbers unique per sender
  (`next_interchange(sender)`, `next_group(sender)`; `snapshot()` to persist the state and
  `ControlNumbers(snapshot)` to resume).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from operator import methodcaller
from typing import Any

from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.x12.errors import X12Error
from openrcm.x12.tokenizer import Delimiters, Segment, _Readable, batches

ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
"""The fixed widths of ISA01..ISA16."""

ENVELOPE_IDS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})

START, SEGMENT, END, BODY = "start", "segment", "end", "body"
"""The kinds of `EnvelopeReader.events()` (and BODY: `EnvelopeReader.rows()`)."""

_RETAIN, _SEGMENTS, _ROWS = 0, 1, 2  # what `_walk` does with body segments


@dataclass(slots=True, eq=False)
class TransactionSet:
    """One ST..SE transaction set with its segments (ST and SE included)."""

    header: Segment
    segments: list[Segment]
    trailer: Segment | None = None
    group: Segment | None = None
    interchange: Segment | None = None
    delimiters: Delimiters = Delimiters.DEFAULT
    segment_count: int = 1  # ST..SE counted as read, even when `segments` is not kept

    @property
    def transaction_type(self) -> str:
        return self.header.element(1)

    @property
    def control_number(self) -> str:
        return self.header.element(2)

    @property
    def version(self) -> str:
        """ST03, else GS08: the implementation guide, e.g. 005010X222A1."""
        st03 = self.header.element(3)
        if st03:
            return st03
        return self.group.element(8) if self.group is not None else ""

    @property
    def body(self) -> list[Segment]:
        return self.segments[1:-1] if self.trailer is not None else self.segments[1:]

    def position(self, segment: Segment) -> int:
        """1-based position of `segment` in this set (ST is 1), as SE01 and a 999 count."""
        return segment.index - self.header.index + 1


@dataclass(slots=True, eq=False)
class FunctionalGroup:
    """GS..GE: transaction sets of one functional kind (GS01: HC claims, HP remittances...)."""

    header: Segment
    transactions: list[TransactionSet] = field(default_factory=list)
    trailer: Segment | None = None
    transaction_count: int = 0

    @property
    def functional_id(self) -> str:
        return self.header.element(1)

    @property
    def control_number(self) -> str:
        return self.header.element(6)

    @property
    def version(self) -> str:
        return self.header.element(8)


@dataclass(slots=True, eq=False)
class Interchange:
    """ISA..IEA: one exchange between a sender and a receiver."""

    header: Segment
    groups: list[FunctionalGroup] = field(default_factory=list)
    trailer: Segment | None = None
    delimiters: Delimiters = Delimiters.DEFAULT
    acknowledgments: list[Segment] = field(default_factory=list)  # TA1

    @property
    def sender_id(self) -> str:
        return self.header.element(6).strip()

    @property
    def receiver_id(self) -> str:
        return self.header.element(8).strip()

    @property
    def control_number(self) -> str:
        return self.header.element(13)

    @property
    def usage(self) -> str:
        """ISA15: P production, T test."""
        return self.header.element(15)


@dataclass(slots=True, eq=False)
class Document:
    """A whole input: its interchanges and the envelope findings."""

    interchanges: list[Interchange]
    findings: list[Finding]

    @property
    def transactions(self) -> list[TransactionSet]:
        return [ts for i in self.interchanges for g in i.groups for ts in g.transactions]


def _finding(
    code: str,
    message: str,
    segment: Segment | None,
    loop: str,
    element: int | None = None,
    *,
    index: int | None = None,
    severity: Severity = Severity.ERROR,
    segment_id: str | None = None,
) -> Finding:
    where = None
    if segment is not None or index is not None:
        where = SegmentRef(
            segment_index=index if index is not None else (segment.index if segment else 0),
            segment_id=segment_id or (segment.id if segment is not None else ""),
            loop=loop,
            element=element,
        )
    return Finding(code=code, severity=severity, message=message, segment=where)


def _same_number(a: str, b: str) -> bool:
    """Control numbers compare as numbers when both are digits (000000905 == 905)."""
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    return a.isdigit() and b.isdigit() and int(a) == int(b)


class EnvelopeReader:
    """Streams the transaction sets of an input, checking envelopes as it goes."""

    def __init__(
        self, source: str | _Readable, *, keep: bool = False, chunk_size: int = 1 << 20
    ) -> None:
        self._batches = batches(source, chunk_size=chunk_size)
        self.keep = keep
        self.findings: list[Finding] = []
        self.interchanges: list[Interchange] = []
        self.segment_count = 0
        self._interchange: Interchange | None = None
        self._group: FunctionalGroup | None = None
        self._ts: TransactionSet | None = None

    def __iter__(self) -> Iterator[TransactionSet]:
        """Every transaction set, its `segments` filled, one at a time."""
        for kind, value in self._walk(_RETAIN):
            if kind is END:
                yield value

    def events(self) -> Iterator[tuple[str, Any]]:
        """Lowest-memory reading: ``(START, ts)``, ``(SEGMENT, seg)`` per body segment, ``(END, ts)``.

        The sets' ``segments`` lists are not filled (only ST, and SE at the end); a reader
        consumes each body segment as it comes, so nothing of a set is kept after use.
        """
        return self._walk(_SEGMENTS)

    def rows(self) -> Iterator[tuple[str, Any]]:
        """The fastest reading: like `events`, but body segments come in runs as
        ``(BODY, (texts, first_index))``: ``texts`` a list of segment texts (split them with
        ``ts.delimiters.element`` as you use them) and ``first_index`` the 1-based position
        of ``texts[0]`` in the input. No `Segment` object is made for a body segment."""
        return self._walk(_ROWS)

    def sets(self) -> Iterator[tuple[TransactionSet, Iterator[tuple[list[str], int]]]]:
        """Each transaction set with its body segments as `rows` gives them: runs
        ``(texts, first_index)``. Read a set's runs before asking for the next set; what is
        left unread of them is skipped."""
        events = self.rows()

        def body() -> Iterator[tuple[list[str], int]]:
            for kind, value in events:
                if kind is not BODY:
                    return
                yield value

        for kind, value in events:
            if kind is START:
                runs = body()
                yield value, runs
                for _ in runs:
                    pass

    def _walk(self, mode: int) -> Iterator[tuple[str, Any]]:
        envelope_ids = ENVELOPE_IDS
        last_index = 0
        for batch in self._batches:
            parts = batch.parts
            first = batch.index
            delimiters = batch.delimiters
            el = delimiters.element
            n = len(parts)
            last_index = first + n - 1
            marks = batch.find(envelope_ids)
            marks.append(n)
            starts: list[int] | None = None
            previous = 0
            for k in marks:
                if k > previous:
                    ts = self._ts
                    offset = batch.offset
                    if ts is None:
                        for j in range(previous, k):
                            self._outside(
                                Segment(parts[j].split(el), first + j, offset(j), delimiters)
                            )
                    else:
                        ts.segment_count += k - previous
                        if mode == _ROWS:
                            yield BODY, (parts[previous:k], first + previous)
                        else:
                            if starts is None:
                                starts = batch.offsets()
                            made = map(
                                Segment,
                                map(methodcaller("split", el), parts[previous:k]),
                                range(first + previous, first + k),
                                starts[previous:k],
                                repeat(delimiters),
                            )
                            if mode == _SEGMENTS:
                                for seg in made:
                                    yield SEGMENT, seg
                            else:
                                ts.segments.extend(made)
                if k == n:
                    break
                previous = k + 1
                yield from self._envelope(
                    Segment(parts[k].split(el), first + k, batch.offset(k), delimiters)
                )
        self.segment_count = last_index
        yield from self._finish()

    def _close_set(self) -> Iterator[tuple[str, Any]]:
        """An open set ends without its SE (an ST, GS, GE, ISA or IEA came first)."""
        ts = self._ts
        if ts is not None:
            self._unclosed_set(ts)
            self._count_set(ts)
            self._ts = None
            yield END, ts

    def _count_set(self, ts: TransactionSet) -> None:
        group = self._group
        if group is not None:
            group.transaction_count += 1
            if self.keep:
                group.transactions.append(ts)

    def _group_without_trailer(self) -> None:
        group = self._group
        if group is not None:
            self.findings.append(
                _finding(
                    "X12-MISSING-TRAILER",
                    f"functional group {group.control_number} has no GE",
                    group.header,
                    "GS",
                )
            )

    def _outside(self, seg: Segment) -> None:
        """A segment between sets: a TA1 in an interchange, else a finding."""
        sid = seg.elements[0]
        interchange, group = self._interchange, self._group
        if sid == "TA1" and interchange is not None and group is None:
            interchange.acknowledgments.append(seg)
            return
        self.findings.append(
            _finding(
                "X12-SEGMENT-OUTSIDE",
                f"segment {sid[:3]!r} is outside any transaction set",
                seg,
                "ST" if group is not None else ("GS" if interchange else "ISA"),
            )
        )

    def _envelope(self, seg: Segment) -> Iterator[tuple[str, Any]]:
        """One ISA, GS, ST, SE, GE or IEA segment."""
        add = self.findings.append
        sid = seg.elements[0]
        if sid == "SE":
            ts = self._ts
            if ts is None:
                add(_finding("X12-MISSING-HEADER", "SE without a matching ST", seg, "ST"))
                return
            ts.segments.append(seg)
            ts.segment_count += 1
            ts.trailer = seg
            self._check_set(ts)
            self._count_set(ts)
            self._ts = None
            yield END, ts
        elif sid == "ST":
            yield from self._close_set()
            group, interchange = self._group, self._interchange
            if group is None:
                add(
                    _finding(
                        "X12-MISSING-HEADER", "ST outside a functional group (no GS)", seg, "GS"
                    )
                )
            ts = TransactionSet(
                header=seg,
                segments=[seg],
                group=group.header if group else None,
                interchange=interchange.header if interchange else None,
                delimiters=seg.delimiters,
            )
            self._ts = ts
            yield START, ts
        elif sid == "GS":
            yield from self._close_set()
            self._group_without_trailer()
            if self._interchange is None:
                add(
                    _finding("X12-MISSING-HEADER", "GS outside an interchange (no ISA)", seg, "ISA")
                )
            group = FunctionalGroup(header=seg)
            self._group = group
            if self._interchange is not None:
                self._interchange.groups.append(group)
        elif sid == "GE":
            yield from self._close_set()
            group = self._group
            if group is None:
                add(_finding("X12-MISSING-HEADER", "GE without a matching GS", seg, "GS"))
                return
            group.trailer = seg
            self._check_group(group)
            self._group = None
        elif sid == "ISA":
            yield from self._close_set()
            self._group_without_trailer()
            self._group = None
            interchange = self._interchange
            if interchange is not None and interchange.trailer is None:
                add(
                    _finding(
                        "X12-MISSING-TRAILER",
                        f"interchange {interchange.control_number} has no IEA",
                        interchange.header,
                        "ISA",
                    )
                )
            interchange = Interchange(header=seg, delimiters=seg.delimiters)
            self._interchange = interchange
            self.interchanges.append(interchange)
            self._check_isa(seg)
        else:  # IEA
            yield from self._close_set()
            self._group_without_trailer()
            self._group = None
            interchange = self._interchange
            if interchange is None or interchange.trailer is not None:
                add(_finding("X12-MISSING-HEADER", "IEA without a matching ISA", seg, "ISA"))
                return
            interchange.trailer = seg
            self._check_interchange(interchange)

    def _finish(self) -> Iterator[tuple[str, Any]]:
        yield from self._close_set()
        self._group_without_trailer()
        interchange = self._interchange
        if interchange is not None and interchange.trailer is None:
            self.findings.append(
                _finding(
                    "X12-MISSING-TRAILER",
                    f"interchange {interchange.control_number} has no IEA",
                    interchange.header,
                    "ISA",
                )
            )

    def _unclosed_set(self, ts: TransactionSet) -> None:
        self.findings.append(
            _finding(
                "X12-MISSING-TRAILER",
                f"transaction set {ts.control_number} ({ts.transaction_type}) has no SE",
                ts.header,
                "ST",
                index=1,
            )
        )

    def _check_set(self, ts: TransactionSet) -> None:
        se = ts.trailer
        assert se is not None
        counted = ts.segment_count
        declared = se.element(1)
        if declared != str(counted):
            self.findings.append(
                _finding(
                    "X12-SE-COUNT",
                    f"SE01 says {declared or 'nothing'} segments; the transaction set has {counted}",
                    se,
                    "ST",
                    1,
                    index=counted,
                )
            )
        if not _same_number(se.element(2), ts.control_number):
            self.findings.append(
                _finding(
                    "X12-CONTROL-MISMATCH",
                    f"SE02 {se.element(2)!r} does not match ST02 {ts.control_number!r}",
                    se,
                    "ST",
                    2,
                    index=counted,
                )
            )

    def _check_group(self, group: FunctionalGroup) -> None:
        ge = group.trailer
        assert ge is not None
        if ge.element(1) != str(group.transaction_count):
            self.findings.append(
                _finding(
                    "X12-GE-COUNT",
                    f"GE01 says {ge.element(1) or 'nothing'} transaction sets; the group has {group.transaction_count}",
                    ge,
                    "GS",
                    1,
                )
            )
        if not _same_number(ge.element(2), group.control_number):
            self.findings.append(
                _finding(
                    "X12-CONTROL-MISMATCH",
                    f"GE02 {ge.element(2)!r} does not match GS06 {group.control_number!r}",
                    ge,
                    "GS",
                    2,
                )
            )

    def _check_interchange(self, interchange: Interchange) -> None:
        iea = interchange.trailer
        assert iea is not None
        if iea.element(1) != str(len(interchange.groups)):
            # an interchange holding only TA1 acknowledgements is often sent with IEA01 = TA1 count
            ta1_only = not interchange.groups and iea.element(1) == str(
                len(interchange.acknowledgments)
            )
            self.findings.append(
                _finding(
                    "X12-IEA-COUNT",
                    f"IEA01 says {iea.element(1) or 'nothing'} functional groups; the interchange has {len(interchange.groups)}",
                    iea,
                    "ISA",
                    1,
                    severity=Severity.WARNING if ta1_only else Severity.ERROR,
                )
            )
        if not _same_number(iea.element(2), interchange.control_number):
            self.findings.append(
                _finding(
                    "X12-CONTROL-MISMATCH",
                    f"IEA02 {iea.element(2)!r} does not match ISA13 {interchange.control_number!r}",
                    iea,
                    "ISA",
                    2,
                )
            )

    def _check_isa(self, isa: Segment) -> None:
        elements = isa.elements
        if len(elements) != 17:
            self.findings.append(
                _finding(
                    "X12-ISA-LENGTH",
                    f"the ISA has {len(elements) - 1} elements; it needs 16",
                    isa,
                    "ISA",
                )
            )
            return
        wrong = [n for n, width in enumerate(ISA_WIDTHS, start=1) if len(elements[n]) != width]
        if wrong:
            self.findings.append(
                _finding(
                    "X12-ISA-LENGTH",
                    "the ISA is not the fixed 106-character layout: "
                    + ", ".join(f"ISA{n:02d}" for n in wrong)
                    + " have the wrong width",
                    isa,
                    "ISA",
                    wrong[0],
                )
            )
        if not elements[13].strip().isdigit():
            self.findings.append(
                _finding(
                    "X12-CODE-VALUE",
                    f"ISA13 {elements[13]!r} is not a control number",
                    isa,
                    "ISA",
                    13,
                )
            )


def read_envelope(source: str | _Readable) -> Document:
    """The whole input as interchanges → groups → transaction sets, with envelope findings."""
    reader = EnvelopeReader(source, keep=True)
    orphans: list[TransactionSet] = []
    for ts in reader:
        if ts.group is None:
            orphans.append(ts)
    interchanges = reader.interchanges
    if orphans:
        # sets outside any group still appear in the structure, under a stand-in group
        holder = FunctionalGroup(header=orphans[0].header, transactions=orphans)
        if interchanges:
            interchanges[-1].groups.append(holder)
        else:
            stand_in = Interchange(
                header=orphans[0].header, groups=[holder], delimiters=orphans[0].delimiters
            )
            interchanges.append(stand_in)
    return Document(interchanges=interchanges, findings=reader.findings)


# ---------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class TransactionBody:
    """The segments of one transaction set between ST and SE, as strings."""

    transaction_type: str  # ST01: "837", "835", "999"...
    segments: list[str]
    implementation: str | None = None  # ST03, e.g. "005010X222A1"
    control_number: str | None = None  # ST02; numbered 0001.. when None
    # when given, each string of `segments` may hold several segments already joined by
    # `segment_separator(delimiters)`, and this counts the segments they hold (for SE01)
    segment_count: int | None = None


def segment_separator(delimiters: Delimiters) -> str:
    """What `write_interchange` writes after each segment: the terminator and a line break."""
    return delimiters.segment + ("\n" if delimiters.segment != "\n" else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class InterchangeHeader:
    """Who sends to whom, when, and under which control numbers."""

    sender_id: str  # ISA06 / GS02
    receiver_id: str  # ISA08 / GS03
    interchange_control_number: int  # ISA13 / IEA02
    group_control_number: int  # GS06 / GE02
    created_at: datetime  # ISA09/ISA10, GS04/GS05
    sender_qualifier: str = "ZZ"  # ISA05
    receiver_qualifier: str = "ZZ"  # ISA07
    application_sender: str | None = None  # GS02, defaults to sender_id
    application_receiver: str | None = None  # GS03, defaults to receiver_id
    usage: str = "P"  # ISA15: P production, T test
    acknowledgment_requested: str = "0"  # ISA14
    delimiters: Delimiters = Delimiters.DEFAULT


def _fixed(value: str, width: int) -> str:
    return value[:width].ljust(width)


def write_interchange(
    bodies: Iterable[TransactionBody],
    header: InterchangeHeader,
    *,
    functional_id: str,
    version: str,
) -> str:
    """ISA, GS, every body as ST..SE, GE, IEA: counts and control numbers filled in."""
    d = header.delimiters
    e = d.element
    term = segment_separator(d)
    if not 1 <= header.interchange_control_number <= 999_999_999:
        raise ValueError("ISA13 must be between 1 and 999999999")
    if not 1 <= header.group_control_number <= 999_999_999:
        raise ValueError("GS06 must be between 1 and 999999999")
    when = header.created_at
    isa = e.join(
        (
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            _fixed(header.sender_qualifier, 2),
            _fixed(header.sender_id, 15),
            _fixed(header.receiver_qualifier, 2),
            _fixed(header.receiver_id, 15),
            when.strftime("%y%m%d"),
            when.strftime("%H%M"),
            d.repetition or "U",
            "00501",
            f"{header.interchange_control_number:09d}",
            header.acknowledgment_requested,
            header.usage,
            d.component,
        )
    )
    gs06 = str(header.group_control_number)
    gs = e.join(
        (
            "GS",
            functional_id,
            header.application_sender or header.sender_id,
            header.application_receiver or header.receiver_id,
            when.strftime("%Y%m%d"),
            when.strftime("%H%M"),
            gs06,
            "X",
            version,
        )
    )
    out = [isa, gs]
    count = 0
    for body in bodies:
        count += 1
        st02 = body.control_number or f"{count:04d}"
        st = e.join(("ST", body.transaction_type, st02, body.implementation or version))
        out.append(st)
        out.extend(body.segments)
        count_in_body = body.segment_count
        if count_in_body is None:
            count_in_body = len(body.segments)
        out.append(f"SE{e}{count_in_body + 2}{e}{st02}")
    out.append(f"GE{e}{count}{e}{gs06}")
    out.append(f"IEA{e}1{e}{header.interchange_control_number:09d}")
    out.append("")  # the last terminator, without copying the whole text once more
    return term.join(out)


class ControlNumbers:
    """Allocates ISA13 and GS06 control numbers, unique per sender, wrapping after 999999999.

    Keep the state with `snapshot()` (a plain dict) and resume with `ControlNumbers(state)`;
    the store persists it so that numbers stay unique across runs.
    """

    def __init__(self, last: Mapping[str, int] | None = None) -> None:
        self._last: dict[str, int] = dict(last or {})

    def _next(self, key: str) -> int:
        value = self._last.get(key, 0) % 999_999_999 + 1
        self._last[key] = value
        return value

    def next_interchange(self, sender_id: str) -> int:
        return self._next(f"ISA:{sender_id.strip()}")

    def next_group(self, sender_id: str) -> int:
        return self._next(f"GS:{sender_id.strip()}")

    def snapshot(self) -> dict[str, int]:
        return dict(self._last)


__all__ = [
    "ControlNumbers",
    "Document",
    "EnvelopeReader",
    "FunctionalGroup",
    "Interchange",
    "InterchangeHeader",
    "TransactionBody",
    "TransactionSet",
    "X12Error",
    "read_envelope",
    "write_interchange",
]
