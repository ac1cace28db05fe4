"""Segment primitives for writers and readers: element formatting and a segment builder.

API
---
Formatting (domain value -> X12 element text):
- `x12_date(d) -> "CCYYMMDD"`, `x12_time(t) -> "HHMM"`, `x12_date_range(a, b) -> "CCYYMMDD-CCYYMMDD"`.
- `x12_amount(Decimal) -> str`: an X12 ``R`` (decimal) value: no exponent, no trailing zeros,
  no trailing point ("125.00" -> "125", "125.50" -> "125.5", "-3.10" -> "-3.1", 0 -> "0").
  `x12_decimal` is the same for quantities and units.
- `x12_text(value) -> str`: free text made safe for any delimiters: accents folded to ASCII,
  characters outside the X12 extended character set and every delimiter character replaced
  by a space, runs of spaces collapsed, upper case kept as given.

Parsing (X12 element text -> domain value, None when empty or malformed):
- `parse_date(text) -> date | None` (CCYYMMDD, or YYMMDD read as 20YY/19YY),
  `parse_date_range(text) -> tuple[date, date] | None` (RD8), `parse_amount(text) -> Decimal | None`.

Building:
- `SegmentWriter(delimiters=Delimiters.DEFAULT)`: ``w.add("NM1", "85", "2", name, None, ...)``
  appends one segment. ``None`` and "" are empty elements; trailing empty elements are
  dropped; a tuple or list is a composite joined with the component separator (its own
  trailing empty components dropped). ``w.segments`` is the list of segment strings
  without terminators; ``len(w)`` counts them; ``w.extend(other)`` appends another writer's.
  Call `x12_text` on free text yourself: `add` does not clean values (codes, dates and
  amounts need no cleaning and the writer stays fast).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from openrcm.x12.tokenizer import Delimiters

# X12 basic + extended character set (upper/lower letters, digits, space and punctuation),
# less the characters commonly used as delimiters.
_UNSAFE = re.compile(r"[^A-Za-z0-9 !\"&'()+,\-./;?=%@\[\]_{}\\|<>#$]")
_SPACES = re.compile(r" {2,}")


@lru_cache(maxsize=8192)
def x12_date(value: date) -> str:
    """CCYYMMDD."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def x12_time(value: time) -> str:
    """HHMM."""
    return f"{value.hour:02d}{value.minute:02d}"


def x12_date_range(start: date, end: date) -> str:
    """RD8: CCYYMMDD-CCYYMMDD."""
    return f"{x12_date(start)}-{x12_date(end)}"


@lru_cache(maxsize=65536)
def x12_amount(value: Decimal | int) -> str:
    """An X12 R value: plain notation, no trailing zeros after the point, no lone point."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", ""}:
        return "0"
    return text


x12_decimal = x12_amount


@lru_cache(maxsize=65536)
def x12_text(value: str) -> str:
    """Free text safe for X12: ASCII, no delimiter characters, single spaces."""
    if value.isascii() and _UNSAFE.search(value) is None and "  " not in value:
        return value.strip()
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    cleaned = _SPACES.sub(" ", _UNSAFE.sub(" ", folded)).strip()
    return cleaned


def parse_date(text: str) -> date | None:
    """CCYYMMDD (or YYMMDD) as a date; None when empty or not a real date."""
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        if len(text) == 6 and text.isdigit():
            year = int(text[:2])
            return date(2000 + year if year < 50 else 1900 + year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None
    return None


def parse_date_range(text: str) -> tuple[date, date] | None:
    """RD8 CCYYMMDD-CCYYMMDD; None when malformed."""
    first, dash, second = text.partition("-")
    if not dash:
        return None
    start, end = parse_date(first), parse_date(second)
    if start is None or end is None:
        return None
    return start, end


def parse_amount(text: str) -> Decimal | None:
    """An R value as a Decimal; None when empty or not a number."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite():
        return None
    return value


class SegmentWriter:
    """Accumulates segments as strings (without terminators) for one transaction set body."""

    __slots__ = ("component", "delimiters", "element", "segments")

    def __init__(self, delimiters: Delimiters = Delimiters.DEFAULT) -> None:
        self.delimiters = delimiters
        self.element = delimiters.element
        self.component = delimiters.component
        self.segments: list[str] = []

    def add(
        self, segment_id: str, *elements: str | tuple[str | None, ...] | list[str | None] | None
    ) -> None:
        """Append one segment; trailing empty elements are dropped."""
        parts = [segment_id]
        append = parts.append
        for value in elements:
            if value.__class__ is str:
                append(value)
            elif value is None:
                append("")
            else:
                comps = ["" if c is None else c for c in value]
                while comps and not comps[-1]:
                    comps.pop()
                append(self.component.join(comps))
        while not parts[-1] and len(parts) > 1:
            parts.pop()
        self.segments.append(self.element.join(parts))

    def extend(self, other: SegmentWriter) -> None:
        self.segments.extend(other.segments)

    def __len__(self) -> int:
        return len(self.segments)
