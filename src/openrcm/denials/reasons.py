"""CARC, RARC and group codes: what a payer's adjustment means and what to do about it.

CARC: Claim Adjustment Reason Code (CAS02, X12 code source 139), says why an amount was
not paid. RARC: Remittance Advice Remark Code (LQ/MOA/MIA, code source 411), adds detail.
Group codes (CAS01) say who carries the amount: CO contractual (written off), PR patient
responsibility, OA other, PI payer initiated (CR was dropped in 5010).

The code lists and descriptions come from `shared/data/x12codes/` (X12's lists as of June
2024); pyx12 can only check that a code exists. Each CARC gets a `Category` (a fixed
table for the codes billers meet every day, then keyword rules over the description, then
`OTHER`) and a recommended action for the denial work queue.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType


class Category(StrEnum):
    """What kind of problem an adjustment code reports: drives work queues and actions."""

    ELIGIBILITY = "eligibility"
    AUTHORISATION = "authorisation"
    REFERRAL = "referral"
    CODING = "coding"
    BUNDLING = "bundling"
    MEDICAL_NECESSITY = "medical necessity"
    TIMELY_FILING = "timely filing"
    DUPLICATE = "duplicate"
    MISSING_INFORMATION = "missing information"
    COORDINATION_OF_BENEFITS = "coordination of benefits"
    CONTRACTUAL = "contractual"
    PATIENT_RESPONSIBILITY = "patient responsibility"
    NON_COVERED = "non-covered service"
    BENEFIT_LIMIT = "benefit limit"
    NETWORK = "network"
    PROVIDER = "provider eligibility"
    PROPERTY_CASUALTY = "workers' compensation / liability"
    PENDING = "pending"
    INFORMATIONAL = "informational"
    OTHER = "other"


ACTIONS: Mapping[Category, str] = MappingProxyType(
    {
        Category.ELIGIBILITY: "Verify coverage for the date of service (270/271); correct the member "
        "id, name or birth date, or bill the right payer or the patient.",
        Category.AUTHORISATION: "Find the authorisation number and resubmit with it (REF*G1); if none "
        "was obtained, request a retro-authorisation or appeal with clinical notes.",
        Category.REFERRAL: "Obtain the referral from the primary care provider and resubmit with the "
        "referral number (REF*9F).",
        Category.CODING: "Review the codes, modifiers and place of service against the documentation; "
        "send a corrected claim (frequency 7).",
        Category.BUNDLING: "Check NCCI pairs; if the service was distinct, add modifier 59 or X{EPSU} "
        "with documentation and send a corrected claim; otherwise write off.",
        Category.MEDICAL_NECESSITY: "Check the diagnosis codes against the payer's coverage policy "
        "(LCD/NCD); correct the diagnosis or appeal with records; bill the patient only with a "
        "signed ABN/waiver.",
        Category.TIMELY_FILING: "Look for proof of timely filing (clearinghouse acceptance report, "
        "277CA) and appeal with it; otherwise write off. Do not bill the patient.",
        Category.DUPLICATE: "Do not resubmit: find the original claim's status. If the service was "
        "really repeated, send a corrected claim with modifier 76/77 or 59.",
        Category.MISSING_INFORMATION: "Read the remark codes, add the missing or invalid information "
        "(or the attachment) and send a corrected claim.",
        Category.COORDINATION_OF_BENEFITS: "Update the patient's other coverage; bill the primary payer "
        "first, then send the secondary claim with the primary's payment and adjustments.",
        Category.CONTRACTUAL: "Compare the allowed amount with the contract; write off the contractual "
        "adjustment, or open an underpayment dispute if it is wrong.",
        Category.PATIENT_RESPONSIBILITY: "Move the amount to the patient (or the secondary payer) and "
        "include it on the next statement.",
        Category.NON_COVERED: "Check the benefit plan; bill the patient if a waiver or ABN was signed, "
        "otherwise write off or appeal with supporting documents.",
        Category.BENEFIT_LIMIT: "Benefits are used up for the period: bill secondary coverage or the "
        "patient (with notice), or appeal for an exception.",
        Category.NETWORK: "Check the provider's network status with the plan; request a network "
        "exception or bill under the out-of-network benefit.",
        Category.PROVIDER: "Check the rendering/billing provider's enrolment, credentialing, NPI and "
        "taxonomy with the payer; correct and resubmit.",
        Category.PROPERTY_CASUALTY: "Bill the workers' compensation or liability carrier, or send the "
        "documents it asks for.",
        Category.PENDING: "No action yet: the payer is still reviewing; follow up after 30 days.",
        Category.INFORMATIONAL: "No action needed: informational remark.",
        Category.OTHER: "Read the code's description and remark codes; correct and resubmit or appeal.",
    }
)

_FIXED: dict[str, Category] = {}


def _fixed(category: Category, codes: str) -> None:
    for code in codes.split():
        _FIXED[code] = category


_fixed(Category.PATIENT_RESPONSIBILITY, "1 2 3 66 85 100 142 187 201 241 247 248")
_fixed(
    Category.CONTRACTUAL,
    "24 42 44 45 59 94 104 118 131 137 144 161 209 237 245 253 260 281 P24 P25 P26 W1",
)
_fixed(Category.ELIGIBILITY, "26 27 31 32 33 34 140 166 177 178 179 180 200 238 239 257 277 B9")
_fixed(Category.AUTHORISATION, "15 39 62 197 198 210 284 296 302")
_fixed(Category.REFERRAL, "183 213 243 287 288")
_fixed(Category.CODING, "4 5 6 7 8 9 10 11 12 13 14 146 181 182 189 199 240 282 306 B16")
_fixed(Category.BUNDLING, "97 231 234 236 B10 B14 B15 P14")
_fixed(Category.MEDICAL_NECESSITY, "50 55 56 57 58 150 151 152 153 154 167 188 261 272 B22")
_fixed(Category.TIMELY_FILING, "29 B4 286")
_fixed(Category.DUPLICATE, "18 B13")
_fixed(
    Category.MISSING_INFORMATION, "16 17 107 125 148 163 164 206 207 208 226 227 228 250 251 252"
)
_fixed(Category.COORDINATION_OF_BENEFITS, "19 20 21 22 23 109 136 195 275 276 303 B11")
_fixed(Category.NON_COVERED, "49 51 53 96 114 202 204 211 212 246 254 258 269 270 280 289 B1 B8")
_fixed(Category.BENEFIT_LIMIT, "35 119 149 222 273")
_fixed(Category.NETWORK, "38 242 279")
_fixed(Category.PROVIDER, "52 111 170 171 172 184 185 299 B7 B20 B23")
_fixed(Category.PENDING, "133 P8 101")
_fixed(
    Category.CONTRACTUAL,
    "69 70 74 75 76 89 90 91 102 121 122 130 132 134 143 169 186 223 225 229 232 235 249 259 "
    "262 263 264 265 266 274 293 294 295 A5 A8 P32",
)
_fixed(Category.NON_COVERED, "116 128 155 157 158 159 233")
_fixed(Category.COORDINATION_OF_BENEFITS, "290 291 292 297 298 300 301 304 305")
_fixed(Category.MEDICAL_NECESSITY, "40 108 117 216 219 A6")
_fixed(Category.AUTHORISATION, "61 95 106")
_fixed(Category.MISSING_INFORMATION, "110 112 129 135 173 174 175 176 267 268 B12")
_fixed(Category.CODING, "203")
_fixed(Category.BUNDLING, "194")
_fixed(Category.ELIGIBILITY, "224")
_fixed(Category.PROVIDER, "278")
_fixed(Category.PATIENT_RESPONSIBILITY, "A0")
_fixed(Category.PROPERTY_CASUALTY, "P6 P21 P22")

# keyword rules, first match wins, over the lower-cased description
_KEYWORDS: tuple[tuple[str, Category], ...] = (
    (r"^alert:", Category.INFORMATIONAL),
    (r"duplicate|previously paid", Category.DUPLICATE),
    (r"time limit|timely|late filing", Category.TIMELY_FILING),
    (r"referral|referring provider", Category.REFERRAL),
    (r"authori[sz]ation|pre-?certification|precertification", Category.AUTHORISATION),
    (
        r"workers'? ?compensation|liability|property and casualty|no-fault|subrogation",
        Category.PROPERTY_CASUALTY,
    ),
    (
        r"prior payer|primary payer|other payer|coordination of benefits|other insur|secondary payment",
        Category.COORDINATION_OF_BENEFITS,
    ),
    (r"deductible|coinsurance|co-?payment|patient responsib", Category.PATIENT_RESPONSIBILITY),
    (
        r"medical necessity|medically necessary|not deemed|coverage determination|investigational|experimental",
        Category.MEDICAL_NECESSITY,
    ),
    (
        r"bundl|included in the (payment|allowance)|not paid separately|incidental|mutually exclusive|component",
        Category.BUNDLING,
    ),
    (
        r"benefit maximum|maximum (number|benefit)|frequency|exceeds (our|the) ",
        Category.BENEFIT_LIMIT,
    ),
    (r"network", Category.NETWORK),
    (
        r"eligib|not (our )?insured|coverage (terminated|ended|lapse)|not enrolled|enrollment",
        Category.ELIGIBILITY,
    ),
    (
        r"missing|incomplete|lacks information|not received|documentation|attachment|information (was )?requested",
        Category.MISSING_INFORMATION,
    ),
    (r"inconsistent|invalid|modifier|procedure code|diagnosis|revenue code", Category.CODING),
    (r"not covered|non-?covered|excluded|exclusion", Category.NON_COVERED),
    (r"fee schedule|contract|negotiated|discount|withhold|sequestration", Category.CONTRACTUAL),
    (r"provider (type|specialty)|certified|credential|npi|national provider", Category.PROVIDER),
    (r"pending|under review|investigation", Category.PENDING),
)
_COMPILED = tuple((re.compile(pattern), category) for pattern, category in _KEYWORDS)


def categorise(code: str, description: str) -> Category:
    """A CARC's category: the fixed table first, then keyword rules, then OTHER."""
    fixed = _FIXED.get(code)
    if fixed is not None:
        return fixed
    text = description.lower()
    for pattern, category in _COMPILED:
        if pattern.search(text):
            return category
    return Category.OTHER


