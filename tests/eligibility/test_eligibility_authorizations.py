"""Prior authorisations and referrals: stored, used by claims (units consumed once per claim
line), flagged when expiring or exhausted (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from openrcm.domain.authorization import Authorization, AuthorizationKind, AuthorizationState
from openrcm.service import authorizations as service
from openrcm.store import Duplicate

DOS = date(2025, 3, 4)


def pt_auth(units: int = 3, **changes: Any) -> Authorization:
    values: dict[str, Any] = {
        "id": "auth-pt-1",
        "kind": AuthorizationKind.PRIOR_AUTHORIZATION,
        "number": "PA-88812",
        "patient_id": "pat-000417",
        "payer_id": "87726",
        "procedure_codes": ("97110", "97140"),
        "units_authorized": units,
        "start_date": date(2025, 3, 1),
        "end_date": date(2025, 3, 31),
    }
    values.update(changes)
    return Authorization(**values)


@pytest.fixture
def stored(uow: Any, practice: Any) -> Any:
    with uow:
        practice.store(uow)
        uow.commit()
    service.add_authorization(uow, pt_auth())
    service.add_authorization(
        uow,
        Authorization(
            id="ref-1",
            kind=AuthorizationKind.REFERRAL,
            number="REF-5521",
            patient_id="pat-000417",
            payer_id="87726",
            units_authorized=6,
            start_date=date(2025, 1, 1),
            end_date=date(2025, 6, 30),
        ),
    )
    return practice


def therapy_claim(practice: Any, pcn: str, units: str = "2") -> Any:
    claim = practice.claim(pcn, charges=("120.00",), service_date=DOS)
    line = claim.lines[0].model_copy(
        update={"procedure": "97110", "modifiers": (), "units": Decimal(units)}
    )
    return claim.model_copy(update={"lines": (line,), "prior_authorization": None})


def test_a_claim_takes_the_authorization_number_and_uses_its_units_once(
    uow: Any, stored: Any
) -> None:
    claim = therapy_claim(stored, "PT1")
    with uow:
        built, findings = service.apply_to_claim(uow, claim)
        uow.commit()
    assert findings == []
    assert built.lines[0].prior_authorization == "PA-88812"
    assert built.prior_authorization == "PA-88812" and built.referral_number == "REF-5521"
    # building the same claim again uses nothing more
    with uow:
        service.apply_to_claim(uow, claim)
        uow.commit()
    (auth,) = [a for a in service.list_authorizations(uow) if a.id == "auth-pt-1"]
    assert auth.units_used == 2 and auth.units_left == 1


def test_a_line_beyond_the_units_left_is_an_error_and_the_exhausted_one_is_flagged(
    uow: Any, stored: Any
) -> None:
    with uow:
        service.apply_to_claim(uow, therapy_claim(stored, "PT1", units="2"))
        _, findings = service.apply_to_claim(uow, therapy_claim(stored, "PT2", units="2"))
        uow.commit()
    assert [(f.code, f.line) for f in findings] == [("AUTH-EXHAUSTED", 1)]
    with uow:
        _, last = service.apply_to_claim(uow, therapy_claim(stored, "PT3", units="0.5"))
        uow.commit()
    assert [f.code for f in last] == ["AUTH-NOW-EXHAUSTED"]
    flags = service.authorization_flags(uow, today=date(2025, 3, 10))
    assert [(f.authorization.number, f.state) for f in flags] == [
        ("PA-88812", AuthorizationState.EXHAUSTED)
    ]


def test_expiring_and_expired_authorizations_are_flagged(uow: Any, stored: Any) -> None:
    assert service.authorization_flags(uow, today=date(2025, 3, 10)) == []
    near = service.authorization_flags(uow, today=date(2025, 3, 20))
    assert [(f.authorization.number, f.state, f.days_to_end) for f in near] == [
        ("PA-88812", AuthorizationState.EXPIRING, 11)
    ]
    later = service.authorization_flags(uow, today=date(2025, 4, 2))
    assert [f.state for f in later] == [AuthorizationState.EXPIRED]
    every = service.authorization_flags(uow, today=date(2025, 3, 10), include_active=True)
    assert len(every) == 2


def test_an_authorization_number_is_stored_once_per_payer(uow: Any, stored: Any) -> None:
    with pytest.raises(Duplicate):
        service.add_authorization(uow, pt_auth(id="auth-pt-2"))


def test_a_service_outside_the_authorizations_dates_is_not_covered(uow: Any, stored: Any) -> None:
    claim = therapy_claim(stored, "PT9")
    late = claim.model_copy(
        update={"lines": (claim.lines[0].model_copy(update={"service_date": date(2025, 4, 2)}),)}
    )
    with uow:
        built, findings = service.apply_to_claim(uow, late)
    assert built.lines[0].prior_authorization is None
    assert [f.code for f in findings] == ["AUTH-NOT-IN-FORCE"]
