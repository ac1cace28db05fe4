"""The web UI through its HTML: login with CSRF, the work-queue pages, one-click fixes with
htmx, 835 upload, the statement, escaping of what users typed, logout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_world import PASSWORD, era_text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
def browser(client, world):
    """A logged-in browser session for bob-biller: returns (client, csrf token)."""
    form = client.get("/login")
    token = csrf_of(form.text)
    response = client.post(
        "/login",
        data={"username": "bob-biller", "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/")
    return client, csrf_of(page.text)


def test_pages_need_a_session(client, world) -> None:
    response = client.get("/claims", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/claims"
    htmx = client.get("/claims", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login")


def test_login_without_the_csrf_token_is_refused(client, world) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "bob-biller", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    forged = client.post(
        "/login",
        data={"username": "bob-biller", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_a_wrong_password_shows_the_form_again(client, world) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "bob-biller", "password": "nope-nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401 and "Wrong username" in response.text


def test_login_never_redirects_off_site(client, world) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "bob-biller",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/steal",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_the_dashboard_shows_kpis(browser) -> None:
    client, _ = browser
    page = client.get("/")
    assert page.status_code == 200
    assert "$450.00" in page.text and "Open denials" in page.text


def test_the_claim_queue_shows_findings_and_a_one_click_fix(browser, world) -> None:
    client, csrf = browser
    queue = client.get("/claims")
    assert "NFP-A-2" in queue.text and "MODIFIER-25-MISSING" in queue.text
    claim_id = world.claims_a["NFP-A-2"].id
    fixed = client.post(
        f"/claims/{claim_id}/fix",
        data={"code": "MODIFIER-25-MISSING", "line": "1"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf},
    )
    assert fixed.status_code == 200
    assert "Fixed MODIFIER-25-MISSING" in fixed.text
    assert "MODIFIER-25-MISSING</strong>" not in fixed.text
    detail = client.get(f"/claims/{claim_id}")
    assert "<td>25</td>" in detail.text


def test_a_fix_without_the_csrf_token_is_refused(browser, world) -> None:
    client, _ = browser
    claim_id = world.claims_a["NFP-A-2"].id
    response = client.post(
        f"/claims/{claim_id}/fix",
        data={"code": "MODIFIER-25-MISSING", "line": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    wrong = client.post(
        f"/claims/{claim_id}/fix",
        data={"code": "MODIFIER-25-MISSING", "line": "1"},
        headers={"HX-Request": "true", "X-CSRF-Token": "guess"},
    )
    assert wrong.status_code == 403


def test_code_search_fragment(browser) -> None:
    client, _ = browser
    fragment = client.get(
        "/codes", params={"q": "essential hypertension"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "I10" in fragment.text
    assert "<html" not in fragment.text


def test_posting_an_835_from_the_remittance_page(browser) -> None:
    client, csrf = browser
    response = client.post(
        "/remittances",
        data={"csrf_token": csrf},
        files={"file": ("prairie.835", era_text().encode(), "text/plain")},
    )
    assert response.status_code == 200
    assert "Posted 1 payment(s): 1 claims, $130.00" in response.text
    assert "GHOST-9" in response.text  # the unmatched queue


def test_the_patient_account_shows_the_statement(browser, practice) -> None:
    client, csrf = browser
    client.post(
        "/remittances",
        data={"csrf_token": csrf},
        files={"file": ("prairie.835", era_text(unmatched=False).encode(), "text/plain")},
    )
    page = client.get(f"/patients/{practice.patient.id}")
    assert page.status_code == 200
    assert "Amount due: <strong>$20.00</strong>" in page.text


def test_what_users_typed_is_escaped(browser, resources, practice) -> None:
    client, _ = browser
    evil = practice.patient.model_copy(
        update={
            "id": "pat-xss",
            "name": practice.patient.name.model_copy(update={"last": "<script>alert(1)</script>"}),
        }
    )
    uow = resources.unit_of_work("northside")
    with uow:
        uow.patients.add(evil)
        uow.commit()
    page = client.get("/patients")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    search = client.get("/codes", params={"q": "<img src=x onerror=alert(1)>"})
    assert "<img src=x" not in search.text


def test_another_tenants_claim_is_not_found_on_the_web(browser) -> None:
    client, _ = browser
    assert client.get("/claims/clm-lkv-b-1").status_code == 404
    assert client.get("/patients/pat-lkv-900").status_code == 404


def test_logout_ends_the_session(browser) -> None:
    client, csrf = browser
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/claims", follow_redirects=False).status_code == 303


def test_an_unmatched_payment_is_resolved_from_the_remittance_page(browser) -> None:
    client, csrf = browser
    posted = client.post(
        "/remittances",
        data={"csrf_token": csrf},
        files={"file": ("prairie.835", era_text().encode(), "text/plain")},
    )
    row = re.search(r"<tr><td>GHOST-9</td>.*?</tr>", posted.text, re.S)
    assert row, "the unmatched payment is not queued"
    item = re.search(r'name="item" value="([^"]+)"', row.group(0)).group(1)

    forged = client.post("/work-items/resolve", data={"item": item}, follow_redirects=False)
    assert forged.status_code == 403
    done = client.post(
        "/work-items/resolve",
        data={"csrf_token": csrf, "item": item, "kind": "exception", "note": "not our patient"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/remittances"
    page = client.get("/remittances")
    assert "GHOST-9" not in page.text and "Nothing waiting." in page.text


def coded_note(note: str) -> Any:
    """What the engine answers for the test note: a combination code with its evidence, a
    negated finding's flag, and a physician query."""
    from openrcm.coding.result import CodingResult, Evidence, Query, Suggestion

    phrase = "type 2 diabetes with diabetic neuropathy"
    start = note.index(phrase)
    span = Evidence(start=start, end=start + len(phrase), text=phrase)
    return CodingResult(
        suggestions=(
            Suggestion(
                code="E11.40",
                title="Type 2 diabetes mellitus with diabetic neuropathy, unspecified",
                score=0.91,
                evidence=(span,),
            ),
            Suggestion(
                code="I10",
                title="Essential (primary) hypertension",
                score=0.77,
                flags=("historical",),
            ),
        ),
        queries=(
            Query(
                kind="laterality",
                code=None,
                question="Which knee is affected?",
                options=("right", "left", "both"),
            ),
        ),
    )


