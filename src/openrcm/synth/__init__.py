"""Synthetic practices and claims: deterministic, realistic, and about no real person.

`practice` builds a practice (billing provider, clinicians by specialty, referring
physicians, locations, payers and plans, patients with guarantors and coverages, COB) from a
seed; `claims` streams coded, priced and validated professional claims with their
encounters; `scenarios` holds what each specialty bills and `visit` the coding rules every
visit keeps; `codebook` the curated ICD-10-CM codes with age and sex limits; `feeschedule`
(with the CMS rows in `feetable`) the charge master built from the Medicare PFS; `dirty`
the optional deliberate defects; `names` the fictional name lists; `files` writes
`claims.json` and, when the X12 writer exists, `claims.837p`.

Everything is drawn from `random.Random` instances seeded from the seed alone: the same
seed gives the same practice, the same claims and the same bytes on disk.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from openrcm.synth.claims import BilledVisit, iter_claims, iter_visits
from openrcm.synth.dirty import DEFECTS
from openrcm.synth.feeschedule import (
    ChargeMaster,
    FeeCatalog,
    builtin_fee_catalog,
    load_fee_catalog,
)
from openrcm.synth.files import (
    SynthOutput,
    write_claims_837p,
    write_claims_json,
    write_synthetic_data,
    x12_writer,
)
from openrcm.synth.practice import PatientProfile, SynthConfig, SyntheticPractice, build_practice
from openrcm.synth.scenarios import SPECIALTIES, procedure_codes

PFS_RELATIVE_PATH = Path("cms/pfs2025/pprrvu2025_oct_tidy.csv")


def fee_catalog(pfs: Path | str | FeeCatalog | None = None) -> FeeCatalog:
    """The fee rows the generator prices with: `pfs` as a loaded catalog, the PFS RVU file
    at that path (only the generator's codes are kept), or the built-in copy when None."""
    if isinstance(pfs, FeeCatalog):
        return pfs
    if pfs is None:
        return builtin_fee_catalog()
    return load_fee_catalog(pfs, procedure_codes())


def make_practice(
    seed: int = 0,
    *,
    claims: int = 100,
    pfs: Path | str | FeeCatalog | None = None,
    patients: int | None = None,
    start_date: date = date(2025, 1, 1),
    end_date: date = date(2025, 12, 31),
    secondary_share: float = 0.25,
    dirty_share: float = 0.0,
    charge_multiplier: Decimal | None = None,
) -> SyntheticPractice:
    """The practice for `seed`, without claims: stream them with `iter_claims`/`iter_visits`
    or write them with `write_synthetic_data`. `claims` sets how many those produce."""
    config = SynthConfig(
        seed=seed,
        claims=claims,
        patients=patients,
        start_date=start_date,
        end_date=end_date,
        secondary_share=secondary_share,
        dirty_share=dirty_share,
        charge_multiplier=charge_multiplier,
    )
    return build_practice(config, fee_catalog(pfs))


def generate_practice(
    seed: int = 0,
    *,
    claims: int = 100,
    pfs: Path | str | FeeCatalog | None = None,
    patients: int | None = None,
    start_date: date = date(2025, 1, 1),
    end_date: date = date(2025, 12, 31),
    secondary_share: float = 0.25,
    dirty_share: float = 0.0,
    charge_multiplier: Decimal | None = None,
) -> SyntheticPractice:
    """A practice with `claims` claims and their encounters held in memory."""
    practice = make_practice(
        seed,
        claims=claims,
        pfs=pfs,
        patients=patients,
        start_date=start_date,
        end_date=end_date,
        secondary_share=secondary_share,
        dirty_share=dirty_share,
        charge_multiplier=charge_multiplier,
    )
    billed = list(iter_visits(practice))
    return _with_claims(practice, billed)


def _with_claims(practice: SyntheticPractice, billed: list[BilledVisit]) -> SyntheticPractice:
    from dataclasses import replace
    from types import MappingProxyType

    return replace(
        practice,
        claims=tuple(b.claim for b in billed),
        encounters=tuple(e for b in billed for e in b.encounters),
        defects=MappingProxyType({b.claim.id: b.defects for b in billed if b.defects}),
    )


__all__ = [
    "DEFECTS",
    "PFS_RELATIVE_PATH",
    "SPECIALTIES",
    "BilledVisit",
    "ChargeMaster",
    "FeeCatalog",
    "PatientProfile",
    "SynthConfig",
    "SynthOutput",
    "SyntheticPractice",
    "build_practice",
    "builtin_fee_catalog",
    "fee_catalog",
    "generate_practice",
    "iter_claims",
    "iter_visits",
    "load_fee_catalog",
    "make_practice",
    "procedure_codes",
    "write_claims_837p",
    "write_claims_json",
    "write_synthetic_data",
    "x12_writer",
]
