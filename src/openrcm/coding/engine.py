"""The coding engine: a clinical note in, ranked code suggestions and physician queries out.

`CodingEngine.load(corpus)` loads the ICD-10-CM knowledge and the models trained on the
corpus's train split (trained on first use, then cached); `suggest(text)` ranks candidate
codes, attaches evidence spans and context flags, applies the coding guidelines of its
`Policy` and writes the physician queries the documentation calls for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openrcm.coding.context import FLAGS, ContextDetector
from openrcm.coding.corpus import CodedNote, load_split
from openrcm.coding.features import Candidate, Note, add_context, prepare
from openrcm.coding.guidelines import Policy, apply_guidelines
from openrcm.coding.knowledge import Knowledge, load_knowledge
from openrcm.coding.model import Progress, Scored
from openrcm.coding.pcs import pcs_label
from openrcm.coding.queries import physician_queries
from openrcm.coding.result import CodingResult, Evidence, Suggestion
from openrcm.coding.training import TrainedModels, load_models, train_models

MAX_EVIDENCE = 3


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every candidate of one note, scored, before any guideline: for evaluation."""

    note: Note
    diagnoses: list[Scored]
    procedures: list[Scored]


class CodingEngine:
    def __init__(
        self,
        knowledge: Knowledge,
        models: TrainedModels,
        context: ContextDetector | None = None,
        policy: Policy | None = None,
    ) -> None:
        if knowledge.icd is None:
            raise ValueError("the coding engine needs the ICD-10-CM index")
        self.knowledge = knowledge
        self.icd = knowledge.icd
        self.models = models
        self.context = context if context is not None else ContextDetector()
        self.policy = policy or Policy()

    @classmethod
    def load(
        cls,
        corpus: Path,
        *,
        cache_dir: Path | None = None,
        policy: Policy | None = None,
        progress: Progress | None = None,
    ) -> CodingEngine:
        """An engine trained on `corpus`/train (CodiEsp layout); cached after the first time."""
        knowledge = load_knowledge()
        context = ContextDetector()
        notes = load_split(corpus, "train")
        models = load_models(notes, knowledge, cache_dir=cache_dir, progress=progress)
        return cls(knowledge, models, context, policy)

    @classmethod
    def train(
        cls,
        notes: Sequence[CodedNote],
        knowledge: Knowledge,
        *,
        policy: Policy | None = None,
        progress: Progress | None = None,
    ) -> CodingEngine:
        """An engine trained on these notes now, without the cache (tests, experiments)."""
        return cls(knowledge, train_models(notes, knowledge, progress=progress), None, policy)

    # -- ranking ---------------------------------------------------------------------------
    def rank(self, text: str) -> Ranking:
        note = prepare(text)
        return Ranking(
            note,
            self.models.diagnoses.rank(note, self.knowledge),
            self.models.procedures.rank(note, self.knowledge),
        )

    def suggest(self, text: str, *, policy: Policy | None = None) -> CodingResult:
        """Suggestions a coder reviews: guidelines applied, queries written."""
        return self.decide(self.rank(text), policy=policy)

    def decide(self, ranking: Ranking, *, policy: Policy | None = None) -> CodingResult:
        text = ranking.note.text
        chosen = self.models.diagnoses.decide(ranking.diagnoses)
        procedures_chosen = [
            s for s in ranking.procedures if s.score >= self.models.procedures.threshold
        ]
        unflagged = [s.candidate for s in (*chosen, *procedures_chosen) if not s.candidate.flags]
        if unflagged:
            add_context(ranking.note, unflagged, self.context)
        owners = _span_owners([s.candidate for s in chosen])
        diagnoses = [self._suggestion(s, text, "icd10cm", owners) for s in chosen]
        diagnoses = apply_guidelines(diagnoses, self.icd, text, policy or self.policy)
        procedures = [self._suggestion(s, text, "icd10pcs") for s in procedures_chosen]
        return CodingResult(
            suggestions=tuple(diagnoses),
            procedures=tuple(procedures),
            queries=tuple(physician_queries(text, diagnoses, self.icd)),
        )

    # -- records ---------------------------------------------------------------------------
    def _suggestion(
        self,
        scored: Scored,
        text: str,
        system: str,
        owners: dict[tuple[int, int], float] | None = None,
    ) -> Suggestion:
        cand = scored.candidate
        spans = cand.spans()
        if owners:  # a span another chosen code speaks for more strongly is its evidence
            strength = _span_strength(cand)
            kept = [at for at in spans if strength.get(at, 0.0) >= owners.get(at, 0.0)]
            spans = kept or spans[:1]
        evidence = tuple(Evidence(start=s, end=e, text=text[s:e]) for s, e in spans[:MAX_EVIDENCE])
        flags = tuple(f for f in FLAGS if cand.flags.get(f, 0.0) >= 1.0)
        if system == "icd10cm":
            code = scored.code.upper()
            title = self._title(code)
        else:
            code = scored.code.upper()
            title = pcs_label(code)
        return Suggestion(
            code=code,
            title=title,
            score=round(scored.score, 4),
            evidence=evidence,
            flags=flags,
            system=system,
        )

    def _title(self, code: str) -> str:
        """The code's title, or its nearest ancestor's for a code coded short of a 7th
        character or retired since (CodiEsp uses the 2018 edition)."""
        bare = code.replace(".", "")
        for n in range(len(bare), 2, -1):
            title = self.icd.title(bare[:n])
            if title:
                return title
        return ""


def _span_strength(candidate: Candidate) -> dict[tuple[int, int], float]:
    """How strongly each of a candidate's spans speaks for its code: a whole tabular term
    fully (2.0), a learned phrase by its precision for the code (at most 1.0)."""
    strength: dict[tuple[int, int], float] = {}
    for hit in candidate.phrase_hits:
        for at in hit.occurrences():
            strength[at] = max(strength.get(at, 0.0), hit.precision)
    for match in candidate.term_matches:
        if match.coverage == 1.0:
            strength[(match.start, match.end)] = 2.0
    return strength


def _span_owners(candidates: Sequence[Candidate]) -> dict[tuple[int, int], float]:
    """For each span, the greatest strength any of the chosen candidates gives it."""
    best: dict[tuple[int, int], float] = {}
    for candidate in candidates:
        for at, value in _span_strength(candidate).items():
            if value > best.get(at, 0.0):
                best[at] = value
    return best
