"""NCCI tables: procedure-to-procedure (PTP) pairs, medically unlikely edits (MUE), add-on codes.

NCCI: the National Correct Coding Initiative, CMS's edits against unbundling and impossible
quantities. The loaders read two shapes of each table: the CSV files openrcm keeps in
`shared/data/cms/ncci` (`column_1,column_2,deletion_date,modifier_indicator,...`) and CMS's
own quarterly downloads (the tab-separated PTP text file and the MUE CSV, each after its
copyright notice lines), so users load new quarters themselves.

A full practitioner PTP table holds some 2.5 million pairs. It is kept as parallel typed
arrays sorted by (column 1, column 2), with each code packed into one 64-bit integer and a
dict from column 1 to its slice; a pair is found by bisection. `load_ptp(path, cache_dir=...)`
writes those arrays to a binary cache file named by the source's SHA-256, so the next load
is a few `array.frombytes` calls.
"""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import json
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from operator import itemgetter, le
from pathlib import Path
from types import MappingProxyType

from openrcm.domain import ClaimKind

BYPASS_MODIFIERS = frozenset(
    {
        "25",  # significant, separately identifiable E/M service
        "59",  # distinct procedural service
        "XE",  # separate encounter
        "XS",  # separate structure
        "XP",  # separate practitioner
        "XU",  # unusual non-overlapping service
        "91",  # repeat clinical diagnostic laboratory test
        "E1",
        "E2",
        "E3",
        "E4",  # eyelids
        "FA",
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",  # fingers
        "TA",
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
        "T7",
        "T8",
        "T9",  # toes
        "LT",
        "RT",  # sides
        "LC",
        "LD",
        "LM",
        "RC",
        "RI",  # coronary arteries
        "24",
        "27",
        "57",
        "58",
        "78",
        "79",  # global surgery and hospital outpatient modifiers
    }
)
"""NCCI-associated modifiers that bypass a PTP edit whose modifier indicator is 1
(NCCI Policy Manual, chapter I, section E): anatomic, global surgery, 25, 59, X{EPSU}, 91."""

_CODE = re.compile(r"^[0-9A-Z]{4,8}$")
_NO_DATE = 99_991_231  # '*' in a deletion date column: the edit is in force


class NcciFormatError(ValueError):
    """An NCCI file that is in neither layout the loaders read."""


def pack(code: str) -> int:
    """A procedure code (up to 8 ASCII characters) as one 64-bit integer that sorts like it."""
    return int.from_bytes(code.encode("ascii").ljust(8, b" "), "big")


def unpack(value: int) -> str:
    return value.to_bytes(8, "big").decode("ascii").rstrip()


def day_number(day: date) -> int:
    """A date as the integer YYYYMMDD, the form the NCCI files use."""
    return day.year * 10_000 + day.month * 100 + day.day


@dataclass(frozen=True, slots=True)
class PtpEdit:
    """One PTP edit: column 2 is not paid with column 1 on the same day, unless bypassed.

    `modifier_indicator`: "0" no modifier bypasses it, "1" an NCCI-associated modifier may,
    "9" the edit does not apply (deleted on its effective date).
    """

    column_1: str
    column_2: str
    effective_date: date | None  # None: the source did not say
    deletion_date: date | None  # None: in force
    modifier_indicator: str
    rationale: str


