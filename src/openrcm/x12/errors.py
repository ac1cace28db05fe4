"""The one exception of the X12 engine: input that cannot be read as X12 at all.

Everything short of that (a wrong count, a missing segment, a bad code value) is a
`openrcm.domain.Finding` with a `SegmentRef`, returned as data. `X12Error` says where
reading stopped: the character offset in the input and, when known, the 1-based index
of the segment in the file.
"""

from __future__ import annotations


class X12Error(Exception):
    """Input that cannot be read as X12 at all. Anything less is a Finding."""

    def __init__(self, message: str, *, offset: int, segment_index: int | None = None) -> None:
        at = f"segment {segment_index}, " if segment_index is not None else ""
        super().__init__(f"{message} ({at}character {offset})")
        self.reason = message
        self.offset = offset
        self.segment_index = segment_index

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (_rebuild, (self.reason, self.offset, self.segment_index))


def _rebuild(message: str, offset: int, segment_index: int | None) -> X12Error:
    return X12Error(message, offset=offset, segment_index=segment_index)
