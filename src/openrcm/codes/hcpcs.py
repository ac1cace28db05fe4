"""HCPCS Level II: codes and modifiers with their add, effective and termination dates.

Three readers for CMS's quarterly alpha-numeric HCPCS file, chosen by content:
- our tidy CSV (`hcpcs2025_oct_codes.csv`: code, kind, descriptions, dates),
- the CMS Excel sheet saved as CSV (`hcpcs2025_oct_anweb.csv`: `hcpcs, seqnum, recid, ...`),
- CMS's fixed-width text file (`HCPC2026_JAN_ANWEB.txt`, 320-character records, layout
  in CMS's `HCPC20xx_recordlayout.txt`), whose long descriptions continue on record
  types 4 (procedures) and 8 (modifiers).
Dates are YYYYMMDD; the termination date is the last day a code may be used.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openrcm.codes.notation import normalize_code
from openrcm.codes.release import Release, fiscal_year_of
from openrcm.codes.search import SearchEntry, SearchIndex


@dataclass(frozen=True, slots=True)
class HcpcsCode:
    """One HCPCS Level II procedure code or modifier."""

    code: str  # "J1100", or a modifier "RT"
    kind: str  # "procedure" or "modifier"
    short_description: str
    long_description: str
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None  # last date of use; None while active
    action_code: str = ""  # A add, D discontinue, C/S change, N none, ...
    coverage_code: str = ""  # C carrier judgment, D special, I not payable, M/S non-covered
    betos: str = ""
    pricing_indicator: str = ""

    def valid_on(self, day: date) -> bool:
        starts = self.add_date or self.action_effective_date
        if starts is not None and day < starts:
            return False
        return self.termination_date is None or day <= self.termination_date


def _date(text: str) -> date | None:
    text = (text or "").strip()
    if not text or not text.isdigit() or len(text) != 8 or text == "00000000":
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _kind_of_recid(recid: str) -> str:
    return "modifier" if recid.strip() in ("7", "8") else "procedure"


def read_tidy_csv(path: Path) -> Iterator[HcpcsCode]:
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield HcpcsCode(
                code=normalize_code(row["code"]),
                kind=row["kind"].strip(),
                short_description=row["short_description"].strip(),
                long_description=row["long_description"].strip(),
                add_date=_date(row["add_date"]),
                action_effective_date=_date(row["action_effective_date"]),
                termination_date=_date(row["termination_date"]),
                action_code=row.get("action_code", "").strip(),
                coverage_code=row.get("coverage_code", "").strip(),
                betos=row.get("betos", "").strip(),
                pricing_indicator=row.get("pricing_indicator_1", "").strip(),
            )


def read_anweb_csv(path: Path) -> Iterator[HcpcsCode]:
    """The CMS Excel sheet as CSV, with CMS's column names in snake case."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            yield HcpcsCode(
                code=normalize_code(row["hcpcs"]),
                kind=_kind_of_recid(row["recid"]),
                short_description=row["short_description"].strip(),
                long_description=row["long_description"].strip(),
                add_date=_date(row["add_dt"]),
                action_effective_date=_date(row["act_eff_dt"]),
                termination_date=_date(row["term_dt"]),
                action_code=row.get("action_cd", "").strip(),
                coverage_code=row.get("cov", "").strip(),
                betos=row.get("betos", "").strip(),
                pricing_indicator=row.get("price1", "").strip(),
            )


# CMS record layout, 1-based inclusive positions
_FIXED = {
    "code": (1, 5),
    "sequence": (6, 10),
    "recid": (11, 11),
    "long": (12, 91),
    "short": (92, 119),
    "price1": (120, 121),
    "coverage": (230, 230),
    "betos": (257, 259),
    "add": (269, 276),
    "effective": (277, 284),
    "termination": (285, 292),
    "action": (293, 293),
}


def _field(line: str, name: str) -> str:
    start, end = _FIXED[name]
    return line[start - 1 : end].strip()


