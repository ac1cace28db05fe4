"""Matching 835 claim payments to claims, and service payments to claim lines.

A CLP is matched by its patient control number (CLP01), exactly, then ignoring case and
spaces, then as the unique claim it is a prefix of (some payers cut CLP01 to 20
characters). Reversals may also be matched by the payer's claim control number (CLP07). An
SVC is matched to a line by its REF*6R line control number, else by procedure (the
submitted one, SVC06, when the payer changed it), modifiers and charge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from openrcm.domain.claim import Claim, ServiceLine
from openrcm.domain.remittance import ServicePayment

TRUNCATED_LENGTH = 20


def normalise(control_number: str) -> str:
    return re.sub(r"\s+", "", control_number).upper()


class ClaimIndex:
    """Claims by patient control number, with the fallbacks payers make necessary."""

    def __init__(self, claims_by_control_number: Mapping[str, Claim]) -> None:
        self._exact = claims_by_control_number
        self._normal: dict[str, Claim] = {}
        self._by_payer_number: dict[str, Claim] = {}
        for number, claim in claims_by_control_number.items():
            self._normal.setdefault(normalise(number), claim)
            if claim.payer_claim_control_number:
                self._by_payer_number.setdefault(claim.payer_claim_control_number, claim)

    def find(self, control_number: str) -> Claim | None:
        """The claim with this patient control number, or None."""
        found = self._exact.get(control_number)
        if found is not None:
            return found
        key = normalise(control_number)
        found = self._normal.get(key)
        if found is not None or len(key) < TRUNCATED_LENGTH:
            return found
        candidates = [c for n, c in self._normal.items() if n.startswith(key)]
        return candidates[0] if len(candidates) == 1 else None

    def by_payer_number(self, payer_claim_number: str) -> Claim | None:
        """The claim whose payer claim control number (REF*F8) is this one."""
        return self._by_payer_number.get(payer_claim_number)


def _line_control(value: str | None) -> int | None:
    if not value:
        return None
    digits = re.search(r"(\d+)$", value.strip())
    return int(digits.group(1)) if digits else None


def match_lines(claim: Claim, payments: Sequence[ServicePayment]) -> list[int | None]:
    """The claim line number each service payment is for (None when no line fits)."""
    unused: dict[int, ServiceLine] = {line.number: line for line in claim.lines}
    matched: list[int | None] = []
    for svc in payments:
        number = _line_control(svc.line_control_number)
        if number is None or number not in unused:
            number = _best_line(svc, list(unused.values()))
        if number is not None:
            del unused[number]
        matched.append(number)
    return matched


def _best_line(svc: ServicePayment, lines: list[ServiceLine]) -> int | None:
    procedure = svc.original_procedure or svc.procedure
    tests = (
        lambda line: (
            line.procedure == procedure
            and line.modifiers == svc.modifiers
            and line.charge_amount == svc.charge_amount
        ),
        lambda line: line.procedure == procedure and line.charge_amount == svc.charge_amount,
        lambda line: (
            line.procedure == procedure
            and (svc.service_date is None or line.service_date == svc.service_date)
        ),
        lambda line: line.procedure in (svc.procedure, procedure),
        lambda line: (
            line.charge_amount == svc.charge_amount
            and svc.service_date is not None
            and line.service_date == svc.service_date
        ),
    )
    for test in tests:
        for line in lines:
            if test(line):
                return line.number
    return None
