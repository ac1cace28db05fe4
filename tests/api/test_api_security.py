"""Security: tenants cannot reach each other's records by id on any endpoint, auditors
cannot write, unauthenticated requests get 401, injection strings are inert, errors are
problem documents that leak nothing."""

from __future__ import annotations

import re
import uuid

import pytest
from api_world import TENANT_B, era_text

API = "/api/v1"
PUBLIC = {("POST", "/api/v1/auth/token")}
B_CLAIM = "clm-lkv-b-1"
B_PATIENT = "pat-lkv-900"


def api_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the API, from its OpenAPI document."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith(API)
        for method in operations
    )


@pytest.fixture
def b_document(client, login) -> str:
    """An 835 posted in tenant B: its document id exists in B only."""
    response = client.post(
        f"{API}/remittances",
        json={"text": era_text("LKV-B-1", trace="EFT-B-1", unmatched=False)},
        headers={**login("lena-biller"), "Idempotency-Key": "b-1"},
    )
    assert response.status_code == 200, response.text
    return response.json()["document"]


def cross_tenant_requests(b_document: str) -> dict[tuple[str, str], dict]:
    """One request per endpoint with a record id, aimed at tenant B's records."""
    return {
        ("GET", "/api/v1/patients/{patient_id}"): {"url": f"/patients/{B_PATIENT}"},
        ("GET", "/api/v1/patients/{patient_id}/coverages"): {
            "url": f"/patients/{B_PATIENT}/coverages"
        },
        ("GET", "/api/v1/patients/{patient_id}/encounters"): {
            "url": f"/patients/{B_PATIENT}/encounters"
        },
        ("GET", "/api/v1/patients/{patient_id}/account"): {"url": f"/patients/{B_PATIENT}/account"},
        ("GET", "/api/v1/coverages/{coverage_id}"): {"url": "/coverages/cov-lkv-900"},
        ("GET", "/api/v1/encounters/{encounter_id}"): {"url": "/encounters/enc-lkv-900"},
        ("GET", "/api/v1/claims/{claim_id}"): {"url": f"/claims/{B_CLAIM}"},
        ("POST", "/api/v1/claims/{claim_id}/scrub"): {"url": f"/claims/{B_CLAIM}/scrub"},
        ("POST", "/api/v1/claims/{claim_id}/fixes"): {
            "url": f"/claims/{B_CLAIM}/fixes",
            "json": {"code": "TOTAL-CHARGE-MISMATCH"},
        },
        ("GET", "/api/v1/ledger/claims/{patient_control_number}"): {
            "url": "/ledger/claims/LKV-B-1"
        },
        ("GET", "/api/v1/remittances/{document_id}"): {"url": f"/remittances/{b_document}"},
    }


