"""Tokenizer: X12 text (a string or a file object) into segments, streaming, in constant memory.

API
---
- `Delimiters(element, component, repetition, segment)`: the four separators. `repetition`
  is None when ISA11 is not a separator (004010 files carry the standards id ``U`` there).
  `Delimiters.DEFAULT` is ``* : ^ ~``.
- `read_delimiters(text, offset=0) -> Delimiters`: the separators declared by the ISA that
  starts `text` (leading whitespace and a byte-order mark skipped). The element separator
  is the character after ``ISA``; ISA16 (one character, after the 16th element separator)
  is the component separator; the character after it ends the segment; ISA11 is the
  repetition separator. Raises `X12Error` when `text` does not start with a readable ISA.
- `tokenize(source, *, chunk_size=1 << 20) -> Iterator[Segment]`: every segment of every
  interchange in `source` (a `str` or a text file object, read `chunk_size` characters at
  a time). Tolerates CR/LF and other whitespace between segments. A later ISA may declare
  other delimiters; the tokenizer switches to them. Raises `X12Error` only when the input
  does not start with an ISA or a later ISA cannot be read.
- `Segment`: one segment. ``seg.id`` is the segment id ("CLM"); ``seg.elements`` the list
  of its parts with ``elements[0]`` the id, so ``elements[n]`` is element n as the guides
  number it; ``seg.element(n)`` returns "" for an absent element; ``seg.components(n)``
  splits a composite; ``seg.repeats(n)`` splits a repeating element; ``seg.index`` is the
  1-based position of the segment in the whole input and ``seg.offset`` the character
  offset where it starts. ``seg.delimiters`` are the separators it was read with.

Segments are plain objects with ``__slots__`` (no validation) so that a reader pays for a
domain object once per claim, not once per segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Protocol

from openrcm.x12.errors import X12Error

ISA_LENGTH = 106  # the fixed-width ISA, terminator included
_WHITESPACE = " \t\r\n\x0b\x0c\ufeff"


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The separators of one interchange, declared by its ISA segment."""

    element: str = "*"
    component: str = ":"
    repetition: str | None = "^"
    segment: str = "~"

    DEFAULT: ClassVar[Delimiters]


Delimiters.DEFAULT = Delimiters()


class Segment:
    """One X12 segment: ``elements[0]`` is the id, ``elements[n]`` element n (1-based)."""

    __slots__ = ("delimiters", "elements", "index", "offset")

    def __init__(
        self,
        elements: list[str],
        index: int = 0,
        offset: int = 0,
        delimiters: Delimiters | None = None,
    ) -> None:
        self.elements = elements
        self.index = index
        self.offset = offset
        self.delimiters = delimiters or Delimiters.DEFAULT

    @property
    def id(self) -> str:
        return self.elements[0]

    def element(self, n: int) -> str:
        """Element `n` (1-based, as the guides number them), or "" when absent."""
        elements = self.elements
        return elements[n] if 0 < n < len(elements) else ""

    def __len__(self) -> int:
        """The number of data elements (the id not counted)."""
        return len(self.elements) - 1

    def components(self, n: int) -> list[str]:
        """The components of composite element `n` ([] when absent)."""
        value = self.element(n)
        return value.split(self.delimiters.component) if value else []

    def component(self, n: int, k: int) -> str:
        """Component `k` (1-based) of element `n`, or "" when absent."""
        parts = self.components(n)
        return parts[k - 1] if 0 < k <= len(parts) else ""

    def repeats(self, n: int) -> list[str]:
        """The repetitions of element `n` ([] when absent)."""
        value = self.element(n)
        if not value:
            return []
        rep = self.delimiters.repetition
        return value.split(rep) if rep else [value]

    def text(self, delimiters: Delimiters | None = None) -> str:
        """The segment as X12 text without its terminator."""
        return (delimiters or self.delimiters).element.join(self.elements)

    def __repr__(self) -> str:
        return f"Segment({self.text()!r}, index={self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Segment):
            return self.elements == other.elements
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> str: ...


def _skip_leading(text: str, offset: int) -> int:
    n = len(text)
    while offset < n and (text[offset] in _WHITESPACE or text[offset] == "\ufeff"):
        offset += 1
    return offset


