"""`openrcm patients`: statements, payments, payment plans, collections, refunds, inquiries.

Thin over `openrcm.service.patients`: options are parsed and checked here (dates, money),
the service does the work on the configured database, and results print as Rich tables
or, with `--json`, as one JSON document (money "125.00", dates ISO).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json

app = typer.Typer(
    help="Patient accounts: statements, payment plans, collections.", no_args_is_help=True
)
plan_app = typer.Typer(help="Payment plans: create, list, review.", no_args_is_help=True)
collections_app = typer.Typer(
    help="Collections under FDCPA / Regulation F safeguards.", no_args_is_help=True
)
refunds_app = typer.Typer(help="Credit balances and refunds for approval.", no_args_is_help=True)
inquiry_app = typer.Typer(help="Calls and messages about accounts, with follow-up tasks.")
app.add_typer(plan_app, name="plan")
app.add_typer(collections_app, name="collections")
app.add_typer(refunds_app, name="refunds")
app.add_typer(inquiry_app, name="inquiry")

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]
AsOf = Annotated[str, typer.Option("--as-of", help="the day it runs, YYYY-MM-DD")]


def _uow() -> Any:
    from openrcm.cli.database import unit_of_work

    return unit_of_work()


def _money(text: str, option: str) -> Decimal:
    from openrcm.domain.money import to_money

    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        fail(f"{option}: {text!r} is not an amount such as 125.00")
    if not value.is_finite() or value != to_money(value):
        fail(f"{option}: {text!r} is not an amount in whole cents")
    return value


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


# -- statements -------------------------------------------------------------------------


@app.command("statements")
def statements(
    as_of: AsOf,
    out: Annotated[Path, typer.Option("--out", help="folder for PDFs and exports")],
    cycle: Annotated[
        bool,
        typer.Option(
            "--cycle/--on-demand",
            help="--cycle: guarantors due in the 30-day cycle, dunning stored; "
            "--on-demand: everyone with an amount due, nothing stored",
        ),
    ] = False,
    guarantor: Annotated[
        list[str] | None, typer.Option("--guarantor", help="only these guarantors")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="render the PDFs")] = True,
    as_json: JsonOption = False,
) -> None:
    """A PDF and a JSON/CSV export per guarantor with an amount due."""
    import sys

    from openrcm.service.patients import run_statement_cycle

    day = parse_date(as_of, "--as-of")
    with input_errors():
        if out.exists() and not out.is_dir():
            fail(f"--out: {out} is not a folder")
        progress = None
        bar: Any = None
        if not as_json and sys.stdout.isatty():
            from rich.progress import Progress

            bar = Progress()
            task = bar.add_task("statements", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            bar.start()
        try:
            results = run_statement_cycle(
                _uow(),
                as_of=day,
                out_dir=out,
                cycle=cycle,
                guarantor_ids=guarantor,
                pdf=pdf,
                progress=progress,
            )
        finally:
            if bar is not None:
                bar.stop()
    if as_json:
        print_json([r.as_json() for r in results])
        return
    from openrcm.domain.money import format_money

    _table(
        f"Statements {day.isoformat()} ({len(results)})",
        ["Guarantor", "Amount due", "Pending ins.", "Level", "PDF"],
        [
            [
                r.guarantor_id,
                format_money(r.statement.amount_due),
                format_money(r.statement.insurance_pending),
                str(r.statement.dunning_level),
                str(r.files.get("pdf", "")),
            ]
            for r in results
        ],
    )


@app.command("account")
def account(guarantor: str, as_json: JsonOption = False) -> None:
    """One guarantor's account: each claim, what is due, pending, credit, plan, standing."""
    from openrcm.service.patients import account as load

    with input_errors():
        result = load(_uow(), guarantor).as_json()
    if as_json:
        print_json(result)
        return
    _table(
        f"Account {guarantor}: due {result['amount_due']}, pending {result['insurance_pending']}",
        ["Claim", "Service", "Charge", "Ins. paid", "Adjust.", "Paid", "Status", "Due"],
        [
            [
                c["claim"],
                c["service_date"],
                c["charge"],
                c["insurance_paid"],
                c["adjustments"],
                c["patient_paid"],
                c["status"],
                c["due"],
            ]
            for c in result["claims"]
        ],
    )


