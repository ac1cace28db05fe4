"""The tokenizer: delimiters from the ISA, line breaks tolerated, streaming in chunks."""

from __future__ import annotations

import io

import pytest
from x12_support import envelope

from openrcm.x12 import Delimiters, X12Error, read_delimiters, read_envelope, tokenize

CLAIM_BODY = """
BHT*0019*00*0123*20240102*1200*CH~
CLM*PCN1*125.5***11:B:1*Y*A*Y*Y~
HI*ABK:E1140^ABF:I10~
"""


def test_delimiters_are_read_from_the_isa() -> None:
    text = envelope(CLAIM_BODY)
    assert read_delimiters(text) == Delimiters("*", ":", "^", "~")


def test_unusual_delimiters_split_segments_elements_and_components() -> None:
    text = envelope(CLAIM_BODY).replace("*", "|").replace(":", ">").replace("~", "!")
    segments = list(tokenize(text))
    assert segments[0].delimiters == Delimiters("|", ">", "^", "!")
    clm = next(s for s in segments if s.id == "CLM")
    assert clm.element(1) == "PCN1"
    assert clm.components(5) == ["11", "B", "1"]
    hi = next(s for s in segments if s.id == "HI")
    assert hi.repeats(1) == ["ABK>E1140", "ABF>I10"]


def test_a_004010_isa11_is_not_a_repetition_separator() -> None:
    text = envelope(CLAIM_BODY).replace("*^*00501*", "*U*00401*")
    assert read_delimiters(text).repetition is None


def test_crlf_and_trailing_whitespace_between_segments_are_ignored() -> None:
    plain = envelope(CLAIM_BODY).replace("\n", "")
    messy = "\ufeff  " + envelope(CLAIM_BODY).replace("~\n", "~\r\n  ") + "\r\n\r\n"
    assert [s.elements for s in tokenize(plain)] == [s.elements for s in tokenize(messy)]


def test_newline_as_segment_terminator() -> None:
    text = envelope(CLAIM_BODY).replace("~\n", "\n")
    ids = [s.id for s in tokenize(text)]
    assert ids == ["ISA", "GS", "ST", "BHT", "CLM", "HI", "SE", "GE", "IEA"]


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
def test_a_file_object_streams_in_chunks_with_the_same_segments(chunk_size: int) -> None:
    text = envelope(CLAIM_BODY) * 3
    whole = [(s.elements, s.index, s.offset) for s in tokenize(text)]
    streamed = [
        (s.elements, s.index, s.offset) for s in tokenize(io.StringIO(text), chunk_size=chunk_size)
    ]
    assert streamed == whole
    assert len(whole) == 27


def test_offsets_point_at_the_segment_start() -> None:
    text = envelope(CLAIM_BODY).replace("~\n", "~\r\n")
    for seg in tokenize(text):
        assert text[seg.offset : seg.offset + len(seg.id)] == seg.id


def test_a_later_interchange_may_declare_other_delimiters() -> None:
    first = envelope(CLAIM_BODY)
    second = envelope(CLAIM_BODY).replace("*", "|").replace("~", "\n").replace("\n\n", "\n")
    doc = read_envelope(first + second)
    assert len(doc.interchanges) == 2
    assert doc.interchanges[1].delimiters.element == "|"
    assert doc.findings == []
    clms = [s for ts in doc.transactions for s in ts.segments if s.id == "CLM"]
    assert [c.element(2) for c in clms] == ["125.5", "125.5"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "GS*HC*X~", "ISA", "ISA*00*  *00", "ISA*00*" + "*" * 14, "ISA1001"],
)
def test_input_without_a_readable_isa_raises_x12error_with_a_position(text: str) -> None:
    with pytest.raises(X12Error) as raised:
        list(tokenize(text))
    assert raised.value.offset >= 0
    assert "character" in str(raised.value)
