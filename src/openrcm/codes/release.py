"""Code-set releases: which version of a code set is in force on a date.

ICD-10-CM is released for a federal fiscal year (FY2026 runs 2025-10-01 to 2026-09-30),
with the annual release on October 1 and, in some years, an April 1 (and once a
January 1) update. HCPCS Level II is updated quarterly. A `Release` names one version by
system, fiscal year and effective dates, so findings can say which release they used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Release:
    """One version of a code set and the dates it applies to."""

    system: str  # "icd10cm", "hcpcs", "cpt"
    fiscal_year: int  # federal fiscal year of the effective date (Oct 1 starts the next)
    effective_from: date
    effective_to: date | None  # inclusive; None while no later release is known
    label: str  # "ICD-10-CM FY2026 April 1 update"
    source: str = ""  # where the data came from: "simple-icd-10-cm==1.5.0", a file name

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def fiscal_year_of(day: date) -> int:
    """The federal fiscal year of a date: October 1, 2025 starts FY2026."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    return date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)


def update_label(system_name: str, start: date) -> str:
    """`ICD-10-CM FY2026` for an October 1 release, `... FY2026 April 1 update` otherwise."""
    fy = fiscal_year_of(start)
    if (start.month, start.day) == (10, 1):
        return f"{system_name} FY{fy}"
    return f"{system_name} FY{fy} {start:%B} {start.day} update"


def chain_releases(
    system: str, system_name: str, starts: Iterable[date], source: str
) -> tuple[Release, ...]:
    """Releases from their start dates; each ends the day before the next one starts."""
    ordered = sorted(set(starts))
    out: list[Release] = []
    for i, start in enumerate(ordered):
        end = date.fromordinal(ordered[i + 1].toordinal() - 1) if i + 1 < len(ordered) else None
        out.append(
            Release(
                system, fiscal_year_of(start), start, end, update_label(system_name, start), source
            )
        )
    return tuple(out)


def release_on(releases: Iterable[Release], day: date) -> Release | None:
    """The release in force on a date, or None before the first one."""
    for release in releases:
        if release.in_force(day):
            return release
    return None
