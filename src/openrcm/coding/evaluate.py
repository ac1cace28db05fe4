"""Scoring coded output against gold codes, as CodiEsp does, and the title-match baseline.

Micro precision, recall and F1 count (document, code) pairs, compared as sets per document.
MAP (mean average precision) reads each document's codes in the submitted order: average
precision is the mean of precision@k over the ranks k holding a gold code, divided by all
the document's gold codes, and MAP averages it over every document with gold codes.
Codes are compared in CodiEsp style (lower case; ICD-10-CM with the dot). Unlike the
official script, predictions are not filtered by the 2018 valid-code list (not shipped).

The baseline suggests a code when its full ICD-10-CM title occurs word for word in the note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openrcm.codes import Icd10cmIndex
    from openrcm.coding.engine import CodingEngine


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    map: float
    predicted: int
    gold: int
    true_positives: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "map": round(self.map, 4),
            "predicted": self.predicted,
            "gold": self.gold,
            "true_positives": self.true_positives,
        }


def score(predictions: Mapping[str, Sequence[str]], gold: Mapping[str, Iterable[str]]) -> Scores:
    """Micro P/R/F1 and MAP of ranked predictions (best first) per document id."""
    tp = predicted = total = 0
    average_precisions = []
    for doc, codes in gold.items():
        truth = {c.lower() for c in codes}
        if not truth:
            continue
        ranked = list(dict.fromkeys(c.lower() for c in predictions.get(doc, ())))
        hits = 0
        precision_sum = 0.0
        for rank, code in enumerate(ranked, 1):
            if code in truth:
                hits += 1
                precision_sum += hits / rank
        average_precisions.append(precision_sum / len(truth))
        tp += hits
        predicted += len(ranked)
        total += len(truth)
    precision = tp / predicted if predicted else 0.0
    recall = tp / total if total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    mean_ap = sum(average_precisions) / len(average_precisions) if average_precisions else 0.0
    return Scores(precision, recall, f1, mean_ap, predicted, total, tp)


_WORDS = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


class TitleBaseline:
    """Codes whose whole title (lower case, punctuation ignored) occurs in the note."""

    def __init__(self, icd: Icd10cmIndex) -> None:
        self._titles: dict[tuple[str, ...], str] = {}
        self._longest = 1
        for code in icd.codes():
            record = icd.get(code)
            if record is None:  # pragma: no cover
                continue
            words = tuple(_words(record.title))
            if not words:
                continue
            known = self._titles.get(words)
            # several codes can share a title (a category and its only code): keep billable
            if known is None or (record.billable and not icd.get(known).billable):  # type: ignore[union-attr]
                self._titles[words] = code
            self._longest = max(self._longest, len(words))

    def predict(self, text: str) -> list[str]:
        """Matching codes (CodiEsp style), longest title first."""
        words = _words(text)
        found: dict[str, int] = {}
        for i in range(len(words)):
            for n in range(1, min(self._longest, len(words) - i) + 1):
                code = self._titles.get(tuple(words[i : i + n]))
                if code is not None:
                    found[code] = max(found.get(code, 0), n)
        from openrcm.codes import icd10cm_dotted

        ranked = sorted(found, key=lambda c: (-found[c], c))
        return [icd10cm_dotted(c).lower() for c in ranked]


def evaluate_split(
    engine: CodingEngine,
    corpus: Path,
    split: str,
    *,
    limit: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, Any]:
    """Score the engine (its policy, and that policy with each guideline switched the other
    way), the title baseline and procedures on a split. Notes are ranked once.

    `by_policy` scores the same rankings under both named policies (US outpatient rules
    and CodiEsp's own convention), whichever the engine's is; `ranking` scores the full
    candidate ranking before any threshold or guideline (MAP as CodiEsp participants
    submitted it, and candidate recall)."""
    from dataclasses import fields, replace

    from openrcm.coding.corpus import load_split
    from openrcm.coding.guidelines import Policy

    notes = load_split(corpus, split)[:limit]
    baseline = TitleBaseline(engine.icd)
    policy = engine.policy
    variants = {
        f"{f.name}={not getattr(policy, f.name)}": replace(
            policy, **{f.name: not getattr(policy, f.name)}
        )
        for f in fields(policy)
    }
    named = {"us": Policy(), "codiesp": Policy.codiesp()}
    runs = {"engine": policy, **variants, **{f"policy:{k}": v for k, v in named.items()}}
    predicted: dict[str, dict[str, list[str]]] = {name: {} for name in runs}
    procedures: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    ranked_all: dict[str, list[str]] = {}
    for done, note in enumerate(notes, 1):
        ranking = engine.rank(note.text)
        ranked_all[note.doc_id] = [s.code for s in ranking.diagnoses]
        for name, chosen in runs.items():
            result = engine.decide(ranking, policy=chosen)
            ranked = sorted(result.suggestions, key=lambda s: -s.score)
            predicted[name][note.doc_id] = [s.code.lower() for s in ranked]
            if name == "engine":
                procedures[note.doc_id] = [s.code.lower() for s in result.procedures]
        titles[note.doc_id] = baseline.predict(note.text)
        if progress:
            progress("scoring notes", done, len(notes))
    diagnoses = {n.doc_id: n.diagnoses for n in notes}
    full = score(ranked_all, diagnoses)
    return {
        "split": split,
        "documents": len(notes),
        "diagnoses": score(predicted["engine"], diagnoses).as_dict(),
        "baseline": score(titles, diagnoses).as_dict(),
        "procedures": score(procedures, {n.doc_id: n.procedures for n in notes}).as_dict(),
        "policies": {name: score(predicted[name], diagnoses).as_dict() for name in variants},
        "policy": next((k for k, v in named.items() if v == policy), "custom"),
        "by_policy": {k: score(predicted[f"policy:{k}"], diagnoses).as_dict() for k in named},
        "ranking": {"map": round(full.map, 4), "candidate_recall": round(full.recall, 4)},
        "train": {
            "notes": engine.models.notes,
            "diagnoses": engine.models.diagnoses.stats,
            "procedures": engine.models.procedures.stats,
        },
    }