# -- payments ---------------------------------------------------------------------------


def _payment(
    *,
    guarantor: str,
    amount: str,
    method: str,
    reference: str | None,
    claim: str | None,
    received: str | None,
    payment_id: str | None,
    copay: bool,
    as_json: bool,
) -> None:
    import uuid

    from openrcm.patients.payments import PatientPayment, PaymentMethod
    from openrcm.service.patients import post_payment

    day = parse_date(received, "--date") if received else date.today()  # noqa: DTZ011
    with input_errors():
        payment = PatientPayment(
            id=payment_id or f"pp-{uuid.uuid4().hex[:12]}",
            guarantor_id=guarantor,
            amount=_money(amount, "--amount"),
            method=PaymentMethod(method),
            received_on=day,
            reference=reference,
            claim=claim,
            copay=copay,
        )
        result = post_payment(_uow(), payment).as_json()
    if as_json:
        print_json(result)
        return
    _table(
        f"Payment {result['payment_id']} {result['amount']} ({result['method']})",
        ["Claim", "Applied"],
        [[a["claim"], a["amount"]] for a in result["applied"]]
        + [["held as credit", result["credit"]]],
    )


MethodOption = Annotated[str, typer.Option("--method", help="cash, check or card")]
ReferenceOption = Annotated[
    str | None, typer.Option("--reference", help="check number or card authorisation")
]


@app.command("pay")
def pay(
    guarantor: Annotated[str, typer.Option("--guarantor")],
    amount: Annotated[str, typer.Option("--amount")],
    method: MethodOption = "cash",
    reference: ReferenceOption = None,
    claim: Annotated[str | None, typer.Option("--claim", help="apply here first")] = None,
    received: Annotated[str | None, typer.Option("--date", help="received on")] = None,
    payment_id: Annotated[str | None, typer.Option("--id", help="receipt id")] = None,
    as_json: JsonOption = False,
) -> None:
    """Post a patient payment: to --claim first, then oldest first; the rest held as credit."""
    _payment(
        guarantor=guarantor,
        amount=amount,
        method=method,
        reference=reference,
        claim=claim,
        received=received,
        payment_id=payment_id,
        copay=False,
        as_json=as_json,
    )


@app.command("copay")
def copay(
    guarantor: Annotated[str, typer.Option("--guarantor")],
    claim: Annotated[str, typer.Option("--claim", help="the visit's claim (CLM01)")],
    amount: Annotated[str, typer.Option("--amount")],
    method: MethodOption = "cash",
    reference: ReferenceOption = None,
    received: Annotated[str | None, typer.Option("--date")] = None,
    payment_id: Annotated[str | None, typer.Option("--id")] = None,
    as_json: JsonOption = False,
) -> None:
    """A copay collected at the visit: held until the claim is adjudicated, then applied."""
    _payment(
        guarantor=guarantor,
        amount=amount,
        method=method,
        reference=reference,
        claim=claim,
        received=received,
        payment_id=payment_id,
        copay=True,
        as_json=as_json,
    )


@app.command("assign-guarantor")
def assign_guarantor(
    patient: Annotated[str, typer.Option("--patient")],
    guarantor: Annotated[str, typer.Option("--guarantor")],
    on: Annotated[str, typer.Option("--on", help="YYYY-MM-DD")],
    as_json: JsonOption = False,
) -> None:
    """Bill a patient's share to a guarantor (a parent, the family account); open balances move."""
    from openrcm.service.patients import assign_guarantor as assign

    day = parse_date(on, "--on")
    with input_errors():
        moved = assign(_uow(), patient, guarantor, on=day)
    result = {"patient": patient, "guarantor": guarantor, "claims_moved": moved}
    if as_json:
        print_json(result)
    else:
        typer.echo(f"{patient} is billed to {guarantor}; {moved} claim balances moved")


