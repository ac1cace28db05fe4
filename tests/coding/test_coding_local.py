"""Evidence offsets from the CodiEsp X file and the local lexicon counts they feed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from openrcm.coding.align import (
    Aligner,
    Mention,
    align,
    cognates,
    learn_translations,
    plain,
)
from openrcm.coding.corpus import load_split, read_evidence
from openrcm.coding.features import prepare
from openrcm.coding.lexicon import PairCounts, local_phrases, mention_phrases, note_phrases

# two long sentences apart, so the window around one mention does not reach the other
FILLER = " ".join(["The ward was quiet and the staff were kind all week long."] * 6)


def _note(first: str, second: str) -> str:
    return f"{first}\n{FILLER}\n{FILLER}\n{second}\n"


def test_x_mentions_keep_their_spanish_offset_and_wording(tmp_path: Path) -> None:
    x = tmp_path / "trainX.tsv"
    x.write_text(
        "doc-1\tDIAGNOSTICO\tr50.9\tfiebre\t0 6\n"
        "doc-1\tDIAGNOSTICO\ti10\thipertensión arterial\t1100 1112;1120 1128\n"
        "doc-1\tPROCEDIMIENTO\tbw03zzz\tRx tórax\t550 558\n"
    )
    found = read_evidence(x)
    assert found["doc-1"] == {
        "r50.9": [Mention(0, "fiebre")],
        "i10": [Mention(1100, "hipertensión arterial")],
        "bw03zzz": [Mention(550, "Rx tórax")],
    }


def test_an_offset_without_a_cognate_nearby_keeps_its_share_of_the_english_text() -> None:
    text = "x" * 1000  # the Spanish text is taken as 1.1 times as long: 1100 characters
    mentions = {
        "r50.9": [Mention(0, "fiebre")],
        "bw03zzz": [Mention(550, "Rx tórax")],
        "i10": [Mention(1100, "hipertensión arterial")],
    }
    positions = align(text, mentions).offsets
    assert positions["r50.9"] == (0,)
    # the last mention starts at 1100, so the Spanish text is taken as 1101 characters long
    assert positions["bw03zzz"] == (round(550 / 1101 * 1000),)
    assert positions["i10"] == (999,)
    assert align(text, {}) == ({}, {})


def test_a_cognate_near_the_estimate_anchors_the_mention() -> None:
    filler = "The ward was quiet and the staff were kind all week long. " * 3
    text = f"{filler}She had arterial hypertension and leukocytosis. {filler}Then a cystoprostatectomy."
    spanish = 1.1 * len(text)
    at = text.index("hypertension")
    guess = round((at - 40) * 1.1)  # the proportional estimate lands a sentence early
    found = align(
        text,
        {
            "i10": [Mention(guess, "hipertensión arterial")],
            "d72.829": [Mention(guess, "leucocitosis")],
            "0vt0": [Mention(round(spanish) - 30, "cistoprostatectomía radical")],
            "r52": [Mention(guess, "dolor")],  # no cognate: the estimate stays
        },
    ).offsets
    assert found["i10"] == (text.index("arterial"),)  # the nearest cognate word
    assert found["d72.829"] == (text.index("leukocytosis"),)
    assert found["0vt0"] == (text.index("cystoprostatectomy"),)
    assert found["r52"] == (round(guess / spanish * len(text)),)


def test_the_english_words_of_an_anchored_mention_are_kept() -> None:
    filler = "The ward was quiet and the staff were kind all week long. " * 3
    text = f"{filler}On interferon, she had arterial hypertension. {filler}"
    guess = round(text.index("hypertension") * 1.1)
    aligned = align(
        text,
        {
            "i10": [Mention(guess, "hipertensión arterial")],
            "r52": [Mention(guess, "dolor")],  # nothing to anchor on: no words either
        },
    )
    assert aligned.words["i10"] == (text.index("arterial"), text.index("hypertension"))
    assert "r52" not in aligned.words and aligned.offsets["r52"]
    assert aligned.offsets["i10"] == (text.index("hypertension"),)  # the anchor itself


# English and Spanish wording of findings whose words are cognates
COGNATE_FINDINGS = [
    ("hypertension", "hipertensión"),
    ("leukocytosis", "leucocitosis"),
    ("splenomegaly", "esplenomegalia"),
    ("bronchitis", "bronquitis"),
    ("hepatomegaly", "hepatomegalia"),
    ("cholecystitis", "colecistitis"),
    ("thrombosis", "trombosis"),
    ("diverticulitis", "diverticulitis"),
    ("anemia", "anemia"),
]


def _findings_note(first: str) -> tuple[str, dict[str, list[Mention]]]:
    """A note of well separated findings, each with its Spanish mention at the offset the
    Spanish text (1.1 times as long) would give it."""
    findings = [(first, "dolor abdominal"), *COGNATE_FINDINGS]
    text = FILLER.join(f" She had {english}. " for english, _ in findings)
    mentions = {
        f"code-{i}": [Mention(round(text.index(english) * 1.1), spanish)]
        for i, (english, spanish) in enumerate(findings)
    }
    return text, mentions


def test_words_no_cognate_renders_are_learned_from_the_anchored_mentions() -> None:
    notes = [
        _findings_note(wording) for wording in ("abdominal pain", "pain in the abdominal wall")
    ]
    notes += [_findings_note("abdominal pain, colicky") for _ in range(2)]
    learned = learn_translations(notes)
    # "dolor" is always near "pain" and "pain" is near no other finding
    assert learned["dolor"] == frozenset({"pain"})
    assert not any("abdominal" in english for english in learned.values())
    assert "hipertension" not in learned  # a cognate renders it already
    # "dolor" alone now anchors on "pain", which cognates alone cannot
    text = f"{FILLER} Severe pain at night. {FILLER}"
    guess = round((text.index("pain") - 30) * 1.1)
    mentions = {"r52": [Mention(guess, "dolor")]}
    assert align(text, mentions).offsets["r52"] == (text.index("pain") - 30,)
    aligned = Aligner(learned).align(text, mentions)
    assert aligned.offsets["r52"] == (text.index("pain"),)
    assert aligned.words["r52"] == (text.index("pain"),)


def test_words_are_cognates_when_they_look_alike_once_spellings_are_folded() -> None:
    pairs = [
        ("Hipertensión", "hypertension"),
        ("insuficiencia", "insufficiency"),
        ("leucocitosis", "leukocytosis"),
        ("bronquitis", "bronchitis"),
        ("esplenomegalia", "splenomegaly"),
        ("cistoprostatectomía", "cystoprostatectomy"),
    ]
    for spanish, english in pairs:
        assert cognates(plain(spanish), plain(english)), (spanish, english)
    assert cognates("asma", "asma") and not cognates("asma", "asthma")  # short: equal only
    assert not cognates("dolor", "pain") and not cognates(plain("fiebre"), "fever")


def test_a_bad_offset_is_refused_with_its_line(tmp_path: Path) -> None:
    x = tmp_path / "devX.tsv"
    x.write_text("doc-1\tDIAGNOSTICO\tr52\tdolor\tabc\n")
    with pytest.raises(ValueError, match=r"devX\.tsv:1"):
        read_evidence(x)


def test_load_split_attaches_evidence_offsets(tmp_path: Path) -> None:
    folder = tmp_path / "train"
    (folder / "text_files_en").mkdir(parents=True)
    (folder / "text_files_en" / "doc-1.txt").write_text("Fever.\nHypertension.\n")
    (folder / "trainD.tsv").write_text("doc-1\tr50.9\ndoc-1\ti10\n")
    (folder / "trainX.tsv").write_text(
        "doc-1\tDIAGNOSTICO\tr50.9\tfiebre\t0 6\ndoc-1\tDIAGNOSTICO\ti10\thta\t9 12\n"
    )
    (note,) = load_split(tmp_path, "train")
    assert note.diagnoses == {"r50.9", "i10"}
    assert note.evidence["r50.9"] == (0,)
    assert 0 < note.evidence["i10"][0] < len(note.text)
    # "fiebre" has no cognate in "Fever": no English words; "hta" is too short to anchor
    assert note.evidence_words == {}


def test_local_phrases_are_those_near_the_code_evidence() -> None:
    text = _note("High fever on admission.", "Known essential hypertension.")
    note = prepare(text)
    near = local_phrases(
        note.sentences,
        note.bounds,
        {"r50.9": (0,), "i10": (text.index("Known"),)},
        len(text),
    )
    assert "fever" in near["r50.9"] and "hypertens" not in near["r50.9"]
    assert "hypertens" in near["i10"] and "fever" not in near["i10"]


def test_local_precision_separates_a_code_from_a_phrase_that_only_shares_its_notes() -> None:
    notes = [
        _note("High fever on admission.", "Known essential hypertension."),
        _note("Fever of 39 degrees.", "Hypertension treated with enalapril."),
        _note("No fever today.", "A cough."),
    ]
    gold = [frozenset({"r50.9", "i10"}), frozenset({"r50.9", "i10"}), frozenset({"r05.9"})]
    evidence = [
        {"r50.9": (0,), "i10": (n.index("Known") if "Known" in n else n.index("Hyper"),)}
        for n in notes[:2]
    ] + [{"r05.9": (notes[2].index("A cough"),)}]
    prepared = [prepare(n) for n in notes]
    local = [
        local_phrases(p.sentences, p.bounds, ev, len(p.text))
        for p, ev in zip(prepared, evidence, strict=True)
    ]
    counts = PairCounts([note_phrases(p.sentences) for p in prepared], gold, local)
    lexicon = counts.lexicon()
    hits = lexicon.hits(prepare("Fever and hypertension.").sentences)
    fever_i10 = next(h for h in hits["i10"] if h.phrase == "fever")
    fever_r50 = next(h for h in hits["r50.9"] if h.phrase == "fever")
    # "fever" is in both notes coded I10, but never next to the I10 evidence
    assert fever_i10.precision == fever_r50.precision == pytest.approx(2 / 4)
    assert fever_r50.local == pytest.approx(2 / 4)
    assert fever_i10.local == 0.0


def test_a_rare_phrase_beside_a_code_seen_once_joins_the_lexicon() -> None:
    notes = [
        _note("A retroperitoneal liposarcoma was resected.", "Discharged home."),
        _note("A cough.", "Discharged home."),
    ]
    gold = [frozenset({"c48.0"}), frozenset({"r05.9"})]
    evidence = [{"c48.0": (0,)}, {"r05.9": (0,)}]
    prepared = [prepare(n) for n in notes]
    local = [
        local_phrases(p.sentences, p.bounds, ev, len(p.text))
        for p, ev in zip(prepared, evidence, strict=True)
    ]
    plain = PairCounts([note_phrases(p.sentences) for p in prepared], gold).lexicon()
    assert "c48.0" not in plain.hits(prepare("Liposarcoma.").sentences)
    lexicon = PairCounts([note_phrases(p.sentences) for p in prepared], gold, local).lexicon()
    (hit, *_) = lexicon.hits(prepare("Liposarcoma.").sentences)["c48.0"]
    assert hit.local == pytest.approx(1 / 2)
    # a phrase of the same note far from the evidence does not propose the code
    assert "c48.0" not in lexicon.hits(prepare("Discharged home.").sentences)


def test_mention_precision_tells_the_evidence_from_its_sentence_mates() -> None:
    notes = [
        _note("On interferon, arterial hypertension was found.", "Discharged home."),
        _note("Hypertension since 2010.", "Interferon for hepatitis."),
        _note("Interferon was stopped.", "A cough."),
    ]
    gold = [frozenset({"i10"}), frozenset({"i10", "b18.2"}), frozenset({"r05.9"})]
    prepared = [prepare(n) for n in notes]
    words = [
        {"i10": (notes[0].index("arterial"), notes[0].index("hypertension"))},
        {"i10": (0,)},
        {},
    ]
    rendered = mention_phrases(prepared[0].phrases, words[0])["i10"]
    assert {"arteri", "hypertens", "arteri hypertens"} <= rendered
    assert "interferon" not in rendered and "discharg" not in rendered
    evidence = [{"i10": (0,)}, {"i10": (0,)}, {}]
    local = [
        local_phrases(p.sentences, p.bounds, ev, len(p.text))
        for p, ev in zip(prepared, evidence, strict=True)
    ]
    mentions = [mention_phrases(p.phrases, w) for p, w in zip(prepared, words, strict=True)]
    phrases = [note_phrases(p.sentences) for p in prepared]
    lexicon = PairCounts(phrases, gold, local, mentions).lexicon()
    hits = {
        h.phrase: h for h in lexicon.hits(prepare("Interferon; hypertension.").sentences)["i10"]
    }
    # both notes with "hypertension" render I10 with it; "interferon" only sits beside it
    assert hits["hypertens"].mention == pytest.approx(2 / 3)
    assert hits["interferon"].local > 0.0 and hits["interferon"].mention == 0.0
    # whichever code: notes where "hypertension" rendered some code's evidence
    assert lexicon.rendering["hypertens"] == pytest.approx(2 / 3)
    assert "interferon" not in lexicon.rendering
    from openrcm.coding.features import _Rendered

    text = "Interferon; hypertension."
    rendered = _Rendered(prepare(text), lexicon)
    at = text.index("hypertension")
    best, first, i10 = rendered.scores([(0, 10), (at, at + 12)], "i10")
    assert (best, first, i10) == (pytest.approx(2 / 3), 0.0, pytest.approx(2 / 3))
    assert rendered.scores([(at, at + 12)], "i15") == (pytest.approx(2 / 3),) * 2 + (0.0,)
    # and by category: "hypertension" rendered an I10 (category i10) in both its notes
    assert lexicon.category_rendering["hypertens"] == {"i10": pytest.approx(2 / 3)}
    # a lexicon counted without mentions has none
    plain = PairCounts(phrases, gold, local).lexicon()
    assert all(h.mention == 0.0 for h in plain.hits(prepared[0].sentences)["i10"])


def test_code_rates_say_how_often_a_proposed_code_was_gold() -> None:
    from openrcm.coding.model import CodeRates

    codes = ["r69", "r69", "r69", "r69", "i10", "i10", "i10.9"]
    labels = [0, 0, 0, 1, 1, 1, 0]
    rates = CodeRates.fit(codes, labels)
    base = 3 / 7
    r69, r69_seen, _, _ = rates.row("r69")
    i10, _, i_category, _ = rates.row("i10")
    assert r69 == pytest.approx((1 + 2 * base) / (4 + 2))
    assert i10 == pytest.approx((2 + 2 * base) / (2 + 2)) and i10 > r69
    assert i_category == pytest.approx((2 + 2 * base) / (3 + 2))  # i10 and i10.9
    assert r69_seen == pytest.approx(math.log1p(4))
    # a code never proposed in training gets the base rate and no count
    assert rates.row("z99.9") == pytest.approx((base, 0.0, base, 0.0))


def test_code_rates_of_each_fold_never_see_that_fold(knowledge) -> None:  # type: ignore[no-untyped-def]
    from openrcm.coding.model import OutOfFold, add_code_rates

    texts = [
        _note("High fever on admission." if i % 2 else "A dry cough.", "Known hypertension.")
        for i in range(10)
    ]
    prepared = [prepare(t) for t in texts]
    gold = [frozenset({"r50.9" if i % 2 else "r05.9", "i10"}) for i in range(10)]
    # one note alone carries a made-up code: its own fold's rate for it must be the unseen one
    gold[0] = gold[0] | {"q99.9"}
    data = OutOfFold(
        rows=[[] for _ in range(2)], labels=[1, 0], notes=[0, 1], codes=["q99.9", "q99.9"]
    )
    add_code_rates(data, prepared, gold, knowledge, folds=5, evidence=None)
    assert data.rows[0][1] == 0.0  # note 0's fold: q99.9 never proposed elsewhere
    assert len(data.rows[1]) == 4


def test_a_repeated_phrase_is_one_hit_that_keeps_every_occurrence() -> None:
    notes = [_note("Fever again.", "Fever at night."), _note("Fever.", "A cough.")]
    gold = [frozenset({"r50.9"}), frozenset({"r50.9"})]
    lexicon = PairCounts([note_phrases(prepare(n).sentences) for n in notes], gold).lexicon()
    text = "Fever on Monday. Then fever on Friday."
    (hit,) = [h for h in lexicon.hits(prepare(text).sentences)["r50.9"] if h.phrase == "fever"]
    assert [text[s:e] for s, e in hit.occurrences()] == ["Fever", "fever"]
    from openrcm.coding.features import Candidate

    assert Candidate("r50.9", [hit]).spans() == list(hit.occurrences())


def test_the_threshold_is_tuned_over_every_fold_out_of_fold() -> None:
    import random

    from openrcm.coding.model import OutOfFold, tune

    rng = random.Random(3)
    data = OutOfFold(gold=[frozenset({"a00"}) for _ in range(40)])
    for note in range(40):
        for code, label in (("a00", 1), ("b00", 0), ("c00", 0)):
            signal = label if rng.random() < 0.9 else 1 - label
            data.rows.append([signal + rng.random() * 0.1, rng.random()])
            data.labels.append(label)
            data.notes.append(note)
            data.codes.append(code)
    folds = [frozenset(i for i in range(40) if i % 4 == f) for f in range(4)]
    threshold, scores, stats = tune(data, folds)
    assert len(scores) == len(data.rows)  # every row scored, each by a model without its note
    gold = [s for s, label in zip(scores, data.labels, strict=True) if label]
    other = [s for s, label in zip(scores, data.labels, strict=True) if not label]
    assert sum(gold) / len(gold) > 0.5 > sum(other) / len(other)
    assert stats["tuning_notes"] == 40.0
    assert stats["tuning_candidate_recall"] == 1.0
    assert stats["tuning_f1"] > 0.8
    assert 0.05 < threshold < 0.95
