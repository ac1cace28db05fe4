"""Prior authorisations and referrals: permission from the payer (or the primary care
physician) for specific services, in a date range, for a number of units or visits."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from openrcm.domain.base import Record


class AuthorizationKind(StrEnum):
    PRIOR_AUTHORIZATION = "prior_authorization"  # REF*G1 on the claim
    REFERRAL = "referral"  # REF*9F on the claim


class AuthorizationState(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"  # ends within the warning window
    EXHAUSTED = "exhausted"  # every authorised unit or visit used
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


class Authorization(Record):
    """One authorisation or referral and how much of it has been used."""

    id: str
    kind: AuthorizationKind
    number: str = Field(min_length=1, max_length=50)
    patient_id: str
    payer_id: str
    procedure_codes: tuple[str, ...] = ()  # empty: any service of the referral's specialty
    units_authorized: int = Field(ge=1)
    units_used: int = Field(default=0, ge=0)
    start_date: date
    end_date: date

    @model_validator(mode="after")
    def _consistent(self) -> Authorization:
        if self.end_date < self.start_date:
            raise ValueError(
                f"authorisation ends ({self.end_date}) before it starts ({self.start_date})"
            )
        return self

    @property
    def units_left(self) -> int:
        return max(0, self.units_authorized - self.units_used)

    def covers(self, procedure: str, on: date, units: int = 1) -> bool:
        """True when this authorisation allows `units` of `procedure` on `on`."""
        return (
            self.start_date <= on <= self.end_date
            and (not self.procedure_codes or procedure in self.procedure_codes)
            and units <= self.units_left
        )

    def state(self, today: date, *, warn_days: int = 14) -> AuthorizationState:
        if today < self.start_date:
            return AuthorizationState.NOT_YET_VALID
        if today > self.end_date:
            return AuthorizationState.EXPIRED
        if self.units_left == 0:
            return AuthorizationState.EXHAUSTED
        if (self.end_date - today).days <= warn_days:
            return AuthorizationState.EXPIRING
        return AuthorizationState.ACTIVE

    def use(self, units: int) -> Authorization:
        """A copy with `units` more used; refuses to use more than is left."""
        if units < 1:
            raise ValueError("use at least one unit")
        if units > self.units_left:
            raise ValueError(
                f"authorisation {self.number} has {self.units_left} units left, not {units}"
            )
        return self.model_copy(update={"units_used": self.units_used + units})
