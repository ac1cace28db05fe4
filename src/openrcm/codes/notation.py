"""How codes are written: stored without the dot (E1140), accepted with or without it.

Also the references inside ICD-10-CM notes, such as `(E10.-)`, `(O24.4-)`, `(T36-T65)` or
`(E00-E03.-)`, read as prefix ranges so that "is this code excluded here?" is a comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def normalize_code(code: str) -> str:
    """`e11.40 ` -> `E1140`: upper case, no dot, no spaces."""
    return code.strip().upper().replace(".", "").replace(" ", "")


def icd10cm_dotted(code: str) -> str:
    """`E1140` -> `E11.40`; chapters, blocks and three-character codes are unchanged."""
    code = normalize_code(code) if "-" not in code else code
    if len(code) <= 3 or "-" in code or code.isdigit():
        return code
    return f"{code[:3]}.{code[3:]}"


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code, a code with all its children (`E10.-`), or a range (`T36-T65`), as prefixes."""

    low: str  # without the dot
    high: str

    def covers(self, code: str) -> bool:
        code = normalize_code(code)
        return code[: len(self.low)] >= self.low and code[: len(self.high)] <= self.high

    def __str__(self) -> str:
        return self.low if self.low == self.high else f"{self.low}-{self.high}"


_CODE = r"[A-Z]\d[\dA-Z](?:\.?[\dA-Z]{1,4})?"
_ITEM = re.compile(rf"^({_CODE})(?:\.?-)?(?:\s*-\s*({_CODE})(?:\.?-)?)?$")
_PAREN = re.compile(r"\(([^()]*)\)")


def code_references(note: str) -> tuple[CodeRef, ...]:
    """Every code reference in the parentheses of a note: `(B56.-, B57.-)` gives two."""
    refs: list[CodeRef] = []
    for group in _PAREN.findall(note):
        for item in group.split(","):
            match = _ITEM.match(item.strip())
            if match:
                low = match.group(1).replace(".", "")
                high = (match.group(2) or match.group(1)).replace(".", "")
                refs.append(CodeRef(low, high))
    return tuple(refs)
