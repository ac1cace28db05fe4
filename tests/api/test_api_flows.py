"""The API's use cases end to end on SQLite and PostgreSQL: log in, read, scrub, fix,
submit, post an 835 (idempotently), balances, statements, queues, the audit trail."""

from __future__ import annotations

import uuid

from api_world import TENANT_A, era_text

API = "/api/v1"


def test_a_biller_logs_in_and_sees_only_the_tenants_claims(client, login) -> None:
    headers = login("bob-biller")
    page = client.get(f"{API}/claims", headers=headers).json()
    assert page.get("total") == 2, page
    assert [c["patient_control_number"] for c in page["items"]] == ["NFP-A-1", "NFP-A-2"]
    assert page["items"][0]["total_charge_amount"] == "205.00"
    me = client.get(f"{API}/auth/me", headers=headers).json()
    assert me["tenant"] == TENANT_A and me["roles"] == ["biller"]


def test_claims_page_and_filter_by_status(client, login) -> None:
    headers = login("bob-biller")
    first = client.get(f"{API}/claims?limit=1&offset=1", headers=headers).json()
    assert [c["patient_control_number"] for c in first["items"]] == ["NFP-A-2"]
    assert first["total"] == 2
    drafts = client.get(f"{API}/claims?status=draft", headers=headers).json()
    assert [c["patient_control_number"] for c in drafts["items"]] == ["NFP-A-2"]


def test_claim_detail_has_history_and_balance(client, login, world) -> None:
    headers = login("cora-coder")
    claim = world.claims_a["NFP-A-1"]
    detail = client.get(f"{API}/claims/{claim.id}", headers=headers).json()
    assert detail["claim"]["patient_control_number"] == "NFP-A-1"
    assert detail["history"][0]["to_status"] == "submitted"
    assert detail["balance"]["charge"] == "205.00"
    assert detail["balance"]["insurance_balance"] == "205.00"


