"""The pages of the web UI. Each is a thin adapter over the same use cases as the API.

Pages need a live session (else a redirect to /login); forms post with a CSRF token; htmx
requests (`HX-Request`) get page fragments instead of whole pages. Every read or write of
patient data is audited exactly as through the API.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from openrcm.api.deps import Actor, ResourcesDep, actor
from openrcm.api.problems import Problem, problem_response
from openrcm.domain.access import AuditAction, Permission
from openrcm.domain.claim_state import ClaimStatus
from openrcm.domain.money import format_money
from openrcm.service import claims as claim_service
from openrcm.service.audit import record_access
from openrcm.service.auth import authenticate, issue_token, revoke_token
from openrcm.web import HERE
from openrcm.web.session import (
    COOKIE,
    CSRF_FIELD,
    CsrfChecked,
    LoginRequired,
    cookie_state,
    new_state,
    read_cookie,
    set_cookie,
    web_principal,
)

router = APIRouter(include_in_schema=False)

P = Permission
WebRead = Annotated[Actor, actor(P.READ_RECORDS, web_principal)]
WebFinance = Annotated[Actor, actor(P.READ_FINANCE, web_principal)]
WebCode = Annotated[Actor, actor(P.CODE_CLAIMS, web_principal)]
WebPost = Annotated[Actor, actor(P.POST_REMITTANCE, web_principal)]
WebSearch = Annotated[Actor, actor(P.SEARCH_CODES, web_principal)]
QUEUE_PAGE = 25
EDITABLE = {ClaimStatus.DRAFT, ClaimStatus.READY, ClaimStatus.REJECTED}


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["money"] = lambda v: format_money(Decimal(v)) if v is not None else ""
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, who: Actor | None = None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    csrf = getattr(request.state, "csrf", None) or ""
    return templates().TemplateResponse(
        request,
        name,
        {
            "csrf": csrf,
            "csrf_field": CSRF_FIELD,
            "who": who.principal if who else None,
            "can": (lambda p: who.principal.can(Permission(p))) if who else (lambda p: False),
            **context,
        },
        status_code=status_code,
    )


def htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- login ---------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, resources: ResourcesDep, next: str = "/") -> HTMLResponse:
    state = read_cookie(request, resources)
    if state is None:
        state = new_state()
    request.state.csrf = state.csrf
    response = render(request, "login.html", next=safe_next(next), error=None)
    set_cookie(response, resources, state)
    return response


def safe_next(target: str) -> str:
    """Only same-site paths: never redirect to another site after login."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    resources: ResourcesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    tenant: Annotated[str, Form(max_length=63)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    keys = (f"user:{username.lower()}", f"ip:{address}")
    state = cookie_state(request, resources) or new_state()
    request.state.csrf = state.csrf
    if resources.throttle.blocked(*keys) > 0:
        return render(
            request,
            "login.html",
            status_code=429,
            next=safe_next(next),
            error="Too many failed logins. Wait a few minutes and try again.",
        )
    principal = authenticate(resources.session_factory, username, password, tenant or None)
    if principal is None:
        resources.throttle.failed(*keys)
        return render(
            request,
            "login.html",
            status_code=401,
            next=safe_next(next),
            error="Wrong username, password or practice.",
        )
    resources.throttle.succeeded(keys[0])
    token = issue_token(
        resources.session_factory, principal, kind="session", lifetime=resources.session_lifetime
    )
    record_access(
        resources.unit_of_work(principal.tenant_id),
        user_id=principal.user_id,
        username=principal.username,
        action=AuditAction.LOGIN,
        record_type="session",
        record_ids=["web"],
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, resources, new_state(token))  # a fresh CSRF token with the session
    return response


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, resources: ResourcesDep) -> Response:
    state = read_cookie(request, resources)
    if state is not None and state.token:
        revoke_token(resources.session_factory, state.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# -- dashboard -------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, who: WebRead) -> HTMLResponse:
    figures = claim_service.dashboard(who.uow())
    return render(request, "dashboard.html", who, figures=figures)


# -- claims ----------------------------------------------------------------------------------


def scrubbed(who: Actor, claims: list[Any]) -> dict[str, list[Any]]:
    """Scrub findings (with fixes) of the editable claims among `claims`, by claim id."""
    from openrcm.api.convert import findings_out
    from openrcm.scrub.runner import scrub_claim

    editable = [c for c in claims if c.status in EDITABLE]
    if not editable:
        return {}
    context = who.resources.scrub_context(who.resources.today())
    found = {c.id: findings_out(scrub_claim(c, context)) for c in editable}
    who.audit(AuditAction.SCRUB, "claim", *found)
    return found


@router.get("/claims", response_class=HTMLResponse)
def claim_queue(
    request: Request,
    who: WebRead,
    status: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    chosen = ClaimStatus(status) if status in set(ClaimStatus) else None
    claims, total = claim_service.list_claims(
        who.uow(), status=chosen, limit=QUEUE_PAGE, offset=(page - 1) * QUEUE_PAGE
    )
    who.audit(AuditAction.LIST, "claim", *(c.id for c in claims))
    findings = scrubbed(who, claims) if who.principal.can(P.CODE_CLAIMS) else {}
    return render(
        request,
        "claims.html",
        who,
        claims=claims,
        findings=findings,
        total=total,
        page=page,
        pages=max(1, -(-total // QUEUE_PAGE)),
        status=chosen.value if chosen else "",
        statuses=[s.value for s in ClaimStatus],
    )


def claim_or_404(who: Actor, claim_id: str) -> Any:
    detail = claim_service.claim_detail(who.uow(), claim_id)
    if detail is None:
        raise Problem(404, "this practice has no such claim")
    who.audit(AuditAction.READ, "claim", claim_id)
    return detail


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(request: Request, claim_id: str, who: WebRead) -> HTMLResponse:
    detail = claim_or_404(who, claim_id[:64])
    findings = (
        scrubbed(who, [detail.claim]).get(detail.claim.id, [])
        if who.principal.can(P.CODE_CLAIMS)
        else []
    )
    return render(request, "claim.html", who, detail=detail, findings=findings)


@router.post("/claims/{claim_id}/fix", response_class=HTMLResponse, dependencies=[CsrfChecked])
def fix_finding(
    request: Request,
    claim_id: str,
    who: WebCode,
    code: Annotated[str, Form(max_length=60)],
    line: Annotated[str, Form(max_length=4)] = "",
) -> Response:
    from openrcm.api.convert import findings_out

    number = int(line) if line.isdigit() else None
    context = who.resources.scrub_context(who.resources.today())
    message = None
    try:
        result = claim_service.fix_claim(who.uow(), claim_id[:64], code, number, context)
    except claim_service.FixError as error:
        result, message = None, str(error)
    else:
        if result is None:
            raise Problem(404, "this practice has no such claim")
        who.audit(AuditAction.FIX, "claim", claim_id)
        message = f"Fixed {code}."
    if not htmx(request):
        return RedirectResponse(f"/claims/{quote(claim_id[:64])}", status_code=303)
    claim = result.claim if result else claim_or_404(who, claim_id[:64]).claim
    findings = findings_out(result.after) if result else scrubbed(who, [claim]).get(claim.id, [])
    return render(request, "_findings.html", who, claim=claim, findings=findings, message=message)


# -- codes -----------------------------------------------------------------------------------


def code_hits(who: Actor, q: str, system: str) -> list[Any]:
    if not q.strip():
        return []
    system = system if system in ("icd10cm", "hcpcs", "cpt") else "icd10cm"
    try:
        hits = who.resources.code_sets().search(q, system=system, limit=20)
    except ValueError:
        return []
    from openrcm.api.routes.codes import display

    return [
        {"code": display(h.code, h.system), "title": h.title, "billable": h.billable} for h in hits
    ]


@router.get("/codes", response_class=HTMLResponse)
def code_search(
    request: Request,
    who: WebSearch,
    q: Annotated[str, Query(max_length=200)] = "",
    system: Annotated[str, Query(max_length=10)] = "icd10cm",
) -> HTMLResponse:
    hits = code_hits(who, q, system)
    name = "_code_results.html" if htmx(request) else "codes.html"
    return render(request, name, who, q=q, system=system, hits=hits)


# -- computer-assisted coding ------------------------------------------------------------------


def note_id_of(note: str) -> str:
    """A stable id for a note's decisions: its digest (the note itself is not stored)."""
    import hashlib

    return "note-" + hashlib.sha256(note.encode()).hexdigest()[:20]


@router.get("/coding", response_class=HTMLResponse)
def coding_page(request: Request, who: WebCode) -> HTMLResponse:
    return render(request, "coding.html", who, note="", encounter="", result=None, error=None)


@router.post("/coding", response_class=HTMLResponse, dependencies=[CsrfChecked])
def coding_suggest(
    request: Request,
    who: WebCode,
    note: Annotated[str, Form(min_length=1, max_length=100_000)],
    encounter: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """Suggested codes for a note, each with its evidence, flags and accept/reject buttons."""
    from openrcm.api.routes.coding import plain

    suggest = who.resources.coding_engine()
    if suggest is None:
        return render(
            request,
            "coding.html",
            who,
            status_code=503,
            note=note,
            encounter=encounter,
            result=None,
            error="The coding engine is not available on this server.",
        )
    result = plain(suggest(note))
    who.audit(AuditAction.READ, "note", "coding-suggestion")
    return render(
        request,
        "coding.html",
        who,
        note=note,
        encounter=encounter.strip(),
        note_id=note_id_of(note),
        result=result,
        error=None,
    )


@router.post("/coding/decisions", response_class=HTMLResponse, dependencies=[CsrfChecked])
def coding_decide(
    request: Request,
    who: WebCode,
    note_id: Annotated[str, Form(min_length=1, max_length=128)],
    code: Annotated[str, Form(min_length=1, max_length=10)],
    decision: Annotated[str, Form(max_length=8)],
    replacement: Annotated[str, Form(max_length=10)] = "",
    encounter: Annotated[str, Form(max_length=64)] = "",
    score: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """Store a coder's decision on one suggestion (and update the encounter's diagnoses)."""
    from openrcm.service.coding import CodingDecisionError, decide
    from openrcm.store.errors import StoreError

    message: str | None
    try:
        outcome = decide(
            who.uow(),
            note_id,
            code,
            decision,
            decided_by=who.principal.username,
            replacement=(replacement.strip() or None) if decision == "replace" else None,
            encounter_id=encounter.strip() or None,
            score=float(score) if score.replace(".", "", 1).isdigit() else None,
        )
    except (CodingDecisionError, StoreError) as error:
        outcome, message = None, str(error)
    else:
        who.audit(AuditAction.CREATE, "coding-decision", note_id)
        message = None
    name = "_decision.html" if htmx(request) else "decision.html"
    status = 200 if message is None else 422
    return render(request, name, who, status_code=status, outcome=outcome, error=message)


# -- denials and remittances -------------------------------------------------------------------


@router.get("/denials", response_class=HTMLResponse)
def denial_queue(request: Request, who: WebFinance) -> HTMLResponse:
    from openrcm.service.ledger import ledger_of

    with who.uow() as uow:
        items = ledger_of(uow).work_items(kind="denial", limit=200)
    who.audit(AuditAction.LIST, "denial", *(str(i["id"]) for i in items))
    return render(request, "denials.html", who, items=items)


def unmatched(who: Actor) -> list[dict[str, Any]]:
    from openrcm.service.ledger import ledger_of

    with who.uow() as uow:
        items = ledger_of(uow).work_items(kind="exception", limit=200)
    who.audit(AuditAction.LIST, "work-item:exception", *(str(i["id"]) for i in items))
    return items


@router.get("/remittances", response_class=HTMLResponse)
def remittances(request: Request, who: WebFinance) -> HTMLResponse:
    return render(request, "remittances.html", who, items=unmatched(who), summary=None, error=None)


@router.post("/remittances", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def upload_remittance(
    request: Request, who: WebPost, file: Annotated[UploadFile, File()]
) -> HTMLResponse:
    from starlette.concurrency import run_in_threadpool

    from openrcm.service.remit import post_835
    from openrcm.x12.errors import X12Error

    raw = await file.read(20_000_001)
    summary, error = None, None
    if len(raw) > 20_000_000:
        error = "The file is larger than 20 MB."
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        try:
            summary = await run_in_threadpool(
                post_835, who.uow(), text, name=(file.filename or "")[:255] or None
            )
        except X12Error as failure:
            error = f"The file could not be read as an 835: {failure}"
    if summary is not None:
        await run_in_threadpool(who.audit, AuditAction.POST, "remittance", summary.document)
    items = await run_in_threadpool(unmatched, who)
    return render(
        request,
        "remittances.html",
        who,
        status_code=200 if error is None else 422,
        items=items,
        summary=summary,
        error=error,
    )


QUEUE_PAGES = {"exception": "/remittances", "denial": "/denials"}


@router.post("/work-items/resolve", dependencies=[CsrfChecked])
def resolve_work_item(
    who: WebPost,
    item: Annotated[str, Form(min_length=1, max_length=64)],
    kind: Annotated[str, Form(max_length=20)] = "exception",
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Close one queued item (an unmatched payment, a denial) with what was done about it."""
    from openrcm.service.remit import resolve_work_items

    resolve_work_items(who.uow(), [item], note.strip() or None)
    who.audit(AuditAction.UPDATE, "work-item", item)
    return RedirectResponse(QUEUE_PAGES.get(kind, "/remittances"), status_code=303)


# -- patients --------------------------------------------------------------------------------


@router.get("/patients", response_class=HTMLResponse)
def patients(
    request: Request, who: WebRead, page: Annotated[int, Query(ge=1, le=100_000)] = 1
) -> HTMLResponse:
    with who.uow() as uow:
        found = uow.patients.list(limit=50, offset=(page - 1) * 50)
    who.audit(AuditAction.LIST, "patient", *(p.id for p in found))
    return render(request, "patients.html", who, patients=found, page=page)


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(request: Request, patient_id: str, who: WebRead) -> HTMLResponse:
    account = claim_service.patient_account(who.uow(), patient_id[:64], as_of=who.resources.today())
    if account is None:
        raise Problem(404, "this practice has no such patient")
    who.audit(AuditAction.READ, "patient", account.patient.id)
    who.audit(AuditAction.READ, "statement", account.patient.id)
    return render(request, "patient.html", who, account=account)


# -- wiring ----------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """Add the pages and the login redirect to `app`; web errors render as pages."""
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = "/login?next=" + quote(request.url.path)
        if htmx(request):
            return Response(status_code=401, headers={"HX-Redirect": target})
        if request.url.path.startswith("/api/"):
            return problem_response(request, 401, "log in first")
        return RedirectResponse(target, status_code=303)