def categorise_remark(description: str) -> Category:
    """A RARC's category by the keyword rules ("Alert:" remarks are informational)."""
    text = description.lower()
    for pattern, category in _COMPILED:
        if pattern.search(text):
            return category
    return Category.OTHER


class ReasonKind(StrEnum):
    CARC = "CARC"
    RARC = "RARC"
    GROUP = "GROUP"


@dataclass(frozen=True, slots=True)
class ReasonCode:
    """One CARC, RARC or group code with its description, category and recommended action."""

    code: str
    kind: ReasonKind
    description: str
    category: Category
    action: str
    start_date: date | None = None
    stop_date: date | None = None  # CARC only: deactivated after this date
    usage: str = ""  # CARC: X12's usage note

    def active_on(self, day: date) -> bool:
        started = self.start_date is None or self.start_date <= day
        return started and (self.stop_date is None or day <= self.stop_date)


_CARC_PATTERN = re.compile(r"^(\d{1,3}|[ABDPWY]\d{1,2})$")
_RARC_PATTERN = re.compile(r"^(M|MA|N)\d{1,4}$")


def kind_of(code: str) -> ReasonKind | None:
    """Which list a code's form belongs to: CARCs are numbers or A/B/D/P/W/Y + digits; RARCs
    start with M, MA or N; group codes are two letters."""
    code = code.strip().upper()
    if code in {"CO", "PR", "OA", "PI", "CR"}:
        return ReasonKind.GROUP
    if _RARC_PATTERN.match(code):
        return ReasonKind.RARC
    if _CARC_PATTERN.match(code):
        return ReasonKind.CARC
    return None


