"""1,000 synthetic claims through the whole loop, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loop_invariants import ledger_snapshot, violations

from openrcm.datadir import find_data_dir
from openrcm.service.claims import store_practice
from openrcm.service.loop import Reference, load_reference, run_loop
from openrcm.service.remit import post_835
from openrcm.synth import PFS_RELATIVE_PATH, generate_practice

AS_OF = date(2026, 1, 15)


@pytest.fixture(scope="module")
def reference() -> Iterator[Reference]:
    loaded = load_reference(find_data_dir(), as_of=AS_OF)
    yield loaded
    loaded.close()


def practice(seed: int, claims: int, secondary_share: float = 0.3) -> Any:
    return generate_practice(
        seed,
        claims=claims,
        pfs=find_data_dir() / PFS_RELATIVE_PATH,
        start_date=AS_OF - timedelta(days=90),
        end_date=AS_OF - timedelta(days=3),
        secondary_share=secondary_share,
    )


def file_parties(new_uow: Callable[[], Any], built: Any) -> None:
    uow = new_uow()
    with uow:
        store_practice(uow, built)
        uow.commit()


def test_a_thousand_claims_close_the_loop(
    uow_factory: Callable[[str], Any], tenant: Any, reference: Reference
) -> None:
    built = practice(seed=41, claims=1000)
    secondary = sum(1 for c in built.claims if c.other_payers)
    assert secondary >= 200  # at least 20% with secondary coverage
    assert any(len(c.lines) > 1 for c in built.claims)
    assert any(line.modifiers for c in built.claims for line in c.lines)

    def new_uow() -> Any:
        return uow_factory(tenant)

    file_parties(new_uow, built)
    report = run_loop(new_uow, built.claims, reference, as_of=AS_OF)
    texts_835 = [text for _, text in report.exchanges]

    assert report.clean_claims == 1000 and report.held == []
    assert report.denials_queued > 0
    assert violations(new_uow, built.claims, texts_835) == []

    before = ledger_snapshot(new_uow)
    for text in texts_835:
        assert post_835(new_uow(), text).already_posted
    assert ledger_snapshot(new_uow) == before


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.integers(0, 10_000),
    claims=st.integers(3, 25),
    secondary_share=st.sampled_from([0.0, 0.3, 0.8]),
)
def test_random_small_practices_close_the_loop(
    tmp_path_factory: pytest.TempPathFactory,
    reference: Reference,
    seed: int,
    claims: int,
    secondary_share: float,
) -> None:
    from openrcm.domain.party import Tenant
    from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory

    url = f"sqlite:///{tmp_path_factory.mktemp('loop') / 'db.sqlite'}"
    migrate(url)
    factory = session_factory(engine(url))
    with SqlUnitOfWork(factory, "t") as uow:
        uow.tenants.add(Tenant(id="t", name="Random practice"))
        uow.commit()

    def new_uow() -> Any:
        return SqlUnitOfWork(factory, "t")

    built = practice(seed, claims, secondary_share)
    file_parties(new_uow, built)
    report = run_loop(new_uow, built.claims, reference, as_of=AS_OF)
    texts_835 = [text for _, text in report.exchanges]
    assert violations(new_uow, built.claims, texts_835) == []
    # every claim is sent or held, and each held claim names the edit that holds it
    assert report.clean_claims + report.held_claims == len(built.claims)
    assert {pcn for pcn, _, _ in report.held} <= {c.patient_control_number for c in built.claims}
    before = ledger_snapshot(new_uow)
    for text in texts_835:
        post_835(new_uow(), text)
    assert ledger_snapshot(new_uow) == before
