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
- `batches(source, *, chunk_size=1 << 20) -> Iterator[Batch]`: the fast way to read. The
  same segments, one chunk of input at a time, as texts (``batch.parts[k]``, terminator
  and surrounding whitespace removed) numbered from ``batch.index``; ``batch.offset(k)``,
  ``batch.offsets()``, ``batch.find(ids)`` (positions of segments with those ids, one
  regex scan of the chunk) and ``batch.rows`` (every segment split into elements). A
  consumer splits a text as it uses it: splitting a whole chunk up front and keeping the
  lists costs about three times as much (fresh memory for every list instead of reused).
- `Segment`: one segment. ``seg.id`` is the segment id ("CLM"); ``seg.elements`` the list
  of its parts with ``elements[0]`` the id, so ``elements[n]`` is element n as the guides
  number it; ``seg.element(n)`` returns "" for an absent element; ``seg.components(n)``
  splits a composite; ``seg.repeats(n)`` splits a repeating element; ``seg.index`` is the
  1-based position of the segment in the whole input and ``seg.offset`` the character
  offset where it starts. ``seg.delimiters`` are the separators it was read with.

Segments are plain objects with ``__slots__`` (no validation) so that a reader pays for a
domain object once per claim, not once per segment; `batches` makes no object per segment.
When every terminator of a chunk is followed by the same line break and no segment has
whitespace at its edges (what writers produce), a chunk is split with ``str.split`` on
terminator-plus-line-break alone; otherwise segment by segment, stripping whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import ClassVar, Protocol

from openrcm.x12.errors import X12Error

ISA_LENGTH = 106  # the fixed-width ISA, terminator included
_WHITESPACE = " \t\r\n\x0b\x0c\ufeff"
_WHITESPACE_SET = frozenset(_WHITESPACE)


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
    for batch in batches(source, chunk_size=chunk_size):
        parts = batch.parts
        index = batch.index
        delimiters = batch.delimiters
        el = delimiters.element
        offset = batch.offset
        for k in range(len(parts)):
            yield Segment(parts[k].split(el), index + k, offset(k), delimiters)


class Batch:
    """Consecutive segments of one chunk of input, read with one set of delimiters.

    ``parts[k]`` is the text of segment number ``index + k`` (1-based in the whole input)
    without its terminator or surrounding whitespace; ``offset(k)`` is the character offset
    where it starts; ``find(ids)`` lists the k whose segment id is in `ids`. A consumer
    splits ``parts[k]`` into elements itself, as it uses it: splitting a whole chunk up
    front and keeping the lists costs three times as much (the memory is not reused).
    """

    __slots__ = (
        "_base",
        "_cumulative",
        "_offsets",
        "_sep",
        "_text",
        "delimiters",
        "index",
        "parts",
    )

    def __init__(
        self,
        parts: list[str],
        index: int,
        delimiters: Delimiters,
        *,
        offsets: list[int] | None = None,
        text: str | None = None,
        base: int = 0,
        sep: str = "",
    ) -> None:
        self.parts = parts
        self.index = index
        self.delimiters = delimiters
        self._offsets = offsets
        self._text = text  # fast batches: the chunk, ``sep.join(parts)`` plus the rest
        self._base = base
        self._sep = sep
        self._cumulative: list[int] | None = None

    @property
    def rows(self) -> list[list[str]]:
        """Every segment's elements (``rows[k][0]`` the id)."""
        el = self.delimiters.element
        return [p.split(el) for p in self.parts]

    def offsets(self) -> list[int]:
        """``offset(k)`` for every k, in one pass."""
        if self._offsets is not None:
            return self._offsets
        step = len(self._sep)
        starts = list(accumulate(map(step.__add__, map(len, self.parts)), initial=self._base))
        starts.pop()
        return starts

    def offset(self, k: int) -> int:
        """The character offset (in the whole input) where segment ``parts[k]`` starts."""
        if self._offsets is not None:
            return self._offsets[k]
        cumulative = self._cumulative
        if cumulative is None:
            cumulative = self._cumulative = list(accumulate(map(len, self.parts), initial=0))
        return self._base + cumulative[k] + k * len(self._sep)

    def find(self, ids: frozenset[str]) -> list[int]:
        """The positions k (ascending) of the segments whose id is in `ids`."""
        el = self.delimiters.element
        parts = self.parts
        text = self._text
        if text is None or len(ids) > 8 or any(c in i for i in ids for c in self._sep):
            return [k for k, p in enumerate(parts) if p.split(el, 1)[0] in ids]
        # one scan of the chunk for "<terminator>ID<separator>" (a literal prefix: fast),
        # counting terminators on the way to turn character positions into positions
        sep = self._sep
        alternatives = "|".join(re.escape(i) for i in sorted(ids))
        pattern = _find_pattern(sep, el, alternatives)
        n = len(parts)
        found = [0] if n and parts[0].split(el, 1)[0] in ids else []
        k = 0
        at = 0
        count = text.count
        for match in pattern.finditer(text):
            start = match.start()
            k += count(sep, at, start) + 1
            at = start + len(sep)
            if k < n:
                found.append(k)
        last = n - 1  # the input's last segment may end in spaces instead of a terminator
        if n and (not found or found[-1] != last) and parts[last].split(el, 1)[0] in ids:
            found.append(last)
        return found


