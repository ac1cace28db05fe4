"""Tokens: clinicians' words meet the tabular list's (synonyms and abbreviations), both ways."""

from __future__ import annotations

from openrcm.coding.features import prepare
from openrcm.coding.knowledge import Knowledge
from openrcm.coding.text import term_stems, tokens


def stems(text: str) -> list[str]:
    return [t.stem for t in tokens(text)]


def test_a_synonym_and_the_tabular_word_give_the_same_stems() -> None:
    assert stems("chronic renal failure") == stems("chronic kidney failure")
    assert stems("hepatic metastases") == stems("liver secondary malignant neoplasm")
    # a term matches in any order
    assert set(term_stems("Malignant neoplasm of prostate")) == set(
        stems("prostate adenocarcinoma")
    )


def test_a_rewritten_word_keeps_its_place_in_the_note() -> None:
    text = "Known renal tumor."
    spans = {(t.stem, text[t.start : t.end]) for t in tokens(text)}
    assert ("kidney", "renal") in spans
    assert ("neoplasm", "tumor") in spans


def match(knowledge: Knowledge, text: str) -> set[str]:
    note = prepare(text)
    return {
        m.code for s in note.sentences for m in knowledge.match(s, partial=1.0) if m.coverage == 1
    }


def test_the_notes_words_reach_codes_the_tabular_list_words_differently(
    knowledge: Knowledge,
) -> None:
    assert "c61" in match(knowledge, "Biopsy showed a prostate adenocarcinoma.")
    assert "c78.00" in match(knowledge, "CT showed multiple lung metastases.")
    assert "r58" in match(knowledge, "There was bleeding after the procedure.")


def test_the_term_index_cache_follows_the_word_tables(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openrcm.coding import text
    from openrcm.coding.knowledge import vocabulary_digest

    before = vocabulary_digest()
    monkeypatch.setitem(text.SYNONYMS, "nephritic", "kidney")
    assert vocabulary_digest() != before
    monkeypatch.undo()
    assert vocabulary_digest() == before
