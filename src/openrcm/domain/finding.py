"""Findings: problems in a claim, a file or an adjudication, as data rather than exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Error blocks (a claim from going out, a file from being used); warning and info do not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class SegmentRef:
    """A place in an X12 file, as a 999 reports it in IK3/IK4."""

    segment_index: int  # 1-based position of the segment within its transaction set
    segment_id: str  # "CLM", "SV1"
    loop: str | None = None  # "2300"
    element: int | None = None  # 1-based element position
    component: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem in a claim, a file or an adjudication. Data, never an exception."""

    code: str  # stable, never reused: "NCCI-PTP", "X12-SE-COUNT"
    severity: Severity
    message: str  # for people; tests assert on code and place
    line: int | None = None  # service line (LX01); None for the whole claim
    segment: SegmentRef | None = None  # place in an X12 file
    fix: str | None = None  # what to change, when known

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(findings: tuple[Finding, ...] | list[Finding]) -> bool:
    """True when any finding is error-severity (exit code 1 in the CLI contract)."""
    return any(f.severity is Severity.ERROR for f in findings)
