"""Cheap context cues the ranker reads: where negating, hedging, looking-back and family
words reach in a sentence."""

from __future__ import annotations

import pytest

from openrcm.coding.cues import CUES, CueZones
from openrcm.coding.features import prepare

NOTE = (
    "Lyme serology and chest X-ray were negative. "
    "The patient denies chest pain. "
    "Mother had breast cancer. "
    "Suspected pneumonia, but fever is present. "
    "History of appendicitis in childhood. "
    "Abdominal pain radiating to the back."
)


def flags_at(word: str, nth: int = 0) -> dict[str, float]:
    note = prepare(NOTE)
    at = -1
    for _ in range(nth + 1):
        at = NOTE.index(word, at + 1)
    return dict(zip(CUES, CueZones(note.text, note.bounds).shares([at]), strict=True))


@pytest.mark.parametrize(
    ("word", "nth", "cue"),
    [
        ("Lyme", 0, "negated_after"),  # "... were negative" negates what comes before it
        ("chest pain", 0, "negated_before"),
        ("breast", 0, "family"),
        ("pneumonia", 0, "uncertain"),
        ("appendicitis", 0, "historical"),
    ],
)
def test_a_cue_reaches_the_mention_it_speaks_of(word: str, nth: int, cue: str) -> None:
    flags = flags_at(word, nth)
    assert flags[cue] == 1.0
    assert all(v == 0.0 for k, v in flags.items() if k != cue)


def test_a_cue_stops_at_but_and_at_the_sentence_end() -> None:
    assert set(flags_at("fever").values()) == {0.0}  # "Suspected pneumonia, but fever"
    assert set(flags_at("Abdominal").values()) == {0.0}  # nothing in its sentence


def test_shares_count_each_mention() -> None:
    note = prepare(NOTE)
    zones = CueZones(note.text, note.bounds)
    pain = [NOTE.index("chest pain"), NOTE.index("Abdominal pain")]
    assert dict(zip(CUES, zones.shares(pain), strict=True))["negated_before"] == 0.5
    assert zones.shares([]) == [0.0] * len(CUES)