def test_a_coder_reviews_suggestions_and_the_decisions_are_stored(browser, resources) -> None:
    from openrcm.service.coding import decisions

    client, csrf = browser
    note = "68-year-old with type 2 diabetes with diabetic neuropathy; knee pain. History of hypertension."
    resources.suggest_codes = coded_note
    page = client.post("/coding", data={"csrf_token": csrf, "note": note})
    assert page.status_code == 200
    assert "E11.40" in page.text and "<q>type 2 diabetes with diabetic neuropathy</q>" in page.text
    assert "historical" in page.text and "Which knee is affected?" in page.text
    note_id = re.search(r'name="note_id" value="([^"]+)"', page.text).group(1)

    accepted = client.post(
        "/coding/decisions",
        data={
            "csrf_token": csrf,
            "note_id": note_id,
            "code": "E11.40",
            "decision": "accept",
            "score": "0.91",
        },
        headers={"HX-Request": "true"},
    )
    assert accepted.status_code == 200 and "Accepted by bob-biller" in accepted.text
    assert "<html" not in accepted.text
    replaced = client.post(
        "/coding/decisions",
        data={
            "csrf_token": csrf,
            "note_id": note_id,
            "code": "I10",
            "decision": "replace",
            "replacement": "I11.9",
        },
    )
    assert replaced.status_code == 200 and "Replaced by I119" in replaced.text
    no_code = client.post(
        "/coding/decisions",
        data={"csrf_token": csrf, "note_id": note_id, "code": "I10", "decision": "replace"},
        headers={"HX-Request": "true"},
    )
    assert no_code.status_code == 422 and "replacement" in no_code.text
    forged = client.post(
        "/coding/decisions", data={"note_id": note_id, "code": "I10", "decision": "reject"}
    )
    assert forged.status_code == 403

    stored = decisions(resources.unit_of_work("northside"), note_id=note_id)
    assert [(d.code, d.decision, d.replacement, d.decided_by) for d in stored] == [
        ("E1140", "accept", None, "bob-biller"),
        ("I10", "replace", "I119", "bob-biller"),
    ]


def test_coding_is_for_those_who_code(client, world) -> None:
    token = csrf_of(client.get("/login").text)
    client.post(
        "/login",
        data={"username": "audrey-auditor", "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    home = client.get("/")
    assert home.status_code == 200 and 'href="/coding"' not in home.text
    assert client.get("/coding").status_code == 403


def test_resolving_from_the_denial_queue_returns_to_it(browser) -> None:
    client, csrf = browser
    done = client.post(
        "/work-items/resolve",
        data={"csrf_token": csrf, "item": "no-such-item", "kind": "denial", "note": "appealed"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/denials"
    assert "No open denials." in client.get("/denials").text
