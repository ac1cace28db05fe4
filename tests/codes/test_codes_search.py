"""ICD-10-CM search: clinicians' words find the right code near the top."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrcm.codes import default_code_sets, normalize_code

QUERIES = [
    tuple(line.split("\t"))
    for line in (Path(__file__).parent / "clinician_queries.tsv").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


@pytest.fixture(scope="module")
def icd():
    return default_code_sets().icd10cm


def test_there_are_enough_hand_written_queries() -> None:
    assert len(QUERIES) >= 50
    assert len({q for q, _ in QUERIES}) == len(QUERIES)


def test_clinician_queries_find_the_expected_code_in_the_top_three(icd) -> None:
    misses = []
    for query, expected in QUERIES:
        top = [hit.code for hit in icd.search(query, limit=3)]
        if normalize_code(expected) not in top:
            misses.append(f"{query!r}: expected {expected}, got {top}")
    hits = len(QUERIES) - len(misses)
    # at least 50 queries, and at least 95% of them, find their code in the top 3
    assert hits >= 50 and hits >= 0.95 * len(QUERIES), "\n".join(misses)


def test_expected_codes_are_real_billable_codes(icd) -> None:
    for _, expected in QUERIES:
        assert icd.is_billable(expected), expected


def test_word_order_plural_and_abbreviation_do_not_matter(icd) -> None:
    first = [h.code for h in icd.search("type 2 diabetes with neuropathy", limit=3)]
    assert "E1140" in first
    assert "E1140" in [h.code for h in icd.search("neuropathy type 2 diabetes", limit=3)]
    assert "E1140" in [h.code for h in icd.search("T2DM neuropathies", limit=3)]


def test_billable_filter_and_chapter_filter(icd) -> None:
    hits = icd.search("diabetes", limit=20, billable_only=True)
    assert hits and all(h.billable for h in hits)
    in_chapter = icd.search("ulcer", limit=20, chapter="12")  # skin
    assert in_chapter and all(h.code.startswith("L") for h in in_chapter)
    assert icd.search("ulcer", limit=5, chapter="L00-L99")[0].code.startswith("L")


def test_results_are_best_first_with_scores_between_zero_and_one_point_one(icd) -> None:
    hits = icd.search("acute appendicitis", limit=10)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1.1 for s in scores)


def test_nonsense_finds_nothing(icd) -> None:
    assert icd.search("qwxzzv", limit=5) == []
    assert icd.search("", limit=5) == []


def test_negation_is_respected(icd) -> None:
    top = icd.search("migraine with aura", limit=1)[0]
    assert "without aura" not in top.title.lower()
