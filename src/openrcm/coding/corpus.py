"""Coded notes to learn from and to score against: the CodiEsp corpus layout.

A split folder holds `text_files_en/<doc_id>.txt` and `<split>D.tsv` / `<split>P.tsv` with
`doc_id<TAB>code` lines (ICD-10-CM diagnoses lower case with the dot; ICD-10-PCS procedures).
`<split>X.tsv` gives each code's evidence spans as character offsets into the *Spanish*
original (not shipped); `evidence_positions` turns them into estimated offsets in the
English translation: the translation keeps the sentence order, and an offset's share of
the Spanish text is close to the same share of the English one (measured on train mentions
whose Spanish word also appears once, unchanged, in the English text: median error 1.7 % of
the note, 90th percentile 7.8 %). The Spanish text is about 1.1 times as long as the English.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CodedNote:
    doc_id: str
    text: str
    diagnoses: frozenset[str]
    procedures: frozenset[str]
    # code -> estimated English character offsets of its mentions (from the X file)
    evidence: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)


SPANISH_LENGTH = 1.1  # Spanish characters per English character of the translation


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


def read_evidence(path: Path) -> dict[str, dict[str, list[int]]]:
    """doc_id -> code -> start offsets (Spanish text) of its mentions, from an X file."""
    found: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
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
            found[parts[0]][parts[2].strip().lower()].append(start)
    return found


def evidence_positions(text: str, spanish: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    """Estimated English offsets of each code's mentions (see the module docstring)."""
    if not spanish:
        return {}
    last = max(s for starts in spanish.values() for s in starts)
    length = max(SPANISH_LENGTH * len(text), last + 1.0)
    return {
        code: tuple(sorted({min(len(text), round(s / length * len(text))) for s in starts}))
        for code, starts in spanish.items()
    }


def load_split(root: Path, split: str) -> list[CodedNote]:
    """Every note of `split` (train, dev) under `root` with its gold codes."""
    folder = root / split
    texts = folder / "text_files_en"
    if not texts.is_dir():
        raise FileNotFoundError(f"no coded notes at {texts}")
    diagnoses = read_gold(folder / f"{split}D.tsv")
    procedures = read_gold(folder / f"{split}P.tsv")
    evidence = read_evidence(folder / f"{split}X.tsv")
    notes = []
    for path in sorted(texts.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        notes.append(
            CodedNote(
                path.stem,
                text,
                frozenset(diagnoses.get(path.stem, ())),
                frozenset(procedures.get(path.stem, ())),
                evidence_positions(text, evidence.get(path.stem, {})),
            )
        )
    return notes