def _day(text: str) -> date | None:
    text = (text or "").strip()
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class ReasonCodes:
    """The loaded CARC, RARC and group code lists."""

    carcs: Mapping[str, ReasonCode]
    rarcs: Mapping[str, ReasonCode]
    groups: Mapping[str, ReasonCode]

    def explain(self, code: str) -> ReasonCode | None:
        """The code's entry, CARC, RARC or group; None when no list holds it. A CARC
        written with its group (`CO-45`) is explained as the CARC."""
        text = code.strip().upper()
        if "-" in text:
            _, _, text = text.partition("-")
        kind = kind_of(text)
        if kind is ReasonKind.GROUP:
            return self.groups.get(text)
        if kind is ReasonKind.RARC:
            return self.rarcs.get(text)
        if kind is ReasonKind.CARC:
            return self.carcs.get(text.lstrip("0") or "0")
        return None

    def description(self, code: str) -> str:
        found = self.explain(code)
        return found.description if found else ""


_GROUP_ACTIONS = {
    "CO": Category.CONTRACTUAL,
    "PR": Category.PATIENT_RESPONSIBILITY,
    "OA": Category.OTHER,
    "PI": Category.CONTRACTUAL,
    "CR": Category.OTHER,
}

_CODE_ACTIONS = {
    "18": "Do not resubmit. Find the original claim; if this was a separate service, send a "
    "corrected claim with modifier 76, 77 or 59 and documentation.",
    "23": "No action: this is the primary payer's payment and adjustments taken into account.",
    "45": "Write off as contractual; check the allowed amount against the contract for underpayment.",
    "59": "Check the ranking of same-day procedures; write off the reduction if it follows the rules.",
    "119": "Benefit maximum reached: bill secondary coverage or the patient.",
    "242": "The provider is out of network for this plan: request a gap exception or bill the "
    "patient under the out-of-network benefit.",
}