def _to_date(value: int) -> date | None:
    if value in (0, _NO_DATE):
        return None
    return date(value // 10_000, value // 100 % 100, value % 100)


@dataclass(frozen=True, slots=True, eq=False)
class PtpTable:
    """A PTP table as sorted parallel arrays; `pair(c1, c2, on)` finds the edit in force."""

    column_1: Mapping[int, tuple[int, int]]  # packed column 1 -> (start, end) into the arrays
    column_2: array[int]  # 'Q', packed codes, sorted within each column-1 slice
    effective: array[int]  # 'I', YYYYMMDD, 0 when unknown
    deletion: array[int]  # 'I', YYYYMMDD, 99991231 when in force
    indicator: bytes  # b"0" / b"1" / b"9" per row
    rationale_index: bytes  # index into `rationales` per row
    rationales: tuple[str, ...]
    source: str = ""

    def __len__(self) -> int:
        return len(self.column_2)

    def has_column_1(self, code: str) -> bool:
        return pack(code) in self.column_1

    def pair(self, column_1: str, column_2: str, on: date) -> PtpEdit | None:
        """The edit for this ordered pair in force on `on`, or None."""
        span = self.column_1.get(pack(column_1))
        if span is None:
            return None
        return self._find(span, column_1, column_2, day_number(on))

    def _find(self, span: tuple[int, int], c1: str, c2: str, on: int) -> PtpEdit | None:
        key = pack(c2)
        start, end = span
        i = bisect_left(self.column_2, key, start, end)
        while i < end and self.column_2[i] == key:
            if self.effective[i] <= on <= self.deletion[i]:
                return self._edit(i, c1, c2)
            i += 1
        return None

    def _edit(self, i: int, c1: str, c2: str) -> PtpEdit:
        return PtpEdit(
            column_1=c1,
            column_2=c2,
            effective_date=_to_date(self.effective[i]),
            deletion_date=_to_date(self.deletion[i]),
            modifier_indicator=chr(self.indicator[i]),
            rationale=self.rationales[self.rationale_index[i]],
        )

    def rows(self) -> Iterator[PtpEdit]:
        """Every row, in (column 1, column 2) order."""
        for c1_packed, (start, end) in sorted(self.column_1.items()):
            c1 = unpack(c1_packed)
            for i in range(start, end):
                yield self._edit(i, c1, unpack(self.column_2[i]))


class _Memo(dict):  # type: ignore[type-arg]
    """A dict that computes a missing value once: codes and dates repeat millions of times."""

    def __init__(self, compute: Callable[[str], int]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> int:
        value = self[key] = self._compute(key)
        return value


def _checked_pack(code: str) -> int:
    code = code.strip().strip('"')
    if not _CODE.match(code):
        raise NcciFormatError(f"{code!r} is not a procedure code")
    return pack(code)


def build_ptp(
    column_1: Iterable[str],
    column_2: Iterable[str],
    effective: Iterable[str],
    deletion: Iterable[str],
    indicator: Iterable[str],
    rationale: Iterable[str],
    source: str = "",
) -> PtpTable:
    """A `PtpTable` from its columns as text (dates YYYYMMDD or '*'/''), in any row order."""
    codes = _Memo(_checked_pack)
    starts = _Memo(lambda text: _yyyymmdd(text, missing=0))
    ends = _Memo(lambda text: _yyyymmdd(text, missing=_NO_DATE))
    c1 = array("Q", map(codes.__getitem__, column_1))
    c2 = array("Q", map(codes.__getitem__, column_2))
    eff = array("I", map(starts.__getitem__, effective))
    dele = array("I", map(ends.__getitem__, deletion))
    ind = "".join(i.strip().strip('"') for i in indicator).encode("ascii", errors="replace")
    if len(ind) != len(c1) or not set(ind) <= set(b"019"):
        raise NcciFormatError("a PTP modifier indicator is not 0, 1 or 9")
    names: dict[str, int] = {}
    rat = bytes(
        map(
            _Memo(lambda text: names.setdefault(text.strip().strip('"'), len(names))).__getitem__,
            rationale,
        )
    )
    n = len(c1)
    spans = _spans(c1)
    if spans is None or not all(
        all(map(le, c2[start : end - 1], c2[start + 1 : end])) for start, end in spans.values()
    ):  # CMS and openrcm files arrive sorted; anything else is sorted once here
        order = sorted(range(n), key=lambda i: (c1[i], c2[i]))
        c1 = array("Q", (c1[i] for i in order))
        c2 = array("Q", (c2[i] for i in order))
        eff = array("I", (eff[i] for i in order))
        dele = array("I", (dele[i] for i in order))
        ind = bytes(ind[i] for i in order)
        rat = bytes(rat[i] for i in order)
        spans = _spans(c1)
        assert spans is not None
    if len(names) > 256:
        raise NcciFormatError("more than 256 distinct PTP rationales")
    rationales = tuple(sorted(names, key=names.__getitem__))
    return PtpTable(MappingProxyType(spans), c2, eff, dele, ind, rat, rationales, source)


def _spans(c1: array[int]) -> dict[int, tuple[int, int]] | None:
    """Column 1 -> (start, end) of its run, or None when column 1 is not sorted."""
    n = len(c1)
    if not all(map(le, c1, islice(c1, 1, None))):
        return None
    spans: dict[int, tuple[int, int]] = {}
    start = 0
    while start < n:
        end = bisect_right(c1, c1[start], start, n)
        spans[c1[start]] = (start, end)
        start = end
    return spans


def _open_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig", errors="replace")


def _yyyymmdd(text: str, *, missing: int) -> int:
    text = text.strip().strip('"')
    if not text or text == "*":
        return missing
    if re.fullmatch(r"\d{8}", text):
        return int(text)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)  # Excel exports: 1/1/1996
    if m:
        return int(m[3]) * 10_000 + int(m[1]) * 100 + int(m[2])
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return int(m[1]) * 10_000 + int(m[2]) * 100 + int(m[3])
    raise NcciFormatError(f"{text!r} is not a date (YYYYMMDD or '*')")


def _is_ptp_header(line: str) -> bool:
    head = line.strip().lstrip('"').lower()
    return head.startswith(("column_1,column_2", "column 1"))


def read_ptp(path: Path | str) -> PtpTable:
    """Read a PTP table from openrcm's CSV (gzip or plain) or a CMS quarterly text file.

    openrcm's CSV: `column_1,column_2,deletion_date,modifier_indicator,ptp_edit_rationale`
    (an `effective_date` column is used when present). CMS's text file: notice lines, then a
    header starting `Column 1`, then tab-separated `Column 1, Column 2, *=prior to 1996,
    Effective Date, Deletion Date, Modifier, Rationale`.
    """
    path = Path(path)
    lines = _open_text(path).splitlines()
    number = next((i for i, line in enumerate(lines) if _is_ptp_header(line)), None)
    if number is None:
        raise NcciFormatError(
            f"{path.name}: no PTP header (a line starting 'Column 1' or 'column_1,column_2')"
        )
    header = lines[number]
    delimiter = "\t" if "\t" in header else ","
    names = [h.strip().strip('"').lower() for h in header.split(delimiter)]
    body = [line for line in lines[number + 1 :] if line.strip()]
    if names[0] == "column_1":
        at = {name: i for i, name in enumerate(names)}
        wanted = ("column_1", "column_2", "deletion_date", "modifier_indicator")
        missing = [name for name in wanted if name not in at]
        if missing:
            raise NcciFormatError(f"{path.name}: PTP column {missing[0]} is missing")
        positions = [
            at["column_1"],
            at["column_2"],
            at.get("effective_date", -1),
            at["deletion_date"],
            at["modifier_indicator"],
            at.get("ptp_edit_rationale", -1),
        ]
    else:  # CMS: c1, c2, prior-1996 flag, effective, deletion, modifier, rationale
        positions = [0, 1, 3, 4, 5, 6]
    width = len(names)
    collecting = gc.isenabled()
    gc.disable()  # millions of small lists: the cyclic collector would only slow this down
    try:
        rows = [line.split(delimiter, width - 1) for line in body]
        short = next((i for i, row in enumerate(rows) if len(row) < width - 1), None)
        if short is not None:
            raise NcciFormatError(
                f"{path.name}, line {number + 2 + short}: {len(rows[short])} columns, "
                f"expected {width}"
            )
        blank = ("",) * len(rows)

        def column(i: int) -> Iterable[str]:
            if i < 0 or i >= width:
                return blank
            if i == width - 1:  # the last column may be missing on a short row
                return (row[i] if len(row) > i else "" for row in rows)
            return map(itemgetter(i), rows)

        c1, c2, eff, dele, ind, rat = (column(i) for i in positions)
        return build_ptp(c1, c2, eff, dele, ind, rat, source=str(path))
    except NcciFormatError as exc:
        raise NcciFormatError(f"{path.name}: {exc}") from None
    finally:
        if collecting:
            gc.enable()


_CACHE_MAGIC = b"OPENRCM-PTP-1\n"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_ptp_cache(table: PtpTable, target: Path) -> None:
    """Write a table's arrays to one binary file (read back by `read_ptp_cache`)."""
    spans = [[c1, start, end] for c1, (start, end) in table.column_1.items()]
    header = json.dumps(
        {"n": len(table), "spans": spans, "rationales": table.rationales, "source": table.source}
    ).encode()
    tmp = target.with_suffix(".tmp")
    with tmp.open("wb") as out:
        out.write(_CACHE_MAGIC)
        out.write(len(header).to_bytes(8, "little"))
        out.write(header)
        for part in (table.column_2, table.effective, table.deletion):
            out.write(part.tobytes())
        out.write(table.indicator)
        out.write(table.rationale_index)
    tmp.replace(target)


def read_ptp_cache(source: Path) -> PtpTable:
    data = source.read_bytes()
    if not data.startswith(_CACHE_MAGIC):
        raise NcciFormatError(f"{source} is not an openrcm PTP cache file")
    at = len(_CACHE_MAGIC)
    size = int.from_bytes(data[at : at + 8], "little")
    at += 8
    header = json.loads(data[at : at + size])
    at += size
    n = header["n"]
    parts = []
    for code, width in (("Q", 8), ("I", 4), ("I", 4)):
        part = array(code)
        part.frombytes(data[at : at + n * width])
        parts.append(part)
        at += n * width
    indicator = data[at : at + n]
    rationale_index = data[at + n : at + 2 * n]
    spans = {c1: (start, end) for c1, start, end in header["spans"]}
    return PtpTable(
        MappingProxyType(spans),
        parts[0],
        parts[1],
        parts[2],
        indicator,
        rationale_index,
        tuple(header["rationales"]),
        header["source"],
    )


def load_ptp(path: Path | str, *, cache_dir: Path | None = None) -> PtpTable:
    """A PTP table from `path`, through a binary cache in `cache_dir` keyed by the file's hash."""
    path = Path(path)
    if cache_dir is None:
        return read_ptp(path)
    cached = cache_dir / f"ptp-{_digest(path)}.bin"
    if cached.exists():
        try:
            return read_ptp_cache(cached)
        except (NcciFormatError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt from the source
    table = read_ptp(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    save_ptp_cache(table, cached)
    return table


@dataclass(frozen=True, slots=True)
class MueEdit:
    """MUE: the most units of a code one provider bills for one patient on one date of service.

    `adjudication_indicator` (MAI): 1 per claim line, 2 per day by policy (absolute),
    3 per day on clinical grounds (may be appealed with documentation).
    """

    code: str
    value: int
    adjudication_indicator: str
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class MueTable:
    """The MUE values of one setting (practitioner, outpatient hospital or DME), by code."""

    edits: Mapping[str, MueEdit]
    source: str = ""

    def get(self, code: str) -> MueEdit | None:
        return self.edits.get(code)

    def __len__(self) -> int:
        return len(self.edits)


def read_mue(path: Path | str) -> MueTable:
    """An MUE table from openrcm's CSV or CMS's quarterly CSV (notice line, header, rows)."""
    path = Path(path)
    rows = csv.reader(_open_text(path).splitlines())
    number = 0
    for header in rows:
        number += 1
        first = header[0].strip().lower() if header else ""
        if first in ("hcpcs_cpt_code", "hcpcs/cpt code", "hcpcs/cpt"):
            break
    else:
        raise NcciFormatError(f"{path.name}: no MUE header ('HCPCS/CPT Code' or 'hcpcs_cpt_code')")
    edits: dict[str, MueEdit] = {}
    for row in rows:
        number += 1
        if not row or not row[0].strip():
            continue
        if len(row) < 3:
            raise NcciFormatError(f"{path.name}, line {number}: {len(row)} columns, expected 4")
        code, value, mai = row[0].strip(), row[1].strip(), row[2].strip()[:1]
        if not _CODE.match(code) or not value.isdigit() or mai not in ("1", "2", "3"):
            raise NcciFormatError(f"{path.name}, line {number}: not an MUE row: {row[:3]}")
        edits[code] = MueEdit(code, int(value), mai, row[3].strip() if len(row) > 3 else "")
    return MueTable(MappingProxyType(edits), str(path))


@dataclass(frozen=True, slots=True)
class AddOnEdit:
    """An add-on code and the primary codes it may be billed with.

    `edit_type`: 1 only the listed primaries; 2 no list, the contractor decides; 3 the listed
    primaries and others the contractor allows.
    """

    add_on_code: str
    edit_type: str
    primary_codes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class AddOnTable:
    edits: Mapping[str, AddOnEdit]
    source: str = ""

    def get(self, code: str) -> AddOnEdit | None:
        return self.edits.get(code)

    def __len__(self) -> int:
        return len(self.edits)


def read_aoc(path: Path | str, *, on: date | None = None) -> AddOnTable:
    """Add-on code edits from openrcm's CSV (`primary_code,add_on_code,aoc_edit_type`) or a
    CSV export of CMS's AOC workbook (`Add-on Code, Primary Code, AOC Edit Type, ...` with
    effective and deletion dates; rows deleted before `on` are dropped)."""
    path = Path(path)
    rows = csv.reader(_open_text(path).splitlines())
    header: list[str] = []
    for row in rows:
        names = [c.strip().lower() for c in row]
        if "add_on_code" in names or "add-on code" in names or "addon code" in names:
            header = names
            break
    if not header:
        raise NcciFormatError(f"{path.name}: no add-on code header")

    def column(*names: str) -> int | None:
        return next((header.index(n) for n in names if n in header), None)

    i_add = column("add_on_code", "add-on code", "addon code")
    i_primary = column("primary_code", "primary code")
    i_type = column("aoc_edit_type", "aoc edit type")
    i_del = column("aoc edit deletion date", "aoc_edit_deletion_date")
    if i_add is None or i_primary is None or i_type is None:
        raise NcciFormatError(f"{path.name}: add-on, primary and edit type columns are needed")
    cut = day_number(on) if on else 0
    primaries: dict[str, set[str]] = {}
    types: dict[str, str] = {}
    for row in rows:
        if len(row) <= max(i_add, i_primary, i_type) or not row[i_add].strip():
            continue
        if i_del is not None and cut:
            deleted = _yyyymmdd(row[i_del], missing=_NO_DATE)
            if deleted < cut:
                continue
        add_on, primary = row[i_add].strip(), row[i_primary].strip()
        types[add_on] = row[i_type].strip()[:1]
        group = primaries.setdefault(add_on, set())
        if primary and primary != "CCCCC":
            group.add(primary)
    edits = {
        code: AddOnEdit(code, types[code], frozenset(primaries[code])) for code in sorted(types)
    }
    return AddOnTable(MappingProxyType(edits), str(path))


@dataclass(frozen=True, slots=True)
class NcciTables:
    """The NCCI tables a scrub uses: PTP and MUE per setting, and the add-on code edits.

    Professional claims use the practitioner tables, institutional claims the hospital ones;
    more than one PTP table per setting (quarters side by side) are searched in order.
    """

    practitioner_ptp: tuple[PtpTable, ...] = ()
    hospital_ptp: tuple[PtpTable, ...] = ()
    practitioner_mue: MueTable | None = None
    hospital_mue: MueTable | None = None
    add_on: AddOnTable | None = None

    def ptp_for(self, kind: ClaimKind) -> tuple[PtpTable, ...]:
        return self.hospital_ptp if kind is ClaimKind.INSTITUTIONAL else self.practitioner_ptp

    def mue_for(self, kind: ClaimKind) -> MueTable | None:
        return self.hospital_mue if kind is ClaimKind.INSTITUTIONAL else self.practitioner_mue

    def pair(self, kind: ClaimKind, column_1: str, column_2: str, on: date) -> PtpEdit | None:
        for table in self.ptp_for(kind):
            found = table.pair(column_1, column_2, on)
            if found is not None:
                return found
        return None


def is_hospital_file(path: Path | str) -> bool:
    """True when a file name says it is a hospital (outpatient) table: 'hosp', 'ccioph', 'outpatient'."""
    name = Path(path).name.lower()
    return any(word in name for word in ("hosp", "ccioph", "outpatient", "_out"))


def shared_tables(
    data_dir: Path, *, cache_dir: Path | None = None, hospital: bool = True
) -> NcciTables:
    """The NCCI tables of openrcm's reference data folder (`cms/ncci`)."""
    folder = data_dir / "cms" / "ncci"
    return NcciTables(
        practitioner_ptp=(
            load_ptp(folder / "ptp_practitioner_2024q3.csv.gz", cache_dir=cache_dir),
        ),
        hospital_ptp=(
            (load_ptp(folder / "ptp_hospital_2024q3.csv.gz", cache_dir=cache_dir),)
            if hospital
            else ()
        ),
        practitioner_mue=read_mue(folder / "mue_practitioner_2024q3.csv"),
        hospital_mue=read_mue(folder / "mue_outpatient_hospital_2024q3.csv"),
        add_on=read_aoc(folder / "aoc_2024q3.csv"),
    )


def merge_mue(tables: Iterable[MueTable]) -> MueTable | None:
    """Several MUE tables as one; a later table's value for a code wins."""
    merged: dict[str, MueEdit] = {}
    sources = []
    for table in tables:
        merged.update(table.edits)
        sources.append(table.source)
    return MueTable(MappingProxyType(merged), ";".join(sources)) if sources else None
