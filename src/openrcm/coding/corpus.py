"""Coded notes to learn from and to score against: the CodiEsp corpus layout.

A split folder holds `text_files_en/<doc_id>.txt` and `<split>D.tsv` / `<split>P.tsv` with
`doc_id<TAB>code` lines (ICD-10-CM diagnoses lower case with the dot; ICD-10-PCS procedures).
`<split>X.tsv` gives each code's evidence spans as character offsets into the *Spanish*
original (not shipped) and the Spanish wording; `align.Aligner` turns them into
estimated offsets in the English translation (a cognate of the evidence near the offset's
share of the English text) and the English words that render the evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openrcm.coding.align import Aligner, Mention, learn_translations


@dataclass(frozen=True, slots=True)
class CodedNote:
    doc_id: str
    text: str
    diagnoses: frozenset[str]
    procedures: frozenset[str]
    # code -> estimated English character offsets of its mentions (from the X file)
    evidence: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    # code -> where the English renderings of its evidence words start (`align.Aligned.words`)
    evidence_words: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)


def read_gold(path: Path) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = defaultdict(set)
    if path.exists():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                raise ValueError(f"{path}:{number}: expected doc_id<TAB>code")
            gold[parts[0]].add(parts[1].strip().lower())
    return gold


def read_evidence(path: Path) -> dict[str, dict[str, list[Mention]]]:
    """doc_id -> code -> its mentions (Spanish start offset and wording), from an X file."""
    found: dict[str, dict[str, list[Mention]]] = defaultdict(lambda: defaultdict(list))
    if path.exists():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 5:
                raise ValueError(f"{path}:{number}: expected doc_id, label, code, text, offsets")
            try:
                start = int(parts[4].split(";")[0].split()[0])
            except (ValueError, IndexError):
                raise ValueError(f"{path}:{number}: bad offsets {parts[4]!r}") from None
            found[parts[0]][parts[2].strip().lower()].append(Mention(start, parts[3]))
    return found


def load_split(root: Path, split: str) -> list[CodedNote]:
    """Every note of `split` (train, dev) under `root` with its gold codes."""
    folder = root / split
    texts = folder / "text_files_en"
    if not texts.is_dir():
        raise FileNotFoundError(f"no coded notes at {texts}")
    diagnoses = read_gold(folder / f"{split}D.tsv")
    procedures = read_gold(folder / f"{split}P.tsv")
    evidence = read_evidence(folder / f"{split}X.tsv")
    documents = [
        (path.stem, path.read_text(encoding="utf-8")) for path in sorted(texts.glob("*.txt"))
    ]
    # the split's own evidence teaches the words that no cognate renders ("dolor" -> "pain")
    aligner = Aligner(learn_translations((text, evidence.get(doc, {})) for doc, text in documents))
    notes = []
    for doc, text in documents:
        aligned = aligner.align(text, evidence.get(doc, {}))
        notes.append(
            CodedNote(
                doc,
                text,
                frozenset(diagnoses.get(doc, ())),
                frozenset(procedures.get(doc, ())),
                aligned.offsets,
                aligned.words,
            )
        )
    return notes