@app.command("policy")
def policy(
    small_balance: Annotated[
        str | None, typer.Option("--small-balance", help="write off balances up to this")
    ] = None,
    statement_days: Annotated[int | None, typer.Option("--statement-days", min=1)] = None,
    plan_max_missed: Annotated[int | None, typer.Option("--plan-max-missed", min=0)] = None,
    agency: Annotated[str | None, typer.Option("--agency", help="collection agency id")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the practice's patient-account policy, or change parts of it."""
    from openrcm.service import patients as service

    changes: dict[str, Any] = {}
    if small_balance is not None:
        changes["small_balance_threshold"] = _money(small_balance, "--small-balance")
    if statement_days is not None:
        changes["statement_interval_days"] = statement_days
    if plan_max_missed is not None:
        changes["plan_max_missed"] = plan_max_missed
    if agency is not None:
        changes["agency_id"] = agency
    with input_errors():
        current = service.policy(_uow())
        if changes:
            current = service.set_policy(
                _uow(), type(current).model_validate({**current.model_dump(), **changes})
            )
    result = current.model_dump(mode="json")
    if as_json:
        print_json(result)
        return
    _table("Patient-account policy", ["Setting", "Value"], [[k, str(v)] for k, v in result.items()])


# -- payment plans ------------------------------------------------------------------------


@plan_app.command("create")
def plan_create(
    guarantor: Annotated[str, typer.Option("--guarantor")],
    instalments: Annotated[int, typer.Option("--instalments", min=1, max=120)],
    first_due: Annotated[str, typer.Option("--first-due", help="YYYY-MM-DD")],
    amount: Annotated[str | None, typer.Option("--amount", help="default: the amount due")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    as_json: JsonOption = False,
) -> None:
    """Split the guarantor's balance into monthly instalments (remainder on the last)."""
    from openrcm.service.patients import create_payment_plan, plan_json

    first = parse_date(first_due, "--first-due")
    created = parse_date(as_of, "--as-of") if as_of else None
    value = _money(amount, "--amount") if amount is not None else None
    with input_errors():
        plan = create_payment_plan(
            _uow(), guarantor, instalments=instalments, first_due=first, amount=value, as_of=created
        )
    result = plan_json(plan)
    if as_json:
        print_json(result)
        return
    _table(
        f"Plan {plan.id} for {guarantor}: {result['balance']}",
        ["#", "Due", "Amount"],
        [[str(i["number"]), i["due_date"], i["amount"]] for i in result["instalments"]],
    )


@plan_app.command("list")
def plan_list(
    guarantor: Annotated[str | None, typer.Option("--guarantor")] = None,
    as_json: JsonOption = False,
) -> None:
    """Payment plans with their instalments and status."""
    from openrcm.service.patients import plan_json, plans

    with input_errors():
        found = [plan_json(p) for p in plans(_uow(), guarantor_id=guarantor)]
    if as_json:
        print_json(found)
        return
    _table(
        "Payment plans",
        ["Plan", "Guarantor", "Status", "Balance", "Paid"],
        [[p["id"], p["guarantor_id"], p["status"], p["balance"], p["paid"]] for p in found],
    )


@plan_app.command("review")
def plan_review(as_of: AsOf, as_json: JsonOption = False) -> None:
    """Detect missed instalments; plans past the allowed misses default."""
    from openrcm.service.patients import plan_json, review_plans

    day = parse_date(as_of, "--as-of")
    with input_errors():
        found = [plan_json(p) for p in review_plans(_uow(), as_of=day)]
    if as_json:
        print_json(found)
        return
    _table(
        f"Plans reviewed {day.isoformat()}",
        ["Plan", "Guarantor", "Status", "Remaining"],
        [[p["id"], p["guarantor_id"], p["status"], p["remaining"]] for p in found],
    )


# -- collections ----------------------------------------------------------------------------


@collections_app.command("run")
def collections_run(
    as_of: AsOf,
    out: Annotated[
        Path | None, typer.Option("--out", help="folder for letters and the agency file")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Aging buckets, pre-collection letters, agency placement; every action checked and logged."""
    from openrcm.service.patients import run_collections

    day = parse_date(as_of, "--as-of")
    with input_errors():
        result = run_collections(_uow(), as_of=day, out_dir=out).as_json()
    if as_json:
        print_json(result)
        return
    _table(
        f"Patient balances by age, {day.isoformat()}",
        ["Bucket", "Due"],
        [[k, v] for k, v in result["aging"].items()],
    )
    _table(
        "Collection actions",
        ["Guarantor", "Action", "Allowed", "Reasons", "Amount"],
        [
            [
                a["guarantor_id"],
                a["action"],
                str(a["allowed"]),
                ", ".join(a["reasons"]),
                a["amount"],
            ]
            for a in result["actions"]
        ],
    )


def _entry_json(guarantor: str, entry: Any) -> dict[str, Any]:
    return {
        "guarantor_id": guarantor,
        "debt_id": entry.action.debt_id,
        "action": entry.action.kind.value,
        "channel": entry.action.channel.value,
        "recipient": entry.action.recipient_id,
        "at": entry.action.at.isoformat(),
        "allowed": entry.allowed,
        "reasons": [{"code": f.code, "message": f.message} for f in entry.reasons],
    }


@collections_app.command("contact")
def collections_contact(
    guarantor: str,
    channel: Annotated[str, typer.Option("--channel", help="call, text, email or letter")],
    at: Annotated[str, typer.Option("--at", help="ISO time with offset, 2025-09-02T12:00-05:00")],
    recipient: Annotated[
        str | None, typer.Option("--recipient", help="default: the guarantor")
    ] = None,
    connected: Annotated[
        bool, typer.Option("--connected", help="a conversation took place")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ask to contact a guarantor about the debt; refused (exit 1) when a safeguard forbids it."""
    from openrcm.service.patients import record_contact

    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        fail(f"--at: {at!r} is not an ISO date and time")
    if when.tzinfo is None:
        fail("--at: give the time zone offset, e.g. 2025-09-02T12:00-05:00")
    with input_errors():
        entry = record_contact(
            _uow(), guarantor, channel=channel, at=when, recipient_id=recipient, connected=connected
        )
    result = _entry_json(guarantor, entry)
    if as_json:
        print_json(result)
    else:
        verdict = "allowed" if entry.allowed else "REFUSED"
        typer.echo(f"{verdict}: " + "; ".join(f"{f.code} {f.message}" for f in entry.reasons))
    if not entry.allowed:
        raise typer.Exit(1)


@collections_app.command("dispute")
def collections_dispute(guarantor: str, as_json: JsonOption = False) -> None:
    """Record that the guarantor disputes the debt: collection stops until verification."""
    from openrcm.service.patients import record_dispute

    with input_errors():
        state = record_dispute(_uow(), guarantor)
    result = {"guarantor_id": guarantor, "disputed": state.disputed}
    print_json(result) if as_json else typer.echo(f"{guarantor}: disputed")


@collections_app.command("verify")
def collections_verify(
    guarantor: str, on: Annotated[str, typer.Option("--on")], as_json: JsonOption = False
) -> None:
    """Send verification of a disputed debt; collection may resume."""
    from openrcm.service.patients import record_verification

    day = parse_date(on, "--on")
    with input_errors():
        entry = record_verification(_uow(), guarantor, on=day)
    print_json(_entry_json(guarantor, entry)) if as_json else typer.echo("verification sent")


@collections_app.command("cease")
def collections_cease(
    guarantor: str, on: Annotated[str, typer.Option("--on")], as_json: JsonOption = False
) -> None:
    """Record a written request to cease communication; only the confirmation goes out."""
    from openrcm.service.patients import record_cease

    day = parse_date(on, "--on")
    with input_errors():
        entry = record_cease(_uow(), guarantor, on=day)
    print_json(_entry_json(guarantor, entry)) if as_json else typer.echo("communication ceased")


@collections_app.command("log")
def collections_log(
    guarantor: Annotated[str | None, typer.Option("--guarantor")] = None,
    as_json: JsonOption = False,
) -> None:
    """The collection log: every action, allowed or refused, with its reasons."""
    from openrcm.service.patients import collection_log

    with input_errors():
        found = [_entry_json(i.guarantor_id, i.entry) for i in collection_log(_uow(), guarantor)]
    if as_json:
        print_json(found)
        return
    _table(
        "Collection log",
        ["Guarantor", "Action", "Channel", "At", "Allowed", "Reasons"],
        [
            [
                e["guarantor_id"],
                e["action"],
                e["channel"],
                e["at"],
                str(e["allowed"]),
                ", ".join(r["code"] for r in e["reasons"]),
            ]
            for e in found
        ],
    )


@collections_app.command("write-off")
def collections_write_off(
    guarantor: str, on: Annotated[str, typer.Option("--on")], as_json: JsonOption = False
) -> None:
    """Write the guarantor's balance off to bad debt (no agency)."""
    from openrcm.domain.money import format_money
    from openrcm.service.patients import write_off_bad_debt

    day = parse_date(on, "--on")
    with input_errors():
        amount = write_off_bad_debt(_uow(), guarantor, on=day)
    result = {"guarantor_id": guarantor, "bad_debt": format_money(amount)}
    print_json(result) if as_json else typer.echo(f"{guarantor}: {result['bad_debt']} bad debt")


@collections_app.command("recovery")
def collections_recovery(
    guarantor: str,
    amount: Annotated[str, typer.Option("--amount", help="gross amount the agency recovered")],
    on: Annotated[str, typer.Option("--on")],
    recovery_id: Annotated[str, typer.Option("--id", help="the agency's remittance id")],
    fee: Annotated[str, typer.Option("--fee", help="the agency's commission")] = "0.00",
    as_json: JsonOption = False,
) -> None:
    """Post money the agency recovered against written-off claims, oldest first."""
    from openrcm.domain.money import format_money
    from openrcm.service.patients import post_recovery

    day = parse_date(on, "--on")
    with input_errors():
        posted, left = post_recovery(
            _uow(),
            guarantor,
            recovery_id=recovery_id,
            amount=_money(amount, "--amount"),
            fee=_money(fee, "--fee"),
            on=day,
            reference=recovery_id,
        )
    result = {"guarantor_id": guarantor, "entries": posted, "credit": format_money(left)}
    print_json(result) if as_json else typer.echo(f"{posted} entries posted")


# -- refunds -------------------------------------------------------------------------------


def _refund_json(p: Any) -> dict[str, Any]:
    from openrcm.domain.money import format_money

    return {
        "id": p.id,
        "guarantor_id": p.guarantor_id,
        "claim": p.claim,
        "amount": format_money(p.amount),
        "status": p.status.value,
        "proposed_on": p.proposed_on.isoformat(),
        "decided_on": p.decided_on.isoformat() if p.decided_on else None,
        "decided_by": p.decided_by,
    }


@refunds_app.command("propose")
def refunds_propose(as_of: AsOf, as_json: JsonOption = False) -> None:
    """Find credit balances and propose refunds (nothing is posted until approved)."""
    from openrcm.service.patients import propose_refunds

    day = parse_date(as_of, "--as-of")
    with input_errors():
        found = [_refund_json(p) for p in propose_refunds(_uow(), as_of=day)]
    if as_json:
        print_json(found)
        return
    _table(
        "Refunds proposed",
        ["Id", "Guarantor", "Claim", "Amount"],
        [[p["id"], p["guarantor_id"], p["claim"] or "", p["amount"]] for p in found],
    )


@refunds_app.command("approve")
def refunds_approve(
    proposal: str,
    by: Annotated[str, typer.Option("--by", help="who approves")],
    on: Annotated[str, typer.Option("--on")],
    reject: Annotated[bool, typer.Option("--reject", help="reject instead")] = False,
    as_json: JsonOption = False,
) -> None:
    """Approve (post to refunds payable) or reject a proposed refund."""
    from openrcm.service.patients import decide_refund

    day = parse_date(on, "--on")
    with input_errors():
        result = _refund_json(decide_refund(_uow(), proposal, approve=not reject, on=day, by=by))
    print_json(result) if as_json else typer.echo(f"{proposal}: {result['status']}")


@refunds_app.command("paid")
def refunds_paid(
    proposal: str, on: Annotated[str, typer.Option("--on")], as_json: JsonOption = False
) -> None:
    """The refund check for an approved refund went out."""
    from openrcm.service.patients import mark_refund_paid

    day = parse_date(on, "--on")
    with input_errors():
        result = _refund_json(mark_refund_paid(_uow(), proposal, on=day))
    print_json(result) if as_json else typer.echo(f"{proposal}: paid")


# -- inquiries -------------------------------------------------------------------------------


def _task_json(t: Any) -> dict[str, Any]:
    return {
        "id": t.id,
        "inquiry_id": t.inquiry_id,
        "description": t.description,
        "due_date": t.due_date.isoformat(),
        "assignee": t.assignee,
        "done_on": t.done_on.isoformat() if t.done_on else None,
    }


@inquiry_app.command("add")
def inquiry_add(
    guarantor: Annotated[str, typer.Option("--guarantor")],
    summary: Annotated[str, typer.Option("--summary", help="what was asked")],
    source: Annotated[str, typer.Option("--from", help="patient or payer")] = "patient",
    channel: Annotated[
        str, typer.Option("--channel", help="call, message, letter, visit")
    ] = "call",
    claim: Annotated[str | None, typer.Option("--claim")] = None,
    payer: Annotated[str | None, typer.Option("--payer")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="task to do")] = None,
    due: Annotated[str | None, typer.Option("--due", help="task due date")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee")] = None,
    as_json: JsonOption = False,
) -> None:
    """Log a call or message about an account, optionally with a follow-up task."""
    from datetime import UTC

    from openrcm.service.patients import log_inquiry

    due_date = parse_date(due, "--due") if due else None
    with input_errors():
        inquiry, task = log_inquiry(
            _uow(),
            guarantor_id=guarantor,
            source=source,
            channel=channel,
            summary=summary,
            received_at=datetime.now(UTC),
            claim=claim,
            payer_id=payer,
            follow_up=follow_up,
            due_date=due_date,
            assignee=assignee,
        )
    result = {"id": inquiry.id, "task": _task_json(task) if task else None}
    print_json(result) if as_json else typer.echo(f"inquiry {inquiry.id} logged")


@inquiry_app.command("list")
def inquiry_list(
    guarantor: Annotated[str | None, typer.Option("--guarantor")] = None,
    claim: Annotated[str | None, typer.Option("--claim")] = None,
    as_json: JsonOption = False,
) -> None:
    """Inquiries on an account or claim, with their tasks."""
    from openrcm.service.patients import inquiries

    with input_errors():
        found: list[dict[str, Any]] = [
            {
                "id": i.id,
                "guarantor_id": i.guarantor_id,
                "from": i.source.value,
                "channel": i.channel.value,
                "received_at": i.received_at.isoformat(),
                "claim": i.claim,
                "payer_id": i.payer_id,
                "summary": i.summary,
                "tasks": [_task_json(t) for t in tasks],
            }
            for i, tasks in inquiries(_uow(), guarantor_id=guarantor, claim=claim)
        ]
    if as_json:
        print_json(found)
        return
    _table(
        "Inquiries",
        ["Id", "Guarantor", "From", "Claim", "Open tasks"],
        [
            [
                i["id"],
                i["guarantor_id"],
                i["from"],
                i["claim"] or "",
                str(sum(1 for t in i["tasks"] if t["done_on"] is None)),
            ]
            for i in found
        ],
    )


@inquiry_app.command("tasks")
def inquiry_tasks(
    due_by: Annotated[str | None, typer.Option("--due-by")] = None,
    as_json: JsonOption = False,
) -> None:
    """Open follow-up tasks, by due date."""
    from openrcm.service.patients import open_tasks

    day = parse_date(due_by, "--due-by") if due_by else None
    with input_errors():
        found = [_task_json(t) for t in open_tasks(_uow(), due_by=day)]
    if as_json:
        print_json(found)
        return
    _table(
        "Open follow-up tasks",
        ["Task", "Due", "Assignee", "Description"],
        [[t["id"], t["due_date"], t["assignee"] or "", t["description"]] for t in found],
    )


@inquiry_app.command("done")
def inquiry_done(
    task: str, on: Annotated[str, typer.Option("--on")], as_json: JsonOption = False
) -> None:
    """Mark a follow-up task done."""
    from openrcm.service.patients import complete_task

    day = parse_date(on, "--on")
    with input_errors():
        result = _task_json(complete_task(_uow(), task, on=day))
    print_json(result) if as_json else typer.echo(f"{task} done")