def test_scrub_finds_the_missing_25_and_the_one_click_fix_clears_it(client, login, world) -> None:
    headers = login("cora-coder")
    claim = world.claims_a["NFP-A-2"]
    scrub = client.post(f"{API}/claims/{claim.id}/scrub", headers=headers).json()
    missing = [f for f in scrub["findings"] if f["code"] == "MODIFIER-25-MISSING"]
    assert missing and missing[0]["line"] == 1 and missing[0]["autofix"]

    fixed = client.post(
        f"{API}/claims/{claim.id}/fixes",
        json={"code": "MODIFIER-25-MISSING", "line": 1},
        headers=headers,
    )
    assert fixed.status_code == 200, fixed.text
    assert "MODIFIER-25-MISSING" not in {f["code"] for f in fixed.json()["after"]}
    stored = client.get(f"{API}/claims/{claim.id}", headers=headers).json()["claim"]
    assert stored["lines"][0]["modifiers"] == ["25"]

    again = client.post(
        f"{API}/claims/{claim.id}/fixes",
        json={"code": "MODIFIER-25-MISSING", "line": 1},
        headers=headers,
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


def test_submitting_writes_an_837p_and_moves_the_claim(client, login, world) -> None:
    headers = login("bob-biller")
    claim = world.claims_a["NFP-A-2"]
    client.post(
        f"{API}/claims/{claim.id}/fixes",
        json={"code": "MODIFIER-25-MISSING", "line": 1},
        headers=headers,
    )
    result = client.post(
        f"{API}/claims/submissions", json={"claim_ids": [claim.id]}, headers=headers
    ).json()
    assert result["submitted"] == [claim.id], result["held"]
    assert result["x12"].startswith("ISA*") and "CLM*NFP-A-2*245" in result["x12"]
    detail = client.get(f"{API}/claims/{claim.id}", headers=headers).json()
    assert detail["claim"]["status"] == "submitted"
    resubmit = client.post(
        f"{API}/claims/submissions", json={"claim_ids": [claim.id]}, headers=headers
    ).json()
    assert (
        resubmit["submitted"] == [] and resubmit["held"][claim.id][0]["code"] == "CLAIM-NOT-READY"
    )


def test_posting_an_835_is_idempotent_by_key_and_by_content(client, login, world) -> None:
    headers = login("bob-biller")
    key = str(uuid.uuid4())
    body = {"text": era_text(), "name": "prairie.835"}
    first = client.post(
        f"{API}/remittances", json=body, headers={**headers, "Idempotency-Key": key}
    )
    assert first.status_code == 200, first.text
    posted = first.json()
    assert posted["claims_posted"] == 1 and posted["claims_unmatched"] == 1
    assert posted["amount_posted"] == "130.00"

    replay = client.post(
        f"{API}/remittances", json=body, headers={**headers, "Idempotency-Key": key}
    )
    assert replay.json() == posted and replay.headers["Idempotent-Replayed"] == "true"

    other = client.post(
        f"{API}/remittances", json=body, headers={**headers, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert other.json()["already_posted"] is True

    misuse = client.post(
        f"{API}/remittances",
        json={"text": era_text(trace="EFT-7002"), "name": "x"},
        headers={**headers, "Idempotency-Key": key},
    )
    assert misuse.status_code == 422

    balance = client.get(f"{API}/ledger/claims/NFP-A-1", headers=headers).json()
    assert balance["insurance_paid"] == "130.00"
    assert balance["patient_responsibility"] == "20.00"
    trial = client.get(f"{API}/ledger/trial-balance", headers=headers).json()
    assert trial["total"] == "0.00"

    unmatched = client.get(f"{API}/remittances/work-items?kind=exception", headers=headers).json()
    assert any(i["claim"] == "GHOST-9" for i in unmatched["items"])
    documents = client.get(f"{API}/remittances", headers=headers).json()["items"]
    assert [d["id"] for d in documents] == [posted["document"]]
    one = client.get(f"{API}/remittances/{posted['document']}", headers=headers)
    assert one.status_code == 200


def test_a_money_moving_post_needs_an_idempotency_key(client, login, world) -> None:
    headers = login("bob-biller")
    response = client.post(f"{API}/remittances", json={"text": era_text()}, headers=headers)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/validation")


def test_the_patient_account_shows_the_statement_once_insurance_is_done(
    client, login, world, practice
) -> None:
    headers = login("bob-biller")
    client.post(
        f"{API}/remittances",
        json={"text": era_text(unmatched=False)},
        headers={**headers, "Idempotency-Key": "k-1"},
    )
    account = client.get(f"{API}/patients/{practice.patient.id}/account", headers=headers).json()
    by_claim = {b["claim"]: b for b in account["balances"]}
    assert by_claim["NFP-A-1"]["patient_balance"] == "20.00"
    assert account["statement"]["amount_due"] == "20.00"


def test_patients_coverages_encounters_read_and_write(client, login, world, practice) -> None:
    headers = login("bob-biller")
    patient = client.get(f"{API}/patients/{practice.patient.id}", headers=headers).json()
    assert patient["name"]["last"] == "Okafor"
    coverages = client.get(f"{API}/patients/{practice.patient.id}/coverages", headers=headers)
    assert [c["priority"] for c in coverages.json()] == ["P", "S"]
    encounters = client.get(f"{API}/patients/{practice.patient.id}/encounters", headers=headers)
    assert encounters.json()[0]["id"] == practice.encounter.id
    new = {**patient, "id": "pat-new-1", "account_number": "NFP-NEW-1"}
    created = client.post(f"{API}/patients", json=new, headers=headers)
    assert created.status_code == 201, created.text
    duplicate = client.post(f"{API}/patients", json=new, headers=headers)
    assert duplicate.status_code == 409
    listed = client.get(f"{API}/patients?limit=10", headers=headers).json()["items"]
    assert {p["id"] for p in listed} == {practice.patient.id, "pat-new-1"}
    coverage = client.get(f"{API}/coverages/{practice.coverage.id}", headers=headers)
    assert coverage.json()["member_id"] == practice.coverage.member_id
    encounter = client.get(f"{API}/encounters/{practice.encounter.id}", headers=headers)
    assert encounter.json()["service_date"] == "2025-03-04"


def test_code_search_and_validation(client, login) -> None:
    headers = login("cora-coder")
    hits = client.get(
        f"{API}/codes/search", params={"q": "type 2 diabetes with neuropathy"}, headers=headers
    ).json()
    assert hits[0]["code"] == "E11.40"
    findings = client.get(
        f"{API}/codes/validate",
        params={"system": "icd10cm", "code": "E11", "dos": "2025-03-04"},
        headers=headers,
    ).json()
    assert findings and findings[0]["severity"] == "error"


def test_every_patient_read_is_audited_and_auditors_can_read_the_trail(
    client, login, world, practice
) -> None:
    biller = login("bob-biller")
    client.get(f"{API}/patients/{practice.patient.id}", headers=biller)
    auditor = login("audrey-auditor")
    trail = client.get(
        f"{API}/audit",
        params={"record_type": "patient", "record_id": practice.patient.id},
        headers=auditor,
    ).json()
    assert trail["total"] >= 1
    event = trail["items"][0]
    assert event["username"] == "bob-biller" and event["action"] == "read"
    assert event["reason"] == "payment"
    assert "Okafor" not in str(trail)
    assert client.get(f"{API}/audit", headers=biller).status_code == 403


def test_the_declared_purpose_of_use_is_audited(client, login, world, practice) -> None:
    biller = login("bob-biller")
    client.get(
        f"{API}/patients/{practice.patient.id}",
        headers={**biller, "X-Purpose-Of-Use": "appeal preparation"},
    )
    trail = client.get(
        f"{API}/audit", params={"record_type": "patient"}, headers=login("alice-admin")
    ).json()
    assert trail["items"][0]["reason"] == "appeal preparation"


def test_dashboard_and_denials(client, login, world) -> None:
    headers = login("bob-biller")
    figures = client.get(f"{API}/reports/dashboard", headers=headers).json()
    assert figures["claims_by_status"] == {"submitted": 1, "draft": 1}
    assert figures["total_charges"] == "450.00"
    assert client.get(f"{API}/denials", headers=headers).json()["items"] == []


def test_admins_add_users_and_api_keys_work_for_machines(client, login, world) -> None:
    admin = login("alice-admin")
    created = client.post(
        f"{API}/users",
        json={"username": "max-manager", "password": "a long enough password", "role": "manager"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    users = {u["username"] for u in client.get(f"{API}/users", headers=admin).json()}
    assert {"alice-admin", "bob-biller", "max-manager"} <= users and "lena-biller" not in users
    key = client.post(f"{API}/auth/api-keys", json={"name": "clearinghouse"}, headers=admin)
    assert key.status_code == 201
    machine = {"X-API-Key": key.json()["api_key"]}
    assert client.get(f"{API}/claims", headers=machine).json()["total"] == 2


def test_logout_revokes_the_token(client, login, world) -> None:
    headers = login("bob-biller")
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/claims", headers=headers).status_code == 401


def test_coding_suggestions_go_through_the_engine(client, login, world) -> None:
    response = client.post(
        f"{API}/coding/suggestions",
        json={"note": "T2DM with neuropathy"},
        headers=login("cora-coder"),
    )
    assert response.status_code == 200 and response.json()["note_length"] == 20


def test_a_biller_resolves_an_unmatched_payment_and_only_in_their_own_practice(
    client, login, world
) -> None:
    headers = login("bob-biller")
    posted = client.post(
        f"{API}/remittances",
        json={"text": era_text(), "name": "prairie.835"},
        headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert posted.status_code == 200, posted.text
    queue = client.get(f"{API}/remittances/work-items?kind=exception", headers=headers).json()
    ghost = next(i for i in queue["items"] if i["claim"] == "GHOST-9")

    other_practice = client.post(
        f"{API}/remittances/work-items/resolve",
        json={"ids": [ghost["id"]], "note": "not ours"},
        headers=login("lena-biller"),
    )
    assert other_practice.json() == {"resolved": 0, "not_open": 1}
    auditor = client.post(
        f"{API}/remittances/work-items/resolve",
        json={"ids": [ghost["id"]]},
        headers=login("audrey-auditor"),
    )
    assert auditor.status_code == 403

    done = client.post(
        f"{API}/remittances/work-items/resolve",
        json={"ids": [ghost["id"]], "note": "payer recouped; no claim of ours"},
        headers=headers,
    )
    assert done.status_code == 200 and done.json() == {"resolved": 1, "not_open": 0}
    again = client.post(
        f"{API}/remittances/work-items/resolve", json={"ids": [ghost["id"]]}, headers=headers
    )
    assert again.json() == {"resolved": 0, "not_open": 1}

    still_open = client.get(f"{API}/remittances/work-items?kind=exception", headers=headers)
    assert ghost["id"] not in {i["id"] for i in still_open.json()["items"]}
    history = client.get(
        f"{API}/remittances/work-items?kind=exception&include_resolved=true", headers=headers
    ).json()
    assert any(i["id"] == ghost["id"] and i["resolved"] for i in history["items"])


def test_coding_decisions_are_stored_per_practice(client, login, world) -> None:
    coder = login("cora-coder")
    url = f"{API}/coding/decisions"
    accepted = client.post(
        url,
        json={"note_id": "note-1", "code": "E11.40", "decision": "accept", "score": 0.9},
        headers=coder,
    )
    assert accepted.status_code == 201, accepted.text
    assert (
        accepted.json()["final_code"] == "E1140" and accepted.json()["decided_by"] == "cora-coder"
    )
    replaced = client.post(
        url,
        json={"note_id": "note-1", "code": "I10", "decision": "replace", "replacement": "I11.9"},
        headers=coder,
    )
    assert replaced.status_code == 201 and replaced.json()["final_code"] == "I119"
    for bad in (
        {"note_id": "note-1", "code": "I10", "decision": "replace"},
        {"note_id": "note-1", "code": "not a code", "decision": "accept"},
        {"note_id": "note-1", "code": "I10", "decision": "accept", "encounter_id": "enc-none"},
    ):
        refused = client.post(url, json=bad, headers=coder)
        assert refused.status_code == 422, bad

    mine = client.get(url, params={"note_id": "note-1"}, headers=coder).json()
    assert [(d["code"], d["decision"]) for d in mine["items"]] == [
        ("E1140", "accept"),
        ("I10", "replace"),
    ]
    assert mine["summary"]["decisions"] == 2 and mine["summary"]["accepted"] == 1
    other_practice = client.get(url, params={"note_id": "note-1"}, headers=login("lena-biller"))
    assert other_practice.json()["items"] == []
    assert client.get(url, headers=login("audrey-auditor")).status_code == 403
