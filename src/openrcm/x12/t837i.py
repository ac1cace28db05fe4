"""837I (005010X223A2): institutional claims, read into and written from `domain.Claim`.

API
---
- `write_837i(claims, *, submitter, receiver, created_at, interchange_control_number=1,
  group_control_number=None, usage="P", reference=None, delimiters=Delimiters.DEFAULT,
  claims_per_set=5000) -> str`: one interchange; claims grouped into the HL hierarchy
  billing provider (2000A) → subscriber (2000B) → patient (2000C, when not the subscriber).
- `read_837i(source) -> (claims, findings)`: every institutional claim in `source` (text or
  a file object) as `Claim`s, with envelope findings and one `X12-CLAIM-UNREADABLE` finding
  per claim that cannot become a valid `Claim`. Never raises except `X12Error`.
- `iter_837i(source, findings=None) -> Iterator[Claim]`: the same, streaming, one claim at
  a time; findings are appended to the list you pass.
- `canonical_837(claim)`: the claim as an 837 carries it (see `t837`).

The loop layout shared with the 837P lives in `openrcm.x12.t837`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding
from openrcm.x12.t837 import (
    INSTITUTIONAL,
    Receiver,
    Submitter,
    canonical_837,
    is_institutional,
    iter_837,
    write_837,
)
from openrcm.x12.tokenizer import Delimiters, _Readable

__all__ = ["Receiver", "Submitter", "canonical_837", "iter_837i", "read_837i", "write_837i"]


def write_837i(
    claims: Iterable[Claim],
    *,
    submitter: Submitter,
    receiver: Receiver,
    created_at: datetime,
    interchange_control_number: int = 1,
    group_control_number: int | None = None,
    usage: str = "P",
    reference: str | None = None,
    delimiters: Delimiters = Delimiters.DEFAULT,
    claims_per_set: int = 5000,
) -> str:
    """Institutional claims as one 837P interchange (X223A2)."""
    return write_837(
        claims,
        INSTITUTIONAL,
        submitter=submitter,
        receiver=receiver,
        created_at=created_at,
        interchange_control_number=interchange_control_number,
        group_control_number=group_control_number,
        usage=usage,
        reference=reference,
        delimiters=delimiters,
        claims_per_set=claims_per_set,
    )


def iter_837i(source: str | _Readable, findings: list[Finding] | None = None) -> Iterator[Claim]:
    """Stream the institutional claims of `source`, one at a time."""
    return iter_837(source, INSTITUTIONAL, findings, accept=is_institutional)


def read_837i(source: str | _Readable) -> tuple[tuple[Claim, ...], tuple[Finding, ...]]:
    """Every institutional claim in `source`, with the findings met while reading."""
    findings: list[Finding] = []
    claims = tuple(iter_837i(source, findings))
    return claims, tuple(findings)
