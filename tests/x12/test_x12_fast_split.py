"""`_fast_split` takes exactly the chunks `_fast_token` takes, split the same way."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from openrcm.x12.tokenizer import _fast_split, _fast_token

BASE = "ST*837*0001~\nBHT*0019*00*1~\nNM1*41*2*A B~\nHL*1**20*1~\nSE*4*0001~\n"
PIECES = ["~", "\n", "~\n", " ", "\r", "\r\n", "\t", "*", "A", "~\n~\n", " ~", "~\n "]


@settings(max_examples=400, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, len(BASE)), st.sampled_from(PIECES)), max_size=3),
    sep=st.sampled_from(["~", "\n", "*"]),
    cut=st.integers(0, len(BASE)),
)
def test_fast_split_agrees_with_fast_token(
    edits: list[tuple[int, str]], sep: str, cut: int
) -> None:
    text = BASE
    for at, piece in sorted(edits, reverse=True):
        text = text[:at] + piece + text[at:]
    for buffer in (text, text[:cut] or "X"):
        token = _fast_token(buffer, sep)
        expected = None if token is None else (token, buffer.split(token))
        assert _fast_split(buffer, sep) == expected
