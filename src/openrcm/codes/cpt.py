"""CPT (Level I HCPCS): format and category checks, the user's licensed file, fee-schedule presence.

CPT descriptors are the AMA's and openrcm ships none. Without a licensed file a code is
checked by form: Category I is five digits (`99213`), Category II four digits and `F`
(`0001F`), Category III four digits and `T` (`0042T`), PLA (Proprietary Laboratory
Analyses) four digits and `U` (`0001U`); and by presence in the Medicare Physician Fee
Schedule file. A practice that holds a licence imports its own CSV (`code,description`
and optional `effective_date`, `termination_date`) with `openrcm codes import-cpt`; the
copy lives in the user's data directory, never in the repository.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from openrcm.codes.notation import normalize_code
from openrcm.codes.search import SearchEntry, SearchIndex


class CptCategory(StrEnum):
    CATEGORY_I = "Category I"
    CATEGORY_II = "Category II"
    CATEGORY_III = "Category III"
    PLA = "PLA"


_FORMS = (
    (re.compile(r"^\d{5}$"), CptCategory.CATEGORY_I),
    (re.compile(r"^\d{4}F$"), CptCategory.CATEGORY_II),
    (re.compile(r"^\d{4}T$"), CptCategory.CATEGORY_III),
    (re.compile(r"^\d{4}U$"), CptCategory.PLA),
)
_LEVEL_II = re.compile(r"^[A-V]\d{4}$")


def cpt_category(code: str) -> CptCategory | None:
    """The CPT category a code's form belongs to, or None when it is not a CPT code."""
    norm = normalize_code(code)
    for pattern, category in _FORMS:
        if pattern.match(norm):
            return category
    return None


def is_level_ii_form(code: str) -> bool:
    """A HCPCS Level II form: one letter A-V then four digits."""
    return bool(_LEVEL_II.match(normalize_code(code)))


@dataclass(frozen=True, slots=True)
class CptCode:
    """A CPT code from the user's own licensed file."""

    code: str
    description: str
    effective_date: date | None = None
    termination_date: date | None = None

    def valid_on(self, day: date) -> bool:
        if self.effective_date and day < self.effective_date:
            return False
        return self.termination_date is None or day <= self.termination_date


class CptImportError(ValueError):
    """A CPT file that cannot be used; the message names the line."""


def _pick(header: list[str], *names: str) -> int | None:
    lowered = [h.strip().lower().replace(" ", "_") for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read_cpt_csv(path: Path) -> list[CptCode]:
    """A CPT CSV with a header naming the code and description columns."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header is None:
            raise CptImportError(f"{path}: empty file")
        code_at = _pick(header, "code", "cpt", "cpt_code", "hcpcs")
        desc_at = _pick(
            header,
            "description",
            "long_description",
            "descriptor",
            "long_descriptor",
            "short_description",
        )
        if code_at is None or desc_at is None:
            raise CptImportError(f"{path}: line 1 needs a 'code' and a 'description' column")
        eff_at = _pick(header, "effective_date", "effective")
        term_at = _pick(header, "termination_date", "terminated", "end_date")
        out: list[CptCode] = []
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            try:
                code = normalize_code(row[code_at])
                description = row[desc_at].strip()
                effective = _iso(row[eff_at]) if eff_at is not None and eff_at < len(row) else None
                terminated = (
                    _iso(row[term_at]) if term_at is not None and term_at < len(row) else None
                )
            except (IndexError, ValueError) as exc:
                raise CptImportError(f"{path}: line {number}: {exc}") from None
            if cpt_category(code) is None:
                raise CptImportError(f"{path}: line {number}: {code!r} is not a CPT code")
            out.append(CptCode(code, description, effective, terminated))
    if not out:
        raise CptImportError(f"{path}: no CPT codes")
    return out


def _iso(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return date.fromisoformat(text)


CPT_FILE_NAME = "cpt.csv"


def import_cpt(source: Path, data_dir: Path) -> list[CptCode]:
    """Check a licensed CPT file and keep a copy as `<data_dir>/cpt.csv`."""
    codes = read_cpt_csv(source)
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, data_dir / CPT_FILE_NAME)
    return codes


class CptCodeSet:
    """What openrcm knows about CPT: the user's file (if imported) and fee-schedule codes."""

    def __init__(
        self, licensed: Iterable[CptCode] = (), fee_schedule_codes: Iterable[str] = ()
    ) -> None:
        self.licensed: dict[str, CptCode] = {c.code: c for c in licensed}
        self.fee_schedule_codes = frozenset(normalize_code(c) for c in fee_schedule_codes)
        self._order = sorted(self.licensed)
        self._search: SearchIndex | None = None

    @property
    def has_descriptors(self) -> bool:
        return bool(self.licensed)

    def get(self, code: str) -> CptCode | None:
        return self.licensed.get(normalize_code(code))

    def search(self, query: str, limit: int = 10) -> list[tuple[CptCode, float]]:
        if not self.licensed:
            return []
        if self._search is None:
            self._search = SearchIndex.build(
                [SearchEntry(i, self.licensed[c].description) for i, c in enumerate(self._order)]
            )
        return [(self.licensed[self._order[d]], s) for d, s in self._search.search(query, limit)]


def read_fee_schedule_codes(pprrvu_csv: Path) -> frozenset[str]:
    """CPT codes (by form) in a PFS RVU file: the tidy CSV's `hcpcs` column."""
    with Path(pprrvu_csv).open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = _pick(header, "hcpcs", "code")
        if at is None:
            raise ValueError(f"{pprrvu_csv}: no hcpcs column")
        return frozenset(row[at] for row in reader if row and cpt_category(row[at]) is not None)


def load_cpt(user_data_dir: Path | None, pprrvu_csv: Path | None) -> CptCodeSet:
    """The user's imported CPT file (when there is one) and the PFS file's CPT codes."""
    licensed: list[CptCode] = []
    if user_data_dir is not None and (user_data_dir / CPT_FILE_NAME).is_file():
        licensed = read_cpt_csv(user_data_dir / CPT_FILE_NAME)
    fee = (
        read_fee_schedule_codes(pprrvu_csv) if pprrvu_csv and pprrvu_csv.is_file() else frozenset()
    )
    return CptCodeSet(licensed, fee)