@lru_cache(maxsize=64)
def _find_pattern(sep: str, el: str, alternatives: str) -> re.Pattern[str]:
    s, e = re.escape(sep), re.escape(el)
    return re.compile(f"{s}(?:{alternatives})(?={e}|{s}|\\Z)")


# whitespace other than spaces and line breaks; looked for one by one, as ``in`` finds a
# character many times faster than a regular expression's class scans for four
_ODD_SPACES = ("\t", "\x0b", "\x0c", "\ufeff")


def batches(source: str | _Readable, *, chunk_size: int = 1 << 20) -> Iterator[Batch]:
    """The segments of `source` as `Batch`es of element lists, one chunk of input at a time.

    The fast way to read: no object per segment. `tokenize` yields the same segments one by
    one. A string is read in windows of `chunk_size` characters too, so that the work space
    stays small whatever the input size.
    """
    if isinstance(source, str):
        text = source
        window = [0]

        def read(size: int) -> str:
            at = window[0]
            window[0] = at + size
            return text[at : at + size]

        return _batches(read, chunk_size)
    return _batches(source.read, chunk_size)


def _fast_split(buffer: str, sep: str) -> tuple[str, list[str]] | None:
    """`_fast_token`'s terminator with ``buffer.split(token)``, or None.

    For the usual text, a terminator and a line break after each segment and no carriage
    return, the split itself counts the terminators followed by a line break, which saves
    one of the scans of the whole chunk `_fast_token` makes (a fifth of its time)."""
    if sep == "\n" or len(sep) != 1 or "\r" in buffer or "\n" not in buffer:
        token = _fast_token(buffer, sep)
        return None if token is None else (token, buffer.split(token))
    if buffer[0] in _WHITESPACE or buffer.startswith(sep):
        return None
    token = sep + "\n"
    parts = buffer.split(token)
    n = len(parts) - 1  # the terminators followed by a line break
    # what is left of the chunk without them: looking for a character in it is a fast
    # search, where counting the terminators and line breaks of the chunk was a slow loop
    left = "".join(parts)
    if (
        not n
        or sep in left  # another terminator without its line break
        or "\n" in left  # another line break
        or ("" in parts and parts.index("") < n)  # an empty segment
        or token + " " in buffer
        or " " + sep in buffer
        or any(c in buffer for c in _ODD_SPACES)
    ):
        return None
    return token, parts


