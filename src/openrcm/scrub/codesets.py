"""Adapters from the real code sets (`openrcm.codes`, the Medicare PFS) to what edits need.

`IcdCodes` answers `DiagnosisCodes` from an `Icd10cmIndex` (validity by date from the MCE
table, tabular headers, 7th characters, Excludes1 notes, manifestation attributes);
`ProcedureCodeSets` answers `ProcedureCodes` from `CodeSets` (HCPCS Level II with dates,
CPT from the user's licensed file when imported, modifiers); `FeeScheduleTable` answers
`FeeScheduleIndicators` from PFS RVU rows. Each remembers its answers: a batch of claims
asks about the same few hundred codes again and again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from openrcm.scrub.facts import CPT_MODIFIERS, HCPCS_LEVEL_II

_HEADER_KINDS = frozenset({"category", "subcategory"})


class IcdCodes:
    """`DiagnosisCodes` over `openrcm.codes.icd10cm.Icd10cmIndex`, each answer remembered."""

    def __init__(self, index: Any) -> None:
        self._index = index
        self._valid: dict[tuple[str, date], bool] = {}
        self._billable: dict[tuple[str, date], bool] = {}
        self._seventh: dict[str, bool] = {}
        self._manifestation: dict[str, bool] = {}
        self._excludes1: dict[tuple[str, str], bool] = {}
        self._unspecified: dict[str, bool] = {}

    def is_valid(self, code: str, on: date) -> bool:
        key = (code, on)
        found = self._valid.get(key)
        if found is None:
            if self.is_billable(code, on):
                found = True
            else:
                node = self._index.get(code)
                found = node is not None and (node.kind in _HEADER_KINDS or node.billable)
            self._valid[key] = found
        return found

    def is_billable(self, code: str, on: date) -> bool:
        key = (code, on)
        found = self._billable.get(key)
        if found is None:
            found = self._billable[key] = bool(self._index.is_billable(code, on))
        return found

    def needs_seventh_character(self, code: str) -> bool:
        found = self._seventh.get(code)
        if found is None:
            found = self._seventh[code] = bool(self._index.needs_seventh_character(code))
        return found

    def is_manifestation(self, code: str) -> bool:
        found = self._manifestation.get(code)
        if found is None:
            if any("manifestation" in p.attributes for p in self._index.validity(code)):
                found = True
            else:
                node = self._index.get(code)
                found = (
                    node is not None and "in diseases classified elsewhere" in node.title.lower()
                )
            self._manifestation[code] = found
        return found

    def excludes1(self, code: str, other: str) -> bool:
        key = (code, other)
        found = self._excludes1.get(key)
        if found is None:
            found = self._excludes1[key] = self._index.excludes1_conflict(code, other) is not None
        return found

    def is_unspecified(self, code: str) -> bool:
        found = self._unspecified.get(code)
        if found is None:
            node = self._index.get(code)
            found = self._unspecified[code] = (
                node is not None and "unspecified" in node.title.lower()
            )
        return found


class ProcedureCodeSets:
    """`ProcedureCodes` over `openrcm.codes.CodeSets` (HCPCS Level II, CPT, modifiers)."""

    def __init__(self, code_sets: Any) -> None:
        self._hcpcs = code_sets.hcpcs
        self._cpt = code_sets.cpt
        self._memo: dict[tuple[str, date], bool | None] = {}

    def is_active(self, code: str, on: date) -> bool | None:
        key = (code, on)
        if key in self._memo:
            return self._memo[key]
        if HCPCS_LEVEL_II.match(code):
            found: bool | None = bool(self._hcpcs.is_valid(code, on))
        elif self._cpt.has_descriptors:  # the user imported a licensed CPT file
            record = self._cpt.get(code)
            found = record is not None and record.valid_on(on)
        else:
            found = None  # CPT without a licence: openrcm cannot say
        self._memo[key] = found
        return found

    def is_modifier(self, modifier: str, on: date) -> bool | None:
        if modifier in CPT_MODIFIERS:
            return True
        record = self._hcpcs.modifiers.get(modifier)
        return record is not None and record.valid_on(on)


class _IndicatorRow(Protocol):
    @property
    def pctc(self) -> str: ...
    @property
    def bilateral(self) -> str: ...
    @property
    def global_days(self) -> str: ...


class FeeScheduleTable:
    """`FeeScheduleIndicators` from PFS RVU rows keyed by (code, modifier), as
    `openrcm.pricing.medicare_pfs.read_rvu_rows` returns them."""

    def __init__(self, rows: Mapping[tuple[str, str], _IndicatorRow]) -> None:
        self._pctc = {code: row.pctc for (code, mod), row in rows.items() if not mod}
        self._bilateral = {code: row.bilateral for (code, mod), row in rows.items() if not mod}
        self._global = {code: row.global_days for (code, mod), row in rows.items() if not mod}

    def pctc(self, code: str) -> str | None:
        return self._pctc.get(code) or None

    def bilateral(self, code: str) -> str | None:
        return self._bilateral.get(code) or None

    def global_days(self, code: str) -> str | None:
        return self._global.get(code) or None