def read_fixed_width(lines: Iterable[str]) -> Iterator[HcpcsCode]:
    """CMS's fixed-width HCPCS records; continuation records extend the long description."""
    current: dict[str, str] | None = None

    def emit(fields: dict[str, str]) -> HcpcsCode:
        return HcpcsCode(
            code=fields["code"],
            kind=_kind_of_recid(fields["recid"]),
            short_description=fields["short"],
            long_description=" ".join(fields["long"].split()),
            add_date=_date(fields["add"]),
            action_effective_date=_date(fields["effective"]),
            termination_date=_date(fields["termination"]),
            action_code=fields["action"],
            coverage_code=fields["coverage"],
            betos=fields["betos"],
            pricing_indicator=fields["price1"],
        )

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if len(line) < 11:
            raise ValueError(
                f"line {number}: a HCPCS record is 320 characters, this one {len(line)}"
            )
        recid = line[10]
        if recid in ("3", "7"):
            if current is not None:
                yield emit(current)
            current = {name: _field(line.ljust(320), name) for name in _FIXED}
        elif recid in ("4", "8"):
            code = _field(line, "code")
            if current is None or current["code"] != code:
                raise ValueError(f"line {number}: continuation of {code} without its first record")
            current["long"] += " " + _field(line.ljust(320), "long")
        else:
            raise ValueError(f"line {number}: unknown HCPCS record type {recid!r}")
    if current is not None:
        yield emit(current)


def read_hcpcs_file(path: Path) -> list[HcpcsCode]:
    """Any of the three layouts, recognised by the first line."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    header = first.strip().lower()
    if header.startswith("code,kind"):
        return list(read_tidy_csv(path))
    if header.startswith("hcpcs,"):
        return list(read_anweb_csv(path))
    with path.open(encoding="latin-1") as handle:
        return list(read_fixed_width(handle))


class HcpcsCodeSet:
    """HCPCS Level II procedure codes and modifiers of one quarterly file."""

    def __init__(self, codes: Iterable[HcpcsCode], source: str = "") -> None:
        self.procedures: dict[str, HcpcsCode] = {}
        self.modifiers: dict[str, HcpcsCode] = {}
        for code in codes:
            (self.modifiers if code.kind == "modifier" else self.procedures)[code.code] = code
        self.source = source
        self._search: SearchIndex | None = None
        self._order: list[str] = sorted(self.procedures)
        latest = max(
            (
                d
                for c in self.procedures.values()
                for d in (c.add_date, c.action_effective_date)
                if d
            ),
            default=None,
        )
        self.release = (
            Release(
                "hcpcs",
                fiscal_year_of(latest),
                latest,
                None,
                f"HCPCS Level II {latest:%B %Y}",
                source,
            )
            if latest
            else None
        )

    def get(self, code: str) -> HcpcsCode | None:
        norm = normalize_code(code)
        return self.procedures.get(norm) or self.modifiers.get(norm)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def is_valid(self, code: str, on: date) -> bool:
        found = self.procedures.get(normalize_code(code))
        return found is not None and found.valid_on(on)

    def active(self, on: date) -> list[HcpcsCode]:
        return [c for c in self.procedures.values() if c.valid_on(on)]

    def search(
        self, query: str, limit: int = 10, active_on: date | None = None
    ) -> list[tuple[HcpcsCode, float]]:
        """Procedure codes ranked by their long and short descriptions."""
        if self._search is None:
            entries = []
            for i, code in enumerate(self._order):
                record = self.procedures[code]
                entries.append(SearchEntry(i, record.long_description))
                entries.append(SearchEntry(i, record.short_description, credit=0.97))
            self._search = SearchIndex.build(entries)
        allowed = None
        if active_on is not None:
            allowed = {
                i for i, c in enumerate(self._order) if self.procedures[c].valid_on(active_on)
            }
        return [
            (self.procedures[self._order[d]], s)
            for d, s in self._search.search(query, limit, allowed)
        ]

    def stats(self) -> dict[str, int]:
        return {
            "procedure_codes": len(self.procedures),
            "modifiers": len(self.modifiers),
            "terminated_procedure_codes": sum(
                1 for c in self.procedures.values() if c.termination_date
            ),
        }


def load_hcpcs(path: Path) -> HcpcsCodeSet:
    """A HCPCS Level II file in any supported layout, or a folder holding one.

    A folder is searched for our tidy CSV first, then the anweb CSV, then a CMS text file.
    """
    path = Path(path)
    if path.is_dir():
        for pattern in ("*_codes.csv", "*anweb*.csv", "*.txt"):
            found = sorted(path.glob(pattern))
            if found:
                path = found[-1]
                break
        else:
            raise FileNotFoundError(f"no HCPCS file in {path}")
    return HcpcsCodeSet(read_hcpcs_file(path), source=path.name)
