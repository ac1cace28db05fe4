"""Evidence goes with the code it speaks for: a phrase two chosen codes share is shown for the
one it tells most about (a whole tabular term most of all)."""

from __future__ import annotations

from openrcm.coding.engine import _span_owners, _span_strength
from openrcm.coding.features import Candidate
from openrcm.coding.knowledge import TermMatch
from openrcm.coding.lexicon import PhraseHit

NOTE = "Type 2 diabetes mellitus and essential hypertension."
DIABETES = (NOTE.index("2 diabetes"), NOTE.index("2 diabetes") + len("2 diabetes"))
HYPERTENSION = (NOTE.index("essential"), NOTE.index("essential") + len("essential hypertension"))


def hit(code: str, precision: float, at: tuple[int, int]) -> PhraseHit:
    return PhraseHit(code, precision, 10, 0, NOTE[at[0] : at[1]].lower(), at[0], at[1])


def test_a_shared_phrase_is_evidence_only_for_the_code_it_tells_most_about() -> None:
    diabetes = Candidate("e11.9", phrase_hits=[hit("e11.9", 0.92, DIABETES)])
    hypertension = Candidate(
        "i10",
        phrase_hits=[hit("i10", 0.41, DIABETES)],
        term_matches=[TermMatch("i10", 1.0, 2, 1.0, *HYPERTENSION)],
    )
    owners = _span_owners([diabetes, hypertension])
    assert owners[DIABETES] == 0.92 and owners[HYPERTENSION] == 2.0

    def shown(candidate: Candidate) -> list[str]:
        strength = _span_strength(candidate)
        return [NOTE[s:e] for s, e in candidate.spans() if strength[(s, e)] >= owners[(s, e)]]

    assert shown(diabetes) == ["2 diabetes"]
    assert shown(hypertension) == ["essential hypertension"]
