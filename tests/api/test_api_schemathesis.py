"""schemathesis against the OpenAPI schema: bounded generated requests, no server errors.

Every operation is called with generated parameters and bodies, as an administrator of
tenant A (who may do everything) on SQLite; no answer may be a 5xx. The examples per
operation are bounded and derandomised, so the run is short and repeatable.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 10


@pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
def test_no_operation_answers_with_a_server_error(app, login) -> None:
    headers = login("alice-admin")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    tried: list[str] = []
    for operation in operations:
        if operation.path == "/api/v1/auth/logout":
            continue  # it would revoke the token the other operations use

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        call()
        tried.append(f"{operation.method.upper()} {operation.path}")
    assert "POST /api/v1/remittances" in tried