def read_delimiters(text: str, offset: int = 0) -> Delimiters:
    """The delimiters declared by the ISA starting at `offset` (leading whitespace skipped).

    Raises `X12Error` when there is no ISA there or it is too short to declare them.
    """
    start = _skip_leading(text, offset)
    if text[start : start + 3] != "ISA":
        found = text[start : start + 20].split("\n")[0]
        raise X12Error(
            f"not an X12 interchange: expected ISA, found {found!r}"
            if found
            else "not an X12 interchange: the input is empty",
            offset=start,
        )
    if len(text) < start + 4:
        raise X12Error("the ISA segment is cut short", offset=start)
    element = text[start + 3]
    if element.isalnum() or element in _WHITESPACE:
        raise X12Error(
            f"the ISA element separator {element!r} is a letter, digit or space", offset=start + 3
        )
    position = start + 3
    for _ in range(15):
        position = text.find(element, position + 1, start + 400)
        if position < 0:
            raise X12Error("the ISA segment has fewer than 16 elements", offset=start)
    component_at = position + 1
    if len(text) < component_at + 2:
        raise X12Error("the ISA segment is cut short before ISA16", offset=component_at)
    component = text[component_at]
    segment = text[component_at + 1]
    if segment == "\r" and text[component_at + 2 : component_at + 3] == "\n":
        segment = "\n"  # CR LF as the terminator: treat the LF as the terminator, CR as space
    if len({element, component, segment}) < 3 or component.isalnum():
        raise X12Error(
            f"the ISA declares unusable separators (element {element!r}, component "
            f"{component!r}, segment {segment!r})",
            offset=component_at,
        )
    # ISA11: the repetition separator in 005010; a letter (the standards id 'U') before that.
    isa = text[start:component_at].split(element)
    repetition: str | None = isa[11] if len(isa) > 11 else None
    if (
        repetition is None
        or len(repetition) != 1
        or repetition.isalnum()
        or repetition in _WHITESPACE
        or repetition in {element, component, segment}
    ):
        repetition = None
    return Delimiters(element, component, repetition, segment)


def tokenize(source: str | _Readable, *, chunk_size: int = 1 << 20) -> Iterator[Segment]:
    """Every segment in `source`, in order, reading at most `chunk_size` characters at a time."""
    if isinstance(source, str):
        return _tokenize(source, None, chunk_size)
    return _tokenize("", source.read, chunk_size)


def _tokenize(buffer: str, read: object, chunk_size: int) -> Iterator[Segment]:
    reader = read if callable(read) else None
    eof = reader is None

    def fill(buf: str, need: int) -> tuple[str, bool]:
        done = False
        while len(buf) < need and not done:
            more = reader(chunk_size) if reader else ""
            if not more:
                done = True
            buf += more
        return buf, done

    if reader is not None:
        buffer, eof = fill(buffer, 512)
    base = 0  # absolute offset of buffer[0]
    index = 0
    start = _skip_leading(buffer, 0)
    delimiters = read_delimiters(buffer, start)
    while True:
        sep = delimiters.segment
        el = delimiters.element
        tl = len(sep)
        parts = buffer.split(sep)
        rest = "" if eof else parts.pop()
        position = base
        restart_at = -1
        for raw in parts:
            at = position
            position += len(raw) + tl
            if not raw:
                continue
            if raw[0] in _WHITESPACE or raw[-1] in _WHITESPACE:
                stripped = raw.lstrip(_WHITESPACE)
                at += len(raw) - len(stripped)
                raw = stripped.rstrip(_WHITESPACE)
                if not raw:
                    continue
            elements = raw.split(el)
            head = elements[0]
            if (
                (head == "ISA" or (len(head) > 3 and head[:3] == "ISA"))
                and index
                and _declares_other(raw, elements, delimiters)
            ):
                local = at - base
                try:
                    other = read_delimiters(buffer + rest, local)
                except X12Error as exc:
                    raise X12Error(
                        exc.reason, offset=base + exc.offset, segment_index=index + 1
                    ) from None
                if other != delimiters:
                    delimiters = other
                    restart_at = local
                    break
            index += 1
            yield Segment(elements, index, at, delimiters)
        if restart_at >= 0:
            buffer = buffer[restart_at:] + rest
            base += restart_at
            if not eof:
                buffer, eof = fill(buffer, 512)
            continue
        if eof:
            return
        base = position
        buffer = rest
        more = reader(chunk_size) if reader else ""
        if more:
            buffer += more
        else:
            eof = True


def _declares_other(raw: str, elements: list[str], delimiters: Delimiters) -> bool:
    """True when a later ISA may declare separators other than the current ones."""
    if len(raw) < 4 or raw[3] != delimiters.element or len(elements) != 17:
        return True
    if elements[16][:1] != delimiters.component:
        return True
    rep = elements[11]
    current = delimiters.repetition
    return (rep if (len(rep) == 1 and not rep.isalnum()) else None) != current
