"""Place of service: CMS's two-digit codes (11 office, 21 inpatient hospital, 02/10 telehealth).

Read from `cms/place_of_service.csv` (`code,name,description`). CMS's unassigned codes
are in the file with the name `Unassigned`; they are kept out of the valid set.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

# facility settings for the Medicare PFS facility rate (CMS Claims Processing Manual ch. 12)
FACILITY = frozenset(
    {"02", "19", "21", "22", "23", "24", "26", "31", "34", "41", "42", "51", "52", "53", "56", "61"}
)


@dataclass(frozen=True, slots=True)
class PlaceOfService:
    code: str  # two digits: "11"
    name: str
    description: str

    @property
    def facility(self) -> bool:
        return self.code in FACILITY


def load_place_of_service(path: Path) -> dict[str, PlaceOfService]:
    """Assigned place-of-service codes by code."""
    out: dict[str, PlaceOfService] = {}
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["name"].strip().lower() == "unassigned":
                continue
            code = row["code"].strip().zfill(2)
            out[code] = PlaceOfService(code, row["name"].strip(), row["description"].strip())
    return out
