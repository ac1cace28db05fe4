"""Prior authorisations and referrals: kept on file, flagged, and used by claims.

`add_authorization` stores one (number, payer, codes, units or visits, dates);
`authorization_flags` lists those needing attention on a day: expiring within the warning
window, exhausted (every unit used), expired, or not yet valid. `apply_to_claim` is what
claim building calls: for each line it finds the patient's authorisation with the payer
that covers the code on the date of service with units left, puts its number on the line
and the claim (REF*G1) and the referral number on the claim (REF*9F), records the units
the line uses (once per claim line, so building the claim again uses nothing more), and
returns findings for lines an authorisation names but cannot cover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openrcm.domain.authorization import Authorization, AuthorizationKind, AuthorizationState
from openrcm.domain.claim import Claim
from openrcm.domain.finding import Finding, Severity
from openrcm.service.reports import followup_of

WARN_DAYS = 14
ATTENTION = frozenset(
    {
        AuthorizationState.EXPIRING,
        AuthorizationState.EXHAUSTED,
        AuthorizationState.EXPIRED,
        AuthorizationState.NOT_YET_VALID,
    }
)


def add_authorization(uow: Any, authorization: Authorization) -> Authorization:
    """Store an authorisation or referral (no units used yet)."""
    with uow:
        stored = followup_of(uow).add_authorization(authorization)
        uow.commit()
    return stored


def list_authorizations(uow: Any, *, patient_id: str | None = None) -> list[Authorization]:
    with uow:
        return followup_of(uow).authorizations(patient_id=patient_id)


@dataclass(frozen=True, slots=True)
class AuthorizationFlag:
    authorization: Authorization
    state: AuthorizationState
    days_to_end: int


def authorization_flags(
    uow: Any, *, today: date, warn_days: int = WARN_DAYS, include_active: bool = False
) -> list[AuthorizationFlag]:
    """Authorisations needing attention on `today` (all of them with `include_active`),
    soonest end first."""
    flags = []
    for auth in list_authorizations(uow):
        state = auth.state(today, warn_days=warn_days)
        if include_active or state in ATTENTION:
            flags.append(AuthorizationFlag(auth, state, (auth.end_date - today).days))
    return sorted(flags, key=lambda f: (f.authorization.end_date, f.authorization.id))


def units_of(quantity: Decimal) -> int:
    """Whole units a line uses: fractional units (minutes, 2.5 mg) round up."""
    return max(1, math.ceil(quantity))


def covering(
    authorizations: Sequence[Authorization],
    *,
    kind: AuthorizationKind,
    payer_id: str,
    procedure: str,
    on: date,
    units: int,
) -> Authorization | None:
    """The authorisation of `kind` with this payer that covers the service, the one ending
    soonest first (use up what expires first)."""
    found = [
        a
        for a in authorizations
        if a.kind is kind and a.payer_id == payer_id and a.covers(procedure, on, units)
    ]
    return min(found, key=lambda a: (a.end_date, a.id)) if found else None


def apply_to_claim(
    uow: Any, claim: Claim, *, record_use: bool = True
) -> tuple[Claim, list[Finding]]:
    """The claim with its authorisation and referral numbers, the units recorded as used.

    Call inside an open unit of work; the caller commits.
    """
    repo = followup_of(uow)
    auths = repo.authorizations(patient_id=claim.patient.id, payer_id=claim.payer.id)
    findings: list[Finding] = []
    lines = []
    numbers: list[str] = []
    for line in claim.lines:
        units = units_of(line.units)
        auth = covering(
            auths,
            kind=AuthorizationKind.PRIOR_AUTHORIZATION,
            payer_id=claim.payer.id,
            procedure=line.procedure,
            on=line.service_date,
            units=units,
        )
        if auth is None:
            named = [
                a
                for a in auths
                if a.kind is AuthorizationKind.PRIOR_AUTHORIZATION
                and line.procedure in a.procedure_codes
            ]
            if named:
                states = {a.state(line.service_date) for a in named}
                code = (
                    "AUTH-EXHAUSTED"
                    if AuthorizationState.EXHAUSTED in states
                    or all(a.units_left < units for a in named)
                    else "AUTH-NOT-IN-FORCE"
                )
                findings.append(
                    Finding(
                        code=code,
                        severity=Severity.ERROR,
                        line=line.number,
                        message=(
                            f"line {line.number}: authorization {named[0].number} does not cover "
                            f"{units} unit(s) of {line.procedure} on {line.service_date.isoformat()}"
                        ),
                        fix="request more units or an extension from the payer before billing",
                    )
                )
            lines.append(line)
            continue
        if record_use:
            auth_after = repo.use_authorization(
                auth.id, claim=claim.patient_control_number, line=line.number, units=units
            )
            auths = [auth_after if a.id == auth.id else a for a in auths]
            if auth_after.state(line.service_date) is AuthorizationState.EXHAUSTED:
                findings.append(
                    Finding(
                        code="AUTH-NOW-EXHAUSTED",
                        severity=Severity.INFO,
                        line=line.number,
                        message=f"authorization {auth.number} has no units left after this claim",
                    )
                )
        numbers.append(auth.number)
        lines.append(line.model_copy(update={"prior_authorization": auth.number}))
    referral = covering(
        auths,
        kind=AuthorizationKind.REFERRAL,
        payer_id=claim.payer.id,
        procedure=claim.lines[0].procedure,
        on=claim.first_service_date,
        units=1,
    )
    update: dict[str, Any] = {"lines": tuple(lines)}
    if numbers and not claim.prior_authorization:
        update["prior_authorization"] = numbers[0]
    if referral is not None and not claim.referral_number:
        update["referral_number"] = referral.number
        if record_use:
            repo.use_authorization(referral.id, claim=claim.patient_control_number, line=0, units=1)
    return claim.model_copy(update=update), findings
