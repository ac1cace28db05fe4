"""Coded notes to learn from and to score against: the CodiEsp corpus layout.

A split folder holds `text_files_en/<doc_id>.txt` and `<split>D.tsv` / `<split>P.tsv` with
`doc_id<TAB>code` lines (ICD-10-CM diagnoses lower case with the dot; ICD-10-PCS procedures).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CodedNote:
    doc_id: str
    text: str
    diagnoses: frozenset[str]
    procedures: frozenset[str]


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


def load_split(root: Path, split: str) -> list[CodedNote]:
    """Every note of `split` (train, dev) under `root` with its gold codes."""
    folder = root / split
    texts = folder / "text_files_en"
    if not texts.is_dir():
        raise FileNotFoundError(f"no coded notes at {texts}")
    diagnoses = read_gold(folder / f"{split}D.tsv")
    procedures = read_gold(folder / f"{split}P.tsv")
    return [
        CodedNote(
            path.stem,
            path.read_text(encoding="utf-8"),
            frozenset(diagnoses.get(path.stem, ())),
            frozenset(procedures.get(path.stem, ())),
        )
        for path in sorted(texts.glob("*.txt"))
    ]
