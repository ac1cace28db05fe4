"""Synthetic data on disk: `claims.json` (every record) and `claims.837p` (one interchange).

`claims.json` is one JSON document: the practice's records (tenant, providers, locations,
payers, plans, patients, guarantors, coverages), then `claims`, one per line, each the
domain `Claim.model_dump(mode="json")` (so `Claim.model_validate` reads it back), then
`defects` for deliberately dirty claims. It is written while the claims stream, so its size
is not bounded by memory, and it is byte-for-byte the same for the same seed.

`claims.837p` is written when the X12 writer (`openrcm.x12.write_837p`) can be imported:
the same claims as one 837P 005010X222A1 test interchange (ISA15 `T`) to a synthetic
clearinghouse, dated the day after the window. Without the writer the file is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from openrcm.domain import Claim
from openrcm.synth.claims import BilledVisit, iter_visits
from openrcm.synth.practice import SyntheticPractice

FORMAT = "openrcm-synth/1"


@dataclass(frozen=True, slots=True)
class SynthOutput:
    """What was written: counts and paths (`x12_path` None when the 837P was skipped)."""

    claims: int
    dirty_claims: int
    patients: int
    providers: int
    payers: int
    lines: int
    json_path: Path
    x12_path: Path | None


def _dump(record: BaseModel) -> str:
    return record.model_dump_json()


def _records(out: IO[str], key: str, records: Sequence[BaseModel]) -> None:
    out.write(f',\n"{key}":[')
    for i, record in enumerate(records):
        out.write(("\n" if i == 0 else ",\n") + _dump(record))
    out.write("\n]" if records else "]")


def _header(practice: SyntheticPractice) -> dict[str, Any]:
    config = practice.config
    return {
        "format": FORMAT,
        "seed": config.seed,
        "start_date": config.start_date.isoformat(),
        "end_date": config.end_date.isoformat(),
        "secondary_share": config.secondary_share,
        "dirty_share": config.dirty_share,
        "charge_multiplier": f"{practice.charge_master.multiplier:.2f}",
        "fee_schedule": "CMS PFS CY2025 national RVUs x 32.3465",
    }


def write_claims_json(
    practice: SyntheticPractice,
    path: Path | str,
    visits: Iterable[BilledVisit] | None = None,
    *,
    keep: list[Claim] | None = None,
) -> tuple[int, int, int]:
    """Write `claims.json` for `practice`; returns (claims, dirty claims, lines).

    The claims are `visits` when given (a stream from `iter_visits`), else the practice's
    own `claims` and `defects`. Claims are appended to `keep` when a list is passed.
    """
    if visits is None:
        visits = (
            BilledVisit(claim, (), practice.defects.get(claim.id, ())) for claim in practice.claims
        )
    defects: dict[str, list[str]] = {}
    count = lines = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        out.write("{" + json.dumps(_header(practice), separators=(",", ":"))[1:-1])
        out.write(',\n"tenant":' + _dump(practice.tenant))
        out.write(',\n"billing_provider":' + _dump(practice.billing_provider))
        _records(out, "rendering_providers", practice.rendering_providers)
        _records(out, "referring_providers", practice.referring_providers)
        _records(out, "facilities", practice.facilities)
        _records(out, "locations", practice.locations)
        _records(out, "payers", practice.payers)
        _records(out, "plans", practice.plans)
        _records(out, "patients", practice.patients)
        _records(out, "guarantors", practice.guarantors)
        _records(out, "coverages", practice.coverages)
        out.write(',\n"claims":[')
        for billed in visits:
            out.write(("\n" if count == 0 else ",\n") + _dump(billed.claim))
            count += 1
            lines += len(billed.claim.lines)
            if billed.defects:
                defects[billed.claim.id] = list(billed.defects)
            if keep is not None:
                keep.append(billed.claim)
        out.write("\n]" if count else "]")
        out.write(',\n"claim_count":' + str(count))
        out.write(',\n"defects":' + json.dumps(defects, separators=(",", ":"), sort_keys=True))
        out.write("\n}\n")
    return count, len(defects), lines


def x12_writer() -> Callable[..., str] | None:
    """`openrcm.x12.write_837p` when it can be imported, else None (the 837P is skipped)."""
    try:
        from openrcm.x12 import write_837p
    except ImportError:
        return None
    return write_837p


def write_claims_837p(
    practice: SyntheticPractice, claims: Sequence[Claim], path: Path | str
) -> bool:
    """Write the claims as one 837P interchange; False (nothing written) without a writer."""
    writer = x12_writer()
    if writer is None or not claims:
        return False
    from openrcm.x12 import Receiver, Submitter

    billing = practice.billing_provider
    submitter = Submitter(
        name=billing.name,
        identifier=f"SYN{billing.npi}",
        contact_name="Billing Office",
    )
    receiver = Receiver(name="Synthetic Clearinghouse", identifier="SYNTHCLEAR")
    created = datetime.combine(practice.config.end_date + timedelta(days=1), time(8, 0))
    text = writer(claims, submitter=submitter, receiver=receiver, created_at=created, usage="T")
    Path(path).write_text(text, encoding="utf-8", newline="")
    return True


def write_synthetic_data(
    practice: SyntheticPractice,
    out_dir: Path | str,
    *,
    on_progress: Callable[[int], None] | None = None,
    x12: bool = True,
) -> SynthOutput:
    """Generate `practice.config.claims` claims into `out_dir` (created if missing)."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "claims.json"
    keep: list[Claim] | None = [] if x12 and x12_writer() is not None else None
    visits = iter_visits(practice, encounters=False, on_progress=on_progress)
    count, dirty, lines = write_claims_json(practice, json_path, visits, keep=keep)
    x12_path: Path | None = directory / "claims.837p"
    if keep is None or not write_claims_837p(practice, keep, x12_path):  # type: ignore[arg-type]
        x12_path = None
    return SynthOutput(
        claims=count,
        dirty_claims=dirty,
        patients=len(practice.patients),
        providers=len(practice.providers),
        payers=len(practice.payers),
        lines=lines,
        json_path=json_path,
        x12_path=x12_path,
    )