def load_reason_codes(directory: Path) -> ReasonCodes:
    """Load `carc.csv`, `rarc.csv` and `claim_adjustment_group_codes.csv` from `directory`."""
    carcs: dict[str, ReasonCode] = {}
    with (directory / "carc.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip().upper()
            category = categorise(code, row["description"])
            carcs[code] = ReasonCode(
                code=code,
                kind=ReasonKind.CARC,
                description=row["description"].strip(),
                category=category,
                action=_CODE_ACTIONS.get(code, ACTIONS[category]),
                start_date=_day(row["start_date"]),
                stop_date=_day(row["stop_date"]),
                usage=row["usage"].strip(),
            )
    rarcs: dict[str, ReasonCode] = {}
    with (directory / "rarc.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip().upper()
            category = categorise_remark(row["description"])
            rarcs[code] = ReasonCode(
                code=code,
                kind=ReasonKind.RARC,
                description=row["description"].strip(),
                category=category,
                action=ACTIONS[category],
                start_date=_day(row["start_date"]),
            )
    groups: dict[str, ReasonCode] = {}
    with (directory / "claim_adjustment_group_codes.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        for row in csv.DictReader(handle):
            code = row["code"].strip().upper()
            category = _GROUP_ACTIONS.get(code, Category.OTHER)
            groups[code] = ReasonCode(
                code=code,
                kind=ReasonKind.GROUP,
                description=row["description"].strip(),
                category=category,
                action=ACTIONS[category],
            )
    return ReasonCodes(MappingProxyType(carcs), MappingProxyType(rarcs), MappingProxyType(groups))
