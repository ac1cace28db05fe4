"""A payer's configuration: who it is, its contract, rules, members and plans, from YAML.

A plans directory holds YAML files, each a mapping with `kind:` `payer`, `plan` or
`members` (a file may also hold a list of such mappings). `load_payer_book(directory)`
reads them all into a `PayerBook`. A payer config with `id: "*"` answers claims for any
payer id not configured otherwise.

Rules that are configuration rather than code: bundling pairs (a small NCCI-style list:
column-two code denied when billed with its column-one code on one date), medical
necessity (codes covered only for some diagnoses), timely filing days, the network
(all providers, or a list of NPIs), crossover payers (claims forwarded to a secondary),
and enrollment: a roster of members, or trust in the coverage dates the claim carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import Field

from openrcm.domain.base import Record
from openrcm.domain.party import Address
from openrcm.payer.plans import BenefitPlan, CodeSet
from openrcm.pricing.contracts import PayerContract


class BundlingPair(Record):
    """An NCCI-style pair: `column2` is not paid with `column1` on one date of service.

    `modifier_indicator` "1" lets a bypass modifier (59, XE, XP, XS, XU) on either line
    pay both; "0" never does.
    """

    column1: str
    column2: str
    modifier_indicator: str = Field(default="1", pattern=r"^[019]$")


BYPASS_MODIFIERS = frozenset({"59", "XE", "XP", "XS", "XU"})


class NecessityRule(Record):
    """Codes covered only when a line points at one of `diagnoses` (ICD-10-CM prefixes)."""

    id: str
    codes: CodeSet
    diagnoses: tuple[str, ...]  # prefixes without dots: "E11", "R73.0" → "R730"
    rarc: str = "N115"

    def allows(self, diagnosis_codes: tuple[str, ...]) -> bool:
        prefixes = tuple(d.replace(".", "").upper() for d in self.diagnoses)
        return any(code.startswith(prefixes) for code in diagnosis_codes)


class CrossoverPayer(Record):
    """A secondary payer this payer forwards claims to (835 CLP02 19, NM1*TT)."""

    payer_id: str
    name: str


class Enrollment(StrEnum):
    ROSTER = "roster"  # members must be on the roster
    CLAIM = "claim"  # trust the coverage on the claim (demo and testing)


class Authorization(Record):
    """A prior authorisation on file: its number, the codes it covers and its dates."""

    number: str
    codes: CodeSet = CodeSet()
    start_date: date
    end_date: date

    def covers(self, code: str, day: date) -> bool:
        return self.start_date <= day <= self.end_date and (not self.codes or code in self.codes)


class Member(Record):
    """A member on a payer's roster: plan, family and coverage dates."""

    member_id: str
    plan_id: str
    family_id: str | None = None  # defaults to the member id (a family of one)
    effective_date: date
    termination_date: date | None = None
    authorizations: tuple[Authorization, ...] = ()

    @property
    def family(self) -> str:
        return self.family_id or self.member_id

    def covers(self, day: date) -> bool:
        return self.effective_date <= day and (
            self.termination_date is None or day <= self.termination_date
        )


class PayerConfig(Record):
    """One payer: identity, contract, network, adjudication rules."""

    id: str  # the payer id claims are sent to (NM109 of 2010BB); "*" for any
    name: str
    timely_filing_days: int = Field(default=365, ge=1)
    contract: PayerContract
    out_of_network_contract: PayerContract | None = None
    network_npis: tuple[str, ...] = ()  # empty: every provider is in network
    locality: str | None = None  # a fixed PFS locality; else from the provider's ZIP
    default_plan: str | None = None  # for claims whose coverage names no plan
    enrollment: Enrollment = Enrollment.CLAIM
    bundling_pairs: tuple[BundlingPair, ...] = ()
    medical_necessity: tuple[NecessityRule, ...] = ()
    crossover: tuple[CrossoverPayer, ...] = ()
    claim_control_prefix: str = Field(default="ORC", pattern=r"^[A-Z0-9]{1,10}$")
    address: Address | None = None  # the 835's payer address (N3/N4 of loop 1000A)
    contact_name: str | None = None  # PER*BL
    contact_phone: str | None = Field(default=None, pattern=r"^\d{10}$")

    def in_network(self, npi: str) -> bool:
        return not self.network_npis or npi in self.network_npis


class PayerBook(Record):
    """Everything a plans directory configures: payers, plans and members."""

    payers: tuple[PayerConfig, ...]
    plans: tuple[BenefitPlan, ...]
    members: tuple[Member, ...] = ()

    def model_post_init(self, context: Any, /) -> None:
        ids = [p.id for p in self.payers]
        if len(set(ids)) != len(ids):
            raise ValueError(f"two payer configurations share an id: {sorted(ids)}")
        plan_ids = [p.id for p in self.plans]
        if len(set(plan_ids)) != len(plan_ids):
            raise ValueError("two plans share an id")
        for payer in self.payers:
            if payer.default_plan and payer.default_plan not in plan_ids:
                raise ValueError(
                    f"payer {payer.id}: default plan {payer.default_plan} is not configured"
                )

    @property
    def plan_index(self) -> Mapping[str, BenefitPlan]:
        return MappingProxyType({p.id: p for p in self.plans})

    @property
    def member_index(self) -> Mapping[str, Member]:
        return MappingProxyType({m.member_id: m for m in self.members})

    def payer_for(self, payer_id: str) -> PayerConfig | None:
        fallback = None
        for payer in self.payers:
            if payer.id == payer_id:
                return payer
            if payer.id == "*":
                fallback = payer
        return fallback


def load_payer_book(directory: Path) -> PayerBook:
    """Read every `*.yaml` / `*.yml` in `directory` (sorted by name) into a `PayerBook`."""
    import yaml

    payers: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not directory.is_dir():
        raise FileNotFoundError(f"plans directory {directory} does not exist")
    if not files:
        raise ValueError(f"plans directory {directory} has no YAML files")
    for path in files:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        documents = loaded if isinstance(loaded, list) else [loaded]
        for document in documents:
            if not isinstance(document, dict) or "kind" not in document:
                raise ValueError(
                    f"{path.name}: each document needs a 'kind' (payer, plan, members)"
                )
            kind = document.pop("kind")
            if kind == "payer":
                payers.append(document)
            elif kind == "plan":
                plans.append(document)
            elif kind == "members":
                members.extend(document.get("members", []))
            else:
                raise ValueError(f"{path.name}: unknown kind {kind!r}")
    return PayerBook.model_validate({"payers": payers, "plans": plans, "members": members})


def default_plans_dir() -> Path:
    """The demo plans shipped with openrcm (`openrcm/payer/plans/`)."""
    return Path(__file__).with_name("plans")
