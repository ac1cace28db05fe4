"""Payer rules as configuration: one YAML file per payer, no code forks.

A file names the payer (`payer_id`, the electronic payer id of NM109) and any of: the
timely filing limit, the claim filing indicators it accepts, the claim frequency codes it
accepts, the codes that need prior authorisation, whether a referral is required (HMO),
the member id pattern, whether taxonomy or NDC is required, codes it does not cover, the
modifier telehealth lines need, and secondary-claim rules. A payer without a file gets
`PayerRules.defaults_for(payer)`: its own timely filing days and what its claim filing
indicator implies (Medicare MBI format, Medicaid taxonomy and NDC, HMO referral).
Examples live in `scrub/payer_rules/`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field, field_validator

from openrcm.domain import ClaimFilingIndicator, Payer
from openrcm.domain.base import Record

MBI_PATTERN = (
    r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]"
    r"[0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$"
)
"""MBI: Medicare Beneficiary Identifier, 11 characters (no S, L, O, I, B or Z)."""


PRIMARY_CARE_TAXONOMIES = (
    "207Q00000X",  # family medicine
    "207R00000X",  # internal medicine
    "208000000X",  # pediatrics
    "208D00000X",  # general practice
    "363LF0000X",  # nurse practitioner, family
    "363LP0200X",  # nurse practitioner, pediatrics
    "363LA2200X",  # nurse practitioner, adult health
    "207V00000X",  # obstetrics and gynecology (direct access in most states)
)
"""NUCC taxonomies of the clinicians an HMO member sees without a referral."""


class CodeList(Record):
    """Codes and inclusive ranges of same-length codes: `["70551", "70540-70559", "J1745"]`."""

    entries: tuple[str, ...] = ()

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        for entry in self.entries:
            low, _, high = entry.partition("-")
            if high:
                if len(low) == len(code) == len(high) and low <= code <= high:
                    return True
            elif code == entry:
                return True
        return False

    def __bool__(self) -> bool:
        return bool(self.entries)


def _code_list(value: object) -> object:
    if value is None:
        return CodeList()
    if isinstance(value, list | tuple):
        return CodeList(entries=tuple(str(v).strip().upper() for v in value))
    return value


class SecondaryRules(Record):
    """What a claim to this payer as secondary (or tertiary) must carry."""

    require_primary_adjudication: bool = True  # 2320 AMT*D paid amount and 2330B DTP*573
    require_primary_payer_id: bool = True


class PayerRules(Record):
    """One payer's claim rules."""

    payer_id: str = Field(min_length=1)
    name: str | None = None
    timely_filing_days: int = Field(default=365, ge=1, le=3650)
    timely_filing_warning_days: int = Field(default=30, ge=0, le=365)
    claim_filing_indicators: tuple[str, ...] = ()  # empty: any
    frequency_codes: tuple[str, ...] = ("1", "7", "8")
    prior_authorization: CodeList = CodeList()
    referral_required: bool = False
    referral_exempt_taxonomies: tuple[str, ...] = PRIMARY_CARE_TAXONOMIES
    member_id_pattern: str | None = None
    taxonomy_required: bool = False
    ndc_required: bool = False
    not_covered: CodeList = CodeList()
    telehealth_modifier: str | None = Field(default=None, pattern=r"^[0-9A-Z]{2}$")
    telehealth_places_of_service: tuple[str, ...] = ("02", "10")
    secondary: SecondaryRules = SecondaryRules()

    @field_validator("prior_authorization", "not_covered", mode="before")
    @classmethod
    def _as_code_list(cls, value: object) -> object:
        return _code_list(value)

    @field_validator("member_id_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(
                    f"member_id_pattern {value!r} is not a regular expression: {exc}"
                ) from None
        return value

    @field_validator(
        "claim_filing_indicators", "frequency_codes", "referral_exempt_taxonomies", mode="before"
    )
    @classmethod
    def _strings(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return tuple(str(v) for v in value)
        return value

    def member_id_ok(self, member_id: str) -> bool:
        return (
            self.member_id_pattern is None
            or re.fullmatch(self.member_id_pattern, member_id) is not None
        )

    @staticmethod
    def defaults_for(payer: Payer) -> PayerRules:
        """The rules a payer's own record implies, when no file configures it."""
        return _defaults(
            payer.id, payer.name, payer.claim_filing_indicator, payer.timely_filing_days
        )


@lru_cache(maxsize=1024)
def _defaults(
    payer_id: str, name: str, indicator: ClaimFilingIndicator, timely_filing_days: int
) -> PayerRules:
    """The rules a payer's own record implies (memoised: claims repeat a few payers)."""
    medicare = indicator in (ClaimFilingIndicator.MEDICARE_B, ClaimFilingIndicator.MEDICARE_A)
    medicaid = indicator is ClaimFilingIndicator.MEDICAID
    return PayerRules(
        payer_id=payer_id,
        name=name,
        timely_filing_days=timely_filing_days,
        claim_filing_indicators=(indicator.value,),
        referral_required=indicator is ClaimFilingIndicator.HMO,
        member_id_pattern=MBI_PATTERN if medicare else None,
        taxonomy_required=medicaid,
        ndc_required=medicaid,
    )


class PayerRulesError(ValueError):
    """A payer rules file that cannot be used."""


def read_payer_rules(path: Path) -> PayerRules:
    """One payer's rules from a YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PayerRulesError(f"{path}: not YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PayerRulesError(f"{path}: a payer rules file is a mapping")
    try:
        return PayerRules.model_validate(data)
    except ValueError as exc:
        raise PayerRulesError(f"{path}: {' '.join(str(exc).split())}") from None


def load_payer_rules(folder: Path) -> dict[str, PayerRules]:
    """Every `*.yaml`/`*.yml` in `folder`, by payer id. Two files for one payer fail."""
    rules: dict[str, PayerRules] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        found = read_payer_rules(path)
        if found.payer_id in rules:
            raise PayerRulesError(f"{path}: payer {found.payer_id} is configured twice")
        rules[found.payer_id] = found
    return rules


def example_rules_dir() -> Path:
    """The example payer rules shipped with openrcm."""
    return Path(__file__).with_name("payer_rules")
