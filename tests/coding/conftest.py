"""A small coding engine trained on notes written for these tests (seconds, not minutes)."""

from __future__ import annotations

import random

import pytest

from openrcm.coding import CodedNote, CodingEngine
from openrcm.coding.knowledge import Knowledge, load_knowledge

# (sentence, ICD-10-CM codes, ICD-10-PCS codes)
FINDINGS = (
    ("He reports a persistent cough for a week.", {"r05.9"}, set()),
    ("Fever of 38.9 C was recorded on admission.", {"r50.9"}, set()),
    ("A chest X-ray confirmed community acquired pneumonia.", {"j18.9"}, {"bw03zzz"}),
    ("She presented with chest pain at rest.", {"r07.9"}, set()),
    ("Known type 2 diabetes mellitus treated with metformin.", {"e11.9"}, set()),
    ("Examination showed a peripheral polyneuropathy.", {"g62.9"}, set()),
    ("Long-standing essential hypertension on enalapril.", {"i10"}, set()),
    ("Otoscopy showed otitis media.", {"h66.90"}, set()),
    ("Laboratory work showed chronic kidney disease.", {"n18.9"}, set()),
    ("Biopsy proved breast cancer.", {"c50.919"}, set()),
    ("An appendectomy was performed.", {"k35.80"}, {"0dtj"}),
)
FILLER = (
    "The patient was seen in the outpatient clinic.",
    "Vital signs were otherwise unremarkable.",
    "She lives with her husband and works as a teacher.",
    "Follow-up was arranged in two weeks.",
    "Blood tests were requested.",
)


def written_notes(count: int = 45, seed: int = 7) -> list[CodedNote]:
    rng = random.Random(seed)
    notes = []
    for i in range(count):
        picked = rng.sample(FINDINGS, rng.randint(2, 4))
        lines = [*picked]
        body = [rng.choice(FILLER)] + [s for s, _, _ in lines] + [rng.choice(FILLER)]
        notes.append(
            CodedNote(
                f"note-{i:03d}",
                "\n".join(body) + "\n",
                frozenset(c for _, d, _ in picked for c in d),
                frozenset(c for _, _, p in picked for c in p),
            )
        )
    return notes


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> CodingEngine:
    return CodingEngine.train(written_notes(), knowledge)
