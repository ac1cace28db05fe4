"""Fixtures for the API, web and browser tests (imported by their conftest files): an app on the migrated test database (SQLite and PostgreSQL),
a light scrub context (fee schedule and code sets, no NCCI tables), a seeded world and
logins."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_world import PASSWORD, World

from openrcm.api import create_app
from openrcm.api.resources import Resources
from openrcm.settings import Settings

TODAY = date(2025, 3, 20)  # the business date of the tests: claims of 2025-03-04 are timely


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> None:
    """argon2 at its cheapest: the tests check behaviour, not hashing cost."""
    from openrcm.service.auth import set_hash_cost

    set_hash_cost(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def light_scrub_parts() -> dict[str, Any]:
    """Reference data for the scrubber without the large NCCI tables: loaded once."""
    from openrcm.codes import default_code_sets
    from openrcm.datadir import find_data_dir
    from openrcm.pricing.medicare_pfs import read_rvu_rows
    from openrcm.scrub.codesets import FeeScheduleTable, IcdCodes, ProcedureCodeSets

    data = find_data_dir()
    code_sets = default_code_sets()
    return {
        "code_sets": code_sets,
        "fee_schedule": FeeScheduleTable(
            read_rvu_rows(data / "cms" / "pfs2025" / "pprrvu2025_oct_tidy.csv")
        ),
        "diagnoses": IcdCodes(code_sets.icd10cm),
        "procedures": ProcedureCodeSets(code_sets),
    }


def light_context(parts: dict[str, Any], as_of: date) -> Any:
    from openrcm.scrub import ScrubContext

    return ScrubContext(
        as_of=as_of,
        diagnoses=parts["diagnoses"],
        procedures=parts["procedures"],
        fee_schedule=parts["fee_schedule"],
        places_of_service=frozenset(parts["code_sets"].place_of_service),
    )


@pytest.fixture
def resources(migrated_database_url: str, light_scrub_parts: dict[str, Any]) -> Iterator[Resources]:
    settings = Settings(
        database_url=migrated_database_url, secret_key="test-secret-key-0123456789abcdef"
    )
    built = Resources.build(
        settings,
        code_sets_factory=lambda: light_scrub_parts["code_sets"],
        scrub_context_factory=lambda as_of: light_context(light_scrub_parts, as_of),
        clock=lambda: TODAY,
        suggest_codes=lambda note: {"suggestions": [], "queries": [], "note_length": len(note)},
    )
    try:
        yield built
    finally:
        built.dispose()


@pytest.fixture
def app(resources: Resources) -> Any:
    return create_app(resources.settings, resources=resources)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def world(resources: Resources, practice: Any) -> World:
    return World.build(resources, practice)


@pytest.fixture
def login(client: Any, world: World) -> Any:
    """`login("bob-biller")` -> headers with a bearer token for that user."""

    def token_headers(username: str, tenant: str | None = None) -> dict[str, str]:
        response = client.post(
            "/api/v1/auth/token",
            json={"username": username, "password": PASSWORD, "tenant": tenant},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return token_headers
