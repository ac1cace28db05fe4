"""What an edit may know besides the claim: dated reference data and the scrub date.

`ScrubContext` carries the code sets, the NCCI tables, the fee schedule indicators, the
Medicare Code Editor, the payer rules, the claim history (for duplicates) and the as-of date
("today" for timely filing and future dates). Each source is a small `Protocol`, so tests
pass fakes and production passes the real tables; an edit whose data is absent (None) finds
nothing rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Protocol

from openrcm.domain import Claim, Payer, ServiceLine
from openrcm.scrub.ncci import NcciTables
from openrcm.scrub.payer import PayerRules


class DiagnosisCodes(Protocol):
    """ICD-10-CM as the diagnosis edits need it. Codes arrive undotted (`E1140`)."""

    def is_valid(self, code: str, on: date) -> bool:
        """The code (a category, subcategory or full code) exists in the set in force `on`."""
        ...

    def is_billable(self, code: str, on: date) -> bool:
        """The code is a complete, billable code on `on` (a leaf of the tabular list)."""
        ...

    def needs_seventh_character(self, code: str) -> bool:
        """The code's category takes a 7th character and this code has none."""
        ...

    def is_manifestation(self, code: str) -> bool:
        """A manifestation code ("in diseases classified elsewhere"): never first-listed."""
        ...

    def excludes1(self, code: str, other: str) -> bool:
        """An Excludes1 note on `code` (or one of its parents) names `other`."""
        ...

    def is_unspecified(self, code: str) -> bool:
        """The code is an "unspecified" code: a more specific sibling exists."""
        ...


class ProcedureCodes(Protocol):
    """CPT and HCPCS Level II as the procedure edits need them."""

    def is_active(self, code: str, on: date) -> bool | None:
        """True when the code is in force `on`, False when it is known but not in force or
        not a code at all, None when the code set that would hold it is not loaded (CPT
        without the user's licensed file)."""
        ...

    def is_modifier(self, modifier: str, on: date) -> bool | None:
        """True for a modifier in force `on`, False when unknown, None when not loaded."""
        ...


class FeeScheduleIndicators(Protocol):
    """Medicare PFS indicators by code (PPRRVU): PC/TC and bilateral surgery."""

    def pctc(self, code: str) -> str | None:
        """PC/TC indicator: 0 no split, 1 split allowed, 2 professional only, 3 technical
        only, 4 global test only, 5 incident-to, 6/8 interpretation, 7 PT/OT, 9 n/a."""
        ...

    def bilateral(self, code: str) -> str | None:
        """Bilateral surgery indicator: 0/2/9 modifier 50 not appropriate, 1 and 3 allowed."""
        ...

    def global_days(self, code: str) -> str | None:
        """Global surgery period: 000, 010, 090, or XXX/YYY/ZZZ/MMM when none applies."""
        ...


class AgeSexEditor(Protocol):
    """The Medicare Code Editor's age and sex edits for one diagnosis."""

    def conflicts(self, code: str, *, age: int, sex: str, on: date) -> frozenset[str]:
        """{"AGE", "SEX"} subsets: which edits `code` fails for a patient of `age` and `sex`."""
        ...


class ClaimHistory(Protocol):
    """Claims already sent, for duplicate detection."""

    def duplicate_of(self, claim: Claim, line: ServiceLine) -> str | None:
        """The patient control number of an earlier claim that billed this same service
        (patient, payer, provider, date, code and modifiers), or None."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ScrubContext:
    """Everything an edit reads besides the claim, in force on `as_of`."""

    as_of: date
    diagnoses: DiagnosisCodes | None = None
    procedures: ProcedureCodes | None = None
    code_editor: AgeSexEditor | None = None
    ncci: NcciTables | None = None
    fee_schedule: FeeScheduleIndicators | None = None
    places_of_service: frozenset[str] | None = None
    payer_rules: Mapping[str, PayerRules] = field(default_factory=lambda: MappingProxyType({}))
    history: ClaimHistory | None = None

    def rules_for(self, payer: Payer) -> PayerRules:
        """The payer's configured rules, or the defaults its record implies."""
        rules = self.payer_rules.get(payer.id)
        return rules if rules is not None else PayerRules.defaults_for(payer)