def test_tenant_a_cannot_read_or_change_tenant_b_records_on_any_endpoint(
    app, client, login, world, b_document
) -> None:
    admin_a = login("alice-admin")
    requests = cross_tenant_requests(b_document)
    with_ids = {(m, p) for m, p in api_routes(app) if "{" in p}
    assert with_ids == set(requests), "every endpoint taking an id must be checked here"
    for (method, _), request in requests.items():
        response = client.request(
            method, API + request["url"], json=request.get("json"), headers=admin_a
        )
        assert response.status_code == 404, (method, request["url"], response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "Okafor" not in response.text
    # the same requests work for tenant B itself
    own = login("lena-biller")
    assert client.get(f"{API}/claims/{B_CLAIM}", headers=own).status_code == 200
    assert client.get(f"{API}/patients/{B_PATIENT}", headers=own).status_code == 200


def test_tenant_a_cannot_submit_tenant_b_claims_or_see_them_in_lists(client, login, world) -> None:
    biller_a = login("bob-biller")
    response = client.post(
        f"{API}/claims/submissions", json={"claim_ids": [B_CLAIM]}, headers=biller_a
    )
    assert response.status_code == 404
    listed = client.get(f"{API}/claims?limit=200", headers=biller_a).json()["items"]
    assert B_CLAIM not in {c["id"] for c in listed}
    patients = client.get(f"{API}/patients?limit=200", headers=biller_a).json()["items"]
    assert B_PATIENT not in {p["id"] for p in patients}
    b_claim_after = client.get(f"{API}/claims/{B_CLAIM}", headers=login("lena-biller")).json()
    assert b_claim_after["claim"]["status"] == "draft"


def test_a_token_for_tenant_a_cannot_be_used_for_tenant_b(client, login, world) -> None:
    response = client.post(
        f"{API}/auth/token",
        json={
            "username": "bob-biller",
            "password": "correct horse battery staple",
            "tenant": TENANT_B,
        },
    )
    assert response.status_code == 401


def test_an_auditor_cannot_write_on_any_endpoint(app, client, login, world) -> None:
    auditor = login("audrey-auditor")
    writes = [(m, p) for m, p in api_routes(app) if m in {"POST", "PUT", "PATCH", "DELETE"}]
    writes = [(m, p) for m, p in writes if p not in {"/api/v1/auth/token", "/api/v1/auth/logout"}]
    assert len(writes) >= 8
    for method, path in writes:
        url = re.sub(r"\{[^}]+\}", "x", path)
        response = client.request(method, url, json={}, headers={**auditor, "Idempotency-Key": "a"})
        assert response.status_code == 403, (method, path, response.status_code)
    # and reading works
    assert client.get(f"{API}/claims", headers=auditor).status_code == 200


@pytest.mark.parametrize("role", ["coder", "payer_examiner"])
def test_roles_without_money_permissions_cannot_post_an_835(client, login, world, role) -> None:
    user = {"coder": "cora-coder", "payer_examiner": "pete-examiner"}[role]
    response = client.post(
        f"{API}/remittances",
        json={"text": era_text()},
        headers={**login(user), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 403


def test_every_endpoint_needs_authentication(app, client, world) -> None:
    for method, path in api_routes(app):
        if (method, path) in PUBLIC:
            continue
        url = re.sub(r"\{[^}]+\}", "x", path)
        response = client.request(method, url, json={})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"].startswith("Bearer")
    bad = client.get(f"{API}/claims", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    forged = client.get(f"{API}/claims", headers={"X-API-Key": "orcm_" + "A" * 43})
    assert forged.status_code == 401


INJECTIONS = [
    "'; DROP TABLE patient; --",
    '" OR 1=1 --',
    "<script>alert('x')</script>",
    "%' UNION SELECT username, password_hash FROM app_user --",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_in_search_and_filters_are_inert(client, login, world, text) -> None:
    headers = login("bob-biller")
    search = client.get(f"{API}/codes/search", params={"q": text}, headers=headers)
    assert search.status_code == 200
    assert "password_hash" not in search.text and "<script>" not in search.text
    claims = client.get(f"{API}/claims", params={"payer_id": text[:80]}, headers=headers)
    assert claims.status_code == 200 and claims.json()["total"] == 0
    audit = client.get(f"{API}/audit", params={"record_id": text}, headers=login("alice-admin"))
    assert audit.status_code == 200 and audit.json()["total"] == 0
    # the tables are still there
    assert client.get(f"{API}/patients", headers=headers).json()["items"]


def test_a_patient_named_with_script_is_stored_as_text(client, login, world, practice) -> None:
    headers = login("bob-biller")
    patient = client.get(f"{API}/patients/{practice.patient.id}", headers=headers).json()
    evil = {
        **patient,
        "id": "pat-evil",
        "name": {"last": "<script>alert(1)</script>", "first": "Robert'); DROP TABLE claim;--"},
    }
    assert client.post(f"{API}/patients", json=evil, headers=headers).status_code == 201
    back = client.get(f"{API}/patients/pat-evil", headers=headers).json()
    assert back["name"]["last"] == "<script>alert(1)</script>"
    assert client.get(f"{API}/claims", headers=headers).json()["total"] == 2


def test_login_is_rate_limited(client, world) -> None:
    for _ in range(5):
        wrong = client.post(
            f"{API}/auth/token", json={"username": "bob-biller", "password": "guess-guess-guess"}
        )
        assert wrong.status_code == 401
    blocked = client.post(
        f"{API}/auth/token",
        json={"username": "bob-biller", "password": "correct horse battery staple"},
    )
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_errors_are_problem_documents_without_internals(client, login, world) -> None:
    headers = login("bob-biller")
    response = client.get(f"{API}/claims?limit=100000", headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["type"].startswith("https://")
    assert "Traceback" not in response.text
    missing = client.get(f"{API}/nowhere", headers=headers)
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


def test_responses_carry_security_headers_and_are_not_cached(client, login, world) -> None:
    response = client.get(f"{API}/claims", headers=login("bob-biller"))
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
