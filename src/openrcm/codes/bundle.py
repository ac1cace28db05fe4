"""`CodeSets`: every code set together, loaded on first use, for the scrubber, coder and UI.

Paths come from the caller (the CLI passes the reference data folder and the user's data
and cache folders); `default_code_sets()` is the convenience for scripts and tests that
uses `find_data_dir()` and the default cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from openrcm.codes.cpt import CptCodeSet, load_cpt
from openrcm.codes.hcpcs import HcpcsCodeSet, load_hcpcs
from openrcm.codes.icd10cm import Icd10cmIndex, SearchHit, load_icd10cm
from openrcm.codes.pos import PlaceOfService, load_place_of_service
from openrcm.domain.finding import Finding


class CodeSets:
    """ICD-10-CM, HCPCS Level II, CPT, modifiers and place of service, each loaded when first used."""

    def __init__(
        self,
        data_dir: Path,
        *,
        cache_dir: Path | None = None,
        user_data_dir: Path | None = None,
        hcpcs_file: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.cache_dir = cache_dir
        self.user_data_dir = user_data_dir
        self.hcpcs_file = hcpcs_file

    @cached_property
    def icd10cm(self) -> Icd10cmIndex:
        return load_icd10cm(self.cache_dir)

    @cached_property
    def hcpcs(self) -> HcpcsCodeSet:
        return load_hcpcs(self.hcpcs_file or self.data_dir / "cms" / "hcpcs")

    @cached_property
    def cpt(self) -> CptCodeSet:
        return load_cpt(
            self.user_data_dir, self.data_dir / "cms" / "pfs2025" / "pprrvu2025_oct_tidy.csv"
        )

    @cached_property
    def place_of_service(self) -> Mapping[str, PlaceOfService]:
        return load_place_of_service(self.data_dir / "cms" / "place_of_service.csv")

    def validate(
        self, system: str, code: str, date_of_service: date, *, first_listed: bool = False
    ) -> list[Finding]:
        from openrcm.codes.validate import validate

        return validate(system, code, date_of_service, self, first_listed=first_listed)

    def search(
        self,
        query: str,
        *,
        system: str = "icd10cm",
        limit: int = 10,
        billable_only: bool = False,
        chapter: str | None = None,
        active_on: date | None = None,
    ) -> list[SearchHit]:
        """Ranked codes of one system; `billable_only` and `chapter` apply to ICD-10-CM."""
        if system == "icd10cm":
            return self.icd10cm.search(query, limit, billable_only=billable_only, chapter=chapter)
        if system == "hcpcs":
            return [
                SearchHit(c.code, c.long_description, s, c.termination_date is None, "hcpcs")
                for c, s in self.hcpcs.search(query, limit, active_on=active_on)
            ]
        if system == "cpt":
            return [
                SearchHit(c.code, c.description, s, True, "cpt")
                for c, s in self.cpt.search(query, limit)
            ]
        raise ValueError(f"search covers icd10cm, hcpcs and cpt, not {system!r}")

    def stats(self) -> dict[str, dict[str, int]]:
        return {
            "icd10cm": self.icd10cm.stats(),
            "hcpcs": self.hcpcs.stats(),
            "cpt": {
                "imported_codes": len(self.cpt.licensed),
                "fee_schedule_codes": len(self.cpt.fee_schedule_codes),
            },
            "place_of_service": {"assigned": len(self.place_of_service)},
        }


@lru_cache(maxsize=1)
def default_code_sets() -> CodeSets:
    """Code sets from `find_data_dir()` and the default cache, built once per process."""
    from openrcm.datadir import find_data_dir

    return CodeSets(find_data_dir())


def load_code_sets(
    data_dir: Path | None = None,
    *,
    cache_dir: Path | None = None,
    user_data_dir: Path | None = None,
    hcpcs_file: Path | None = None,
) -> CodeSets:
    """Code sets over a reference data folder (default: `find_data_dir()`)."""
    from openrcm.datadir import find_data_dir

    return CodeSets(
        find_data_dir(data_dir),
        cache_dir=cache_dir,
        user_data_dir=user_data_dir,
        hcpcs_file=hcpcs_file,
    )
