"""Chunk edges: wherever a chunk of input ends, the same segments, split the fast way.

A chunk that ended between a terminator and its line break used to be split the slow way,
and so did every chunk after it (each then began with that line break): more than half of
the bench's 100,000-claim 837P."""

from __future__ import annotations

import io

import pytest
from x12_support import envelope

from openrcm.x12.tokenizer import batches, tokenize

BODY = """
BHT*0019*00*0123*20240102*1200*CH~
CLM*PCN1*125.5***11:B:1*Y*A*Y*Y~
HI*ABK:E1140^ABF:I10~
LX*1~
SV1*HC:99213*125.5*UN*1***1~
DTP*472*D8*20240102~
"""


def _segments(source: str | io.StringIO, chunk_size: int) -> list[tuple[list[str], int, int]]:
    return [(s.elements, s.index, s.offset) for s in tokenize(source, chunk_size=chunk_size)]


@pytest.mark.parametrize("line_break", ["\n", "\r\n"])
def test_every_chunk_size_reads_the_same_segments(line_break: str) -> None:
    text = (envelope(BODY) * 4).replace("\n", line_break)
    whole = _segments(text, 1 << 20)
    assert len(whole) == 4 * 12
    for chunk_size in range(1, 260):
        assert _segments(io.StringIO(text), chunk_size) == whole, chunk_size


def test_a_chunk_ending_after_a_terminator_keeps_the_fast_way() -> None:
    text = envelope(BODY) * 20
    cuts = {k for k in range(len(text)) if text[k - 1 : k + 1] == "~\n"}
    for chunk_size in range(120, 400):
        if not any(at % chunk_size == 0 for at in cuts):
            continue  # no chunk of this size ends between a terminator and its line break
        read = list(batches(io.StringIO(text), chunk_size=chunk_size))
        assert all(batch._text is not None for batch in read), chunk_size  # the fast way


def test_the_chunk_after_one_split_the_slow_way_is_split_the_fast_way() -> None:
    odd = envelope(BODY).replace("CLM*", "\tCLM*", 1)  # a tab: its chunk goes the slow way
    text = odd + envelope(BODY) * 30
    read = list(batches(io.StringIO(text), chunk_size=len(odd) + 10))
    assert read[0]._text is None
    assert all(batch._text is not None for batch in read[1:])
    assert [p for batch in read for p in batch.parts] == [
        p for batch in batches(text) for p in batch.parts
    ]