def _fast_token(buffer: str, sep: str) -> str | None:
    """The terminator (with its line break) when every segment of `buffer` can be split off
    with it alone: no other whitespace at a segment's edges, no empty segment."""
    n = buffer.count(sep)
    if not n or buffer[0] in _WHITESPACE or buffer.startswith(sep):
        return None
    if sep == "\n":
        token = sep
        if "\r" in buffer:
            return None
    else:
        newlines = buffer.count("\n")
        if newlines == 0:
            token = sep
            if "\r" in buffer:
                return None
        elif newlines == n and buffer.count(sep + "\n") == n:
            if "\r" in buffer:
                if buffer.count("\r\n") != n or buffer.count(sep + "\r\n") != n:
                    return None
                token = sep + "\r\n"
            else:
                token = sep + "\n"
        else:
            return None
    if (
        token + token in buffer
        or token + " " in buffer
        or " " + sep in buffer
        or any(c in buffer for c in _ODD_SPACES)
    ):
        return None
    return token


def _batches(reader: Callable[[int], str], chunk_size: int) -> Iterator[Batch]:
    buffer = ""
    eof = False

    def fill(buf: str, need: int) -> tuple[str, bool]:
        done = False
        while len(buf) < need and not done:
            more = reader(chunk_size)
            if not more:
                done = True
            buf += more
        return buf, done

    buffer, eof = fill(buffer, max(512, min(chunk_size, 1 << 16)))
    base = 0  # absolute offset of buffer[0]
    index = 0  # segments produced so far
    delimiters = read_delimiters(buffer, _skip_leading(buffer, 0))
    while True:
        sep = delimiters.segment
        el = delimiters.element
        # a chunk that ends between a terminator and its line break, or starts with that
        # line break, is split the slow way (it has a terminator without a line break, or
        # whitespace at a segment's edge): read on, and drop what separates segments
        while not eof and sep != "\n" and buffer.endswith((sep, sep + "\r")):
            buffer, eof = fill(buffer, len(buffer) + 1)
        if buffer[:1] in _WHITESPACE_SET:
            following = buffer.lstrip(_WHITESPACE)
            base += len(buffer) - len(following)
            buffer = following
        fast = _fast_split(buffer, sep)
        restart_at = -1
        if fast is not None:
            token, parts = fast
            rest = parts.pop()
            if eof:
                rest = rest.rstrip(_WHITESPACE)  # the last segment may lack its terminator
                if rest:
                    parts.append(rest)
                rest = ""
            batch = Batch(parts, index + 1, delimiters, text=buffer, base=base, sep=token)
            consumed = len(buffer) - len(rest) if not eof else len(buffer)
        else:
            raw_parts = buffer.split(sep)
            rest = "" if eof else raw_parts.pop()
            parts = []
            offsets = []
            position = base
            tl = len(sep)
            for raw in raw_parts:
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
                parts.append(raw)
                offsets.append(at)
            batch = Batch(parts, index + 1, delimiters, offsets=offsets)
            consumed = position - base
        if "ISA" in buffer:
            for k, raw in enumerate(parts):
                if raw[:3] != "ISA" or index + k == 0:
                    continue
                row = raw.split(el)
                head = row[0]
                if not (head == "ISA" or len(head) > 3):
                    continue
                if not _declares_other(raw, row, delimiters):
                    continue
                local = batch.offset(k) - base
                if not eof and len(buffer) - local < 512:
                    grown = fill(buffer, local + 512)[0]  # the ISA may run on (it is malformed)
                    rest += grown[len(buffer) :]
                    buffer = grown
                try:
                    other = read_delimiters(buffer, local)
                except X12Error as exc:
                    raise X12Error(
                        exc.reason, offset=base + exc.offset, segment_index=index + k + 1
                    ) from None
                if other != delimiters:
                    del parts[k:]
                    delimiters = other
                    restart_at = local
                    break
        if parts:
            index += len(parts)
            yield batch
        if restart_at >= 0:
            buffer = buffer[restart_at:]  # `rest` is still the end of `buffer`
            base += restart_at
            if not eof:
                buffer, eof = fill(buffer, 512)
            continue
        if eof:
            return
        base += consumed
        buffer = rest
        more = reader(chunk_size)
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
