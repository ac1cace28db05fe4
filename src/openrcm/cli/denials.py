"""`openrcm denials`: explain CARC and RARC codes; the denial work queue and its actions
(appeal letters, corrected and void claims, write-offs, outcomes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, print_json, x12_input

app = typer.Typer(
    help="Denials: CARC/RARC explanations, work queues, appeals.", no_args_is_help=True
)


@app.command("explain")
def explain(
    code: Annotated[str, typer.Argument(help="a CARC (45, B13), RARC (N130, MA04) or CO-45")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What an adjustment reason or remark code means, its category and what to do."""
    from openrcm.datadir import find_data_dir
    from openrcm.denials.reasons import load_reason_codes

    with input_errors():
        codes = load_reason_codes(find_data_dir() / "x12codes")
    found = codes.explain(code)
    if found is None:
        fail(f"{code!r} is not a CARC, RARC or group code in the X12 code lists")
    document = {
        "code": found.code,
        "kind": found.kind.value,
        "description": found.description,
        "category": found.category.value,
        "action": found.action,
        "start_date": found.start_date,
        "stop_date": found.stop_date,
        "active": found.stop_date is None,
    }
    if found.usage:
        document["usage"] = found.usage
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Field", "Value", title=f"{found.kind.value} {found.code}", show_header=False)
    for key in ("description", "category", "action", "usage", "stop_date"):
        if document.get(key):
            table.add_row(key, str(document[key]))
    Console().print(table)


# ------------------------------------------------------------------ the work queue

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="the day the work is done (YYYY-MM-DD); default today")
]
Json = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _day(text: str | None) -> date:
    from openrcm.cli.output import parse_date

    return parse_date(text, "--as-of") if text else datetime.now(UTC).date()


def _codes() -> Any:
    from openrcm.datadir import find_data_dir
    from openrcm.denials.reasons import load_reason_codes

    return load_reason_codes(find_data_dir() / "x12codes")


def _policies(path: Path | None) -> Any:
    if path is None:
        return None
    from openrcm.denials.deadlines import load_appeal_policies

    return load_appeal_policies(path)


def _case_json(case: Any) -> dict[str, Any]:
    from openrcm.domain.money import format_money

    return {
        "id": case.id,
        "claim": case.patient_control_number,
        "payer_id": case.payer_id,
        "payer_name": case.payer_name,
        "category": case.category.value,
        "action": case.action,
        "denied_amount": format_money(case.denied_amount),
        "full_denial": case.full_denial,
        "lines": list(case.lines),
        "carcs": list(case.carcs),
        "remark_codes": list(case.remark_codes),
        "denial_date": case.denial_date,
        "appeal_level": case.appeal_level,
        "deadline": case.deadline,
        "days_left": case.days_left,
        "priority": str(case.priority),
        "band": case.band.value,
        "state": case.state.value,
        "payer_claim_control_number": case.payer_claim_control_number,
    }


def _synced(as_of: date, policies: Path | None) -> tuple[Any, Any]:
    """The unit of work and code lists, with posted denials synced into the queue first."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.denials import sync_cases

    uow = unit_of_work()
    codes = _codes()
    sync_cases(uow, codes, today=as_of, policies=_policies(policies))
    return uow, codes


Policies = Annotated[
    Path | None,
    typer.Option("--appeal-policies", help="YAML appeal deadlines per payer (overrides)"),
]


@app.command("queue")
def queue(as_of: AsOf = None, policies: Policies = None, as_json: Json = False) -> None:
    """The denial work queue: open cases grouped by root cause, most urgent first."""
    from openrcm.denials.queue import group_by_category
    from openrcm.service.denials import denial_queue

    day = _day(as_of)
    with input_errors():
        uow, codes = _synced(day, policies)
        cases = denial_queue(uow, codes, today=day, sync=False)
    piles = group_by_category(cases)
    if as_json:
        print_json(
            {
                "as_of": day,
                "cases": [_case_json(c) for c in cases],
                "by_category": {
                    category.value: [c.id for c in found] for category, found in piles.items()
                },
            }
        )
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not cases:
        console.print("No open denials.")
    for category, found in piles.items():
        table = Table(
            "Claim",
            "Payer",
            "Denied",
            "Codes",
            "Deadline",
            "Days left",
            "Priority",
            title=f"{category.value} ({len(found)})",
            caption=found[0].action,
        )
        for c in found:
            table.add_row(
                c.patient_control_number,
                c.payer_name or c.payer_id,
                f"{c.denied_amount:.2f}",
                " ".join((*c.carcs, *c.remark_codes)),
                c.deadline.isoformat(),
                str(c.days_left),
                c.band.value,
            )
        console.print(table)


@app.command("appeal")
def appeal(
    claim: Annotated[str, typer.Argument(help="the claim's patient control number (CLM01)")],
    out: Annotated[Path, typer.Option("--out", help="folder for the letter PDF")],
    signer: Annotated[str, typer.Option(help="who signs the letter")] = "Billing Office",
    enclose: Annotated[
        list[str] | None, typer.Option("--enclose", help="another document enclosed (repeat)")
    ] = None,
    phone: Annotated[str | None, typer.Option(help="contact phone, 10 digits")] = None,
    as_of: AsOf = None,
    policies: Policies = None,
    as_json: Json = False,
) -> None:
    """Write the appeal letter (PDF) for a denied claim and mark the claim appealed."""
    from openrcm.service.denials import appeal as appeal_case

    day = _day(as_of)
    with input_errors():
        uow, codes = _synced(day, policies)
        result = appeal_case(
            uow,
            claim,
            codes,
            out_dir=out,
            today=day,
            signer=signer,
            enclosures=tuple(enclose or ()),
            contact_phone=phone,
        )
    if as_json:
        print_json(
            {
                **_case_json(result.case),
                "letter": str(result.path),
                "late": result.late,
                "enclosures": list(result.letter.enclosures),
            }
        )
        return
    typer.echo(f"appeal letter for {claim}: {result.path}")
    if result.late:
        typer.echo(f"warning: the appeal deadline was {result.case.deadline.isoformat()}", err=True)


def _write_837(claim: Any, out: Path, suffix: str, day: date) -> Path:
    from datetime import datetime

    from openrcm.x12.t837 import Receiver, Submitter
    from openrcm.x12.t837p import write_837p

    billing = claim.billing_provider
    text = write_837p(
        [claim],
        submitter=Submitter(name=billing.name[:60], identifier=billing.npi),
        receiver=Receiver(name=claim.payer.name[:60], identifier=claim.payer.id[:15]),
        created_at=datetime.combine(day, datetime.min.time()),
    )
    out.mkdir(parents=True, exist_ok=True)
    path = (
        out
        / f"{''.join(ch if ch.isalnum() else '_' for ch in claim.patient_control_number)}-{suffix}.837"
    )
    path.write_text(text, encoding="latin-1")
    return path


@app.command("correct")
def correct(
    claim: Annotated[str, typer.Argument(help="the claim's patient control number (CLM01)")],
    add_modifier: Annotated[
        list[str] | None, typer.Option("--add-modifier", help="LINE:MODIFIER, e.g. 2:59 (repeat)")
    ] = None,
    diagnosis: Annotated[
        list[str] | None, typer.Option("--diagnosis", help="replacement diagnoses, first principal")
    ] = None,
    prior_auth: Annotated[
        str | None, typer.Option("--prior-auth", help="authorization number")
    ] = None,
    referral: Annotated[str | None, typer.Option("--referral", help="referral number")] = None,
    drop_line: Annotated[
        list[int] | None, typer.Option("--drop-line", help="line to remove")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="folder for the corrected 837P")] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Replace a denied claim with a corrected one (frequency 7) and write it as an 837P."""
    from openrcm.service.denials import Correction
    from openrcm.service.denials import correct as correct_case

    day = _day(as_of)
    modifiers = []
    for item in add_modifier or ():
        line, sep, modifier = item.partition(":")
        if not sep or not line.isdigit() or len(modifier) != 2:
            fail(f"--add-modifier: {item!r} is not LINE:MODIFIER such as 2:59")
        modifiers.append((int(line), modifier))
    with input_errors():
        uow, _ = _synced(day, None)
        case, fixed = correct_case(
            uow,
            claim,
            Correction(
                add_modifiers=tuple(modifiers),
                diagnoses=tuple(diagnosis or ()),
                prior_authorization=prior_auth,
                referral_number=referral,
                drop_lines=tuple(drop_line or ()),
            ),
            today=day,
        )
        path = _write_837(fixed, out, "corrected", day) if out is not None else None
    document = {
        **_case_json(case),
        "frequency_code": fixed.frequency_code,
        "claim_status": fixed.status.value,
        "file": str(path) if path else None,
    }
    if as_json:
        print_json(document)
        return
    typer.echo(
        f"corrected claim {claim} (frequency 7) replaces {case.payer_claim_control_number}"
        + (f": {path}" if path else "")
    )


@app.command("void")
def void(
    claim: Annotated[str, typer.Argument(help="the claim's patient control number (CLM01)")],
    out: Annotated[Path | None, typer.Option("--out", help="folder for the void 837P")] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Void a claim at the payer (frequency 8) and close its denial case."""
    from openrcm.service.denials import void as void_case

    day = _day(as_of)
    with input_errors():
        uow, _ = _synced(day, None)
        case, voided = void_case(uow, claim, today=day)
        path = _write_837(voided, out, "void", day) if out is not None else None
    if as_json:
        print_json(
            {
                **_case_json(case),
                "frequency_code": voided.frequency_code,
                "claim_status": voided.status.value,
                "file": str(path) if path else None,
            }
        )
        return
    typer.echo(f"void of {claim} (frequency 8)" + (f": {path}" if path else ""))


@app.command("write-off")
def write_off(
    claim: Annotated[str, typer.Argument(help="the claim's patient control number (CLM01)")],
    reason: Annotated[str, typer.Option("--reason", help="why: timely_filing, bundled, ...")],
    amount: Annotated[str | None, typer.Option(help="amount (default: the denied amount)")] = None,
    note: Annotated[str | None, typer.Option(help="a short note (no patient data)")] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Write a denied amount off in the ledger with a reason, and close the claim."""
    from decimal import Decimal, InvalidOperation

    from openrcm.denials.actions import WriteOffReason
    from openrcm.domain.money import format_money
    from openrcm.service.denials import write_off as write_off_case

    day = _day(as_of)
    try:
        why = WriteOffReason(reason)
    except ValueError:
        fail(f"--reason: {reason!r} is not one of {', '.join(r.value for r in WriteOffReason)}")
    try:
        value = Decimal(amount) if amount is not None else None
    except InvalidOperation:
        fail(f"--amount: {amount!r} is not an amount")
    with input_errors():
        uow, _ = _synced(day, None)
        case, entry = write_off_case(uow, claim, why, today=day, amount=value, note=note)
    from openrcm.ledger import AccountKind

    written = format_money(entry.amount(AccountKind.WRITE_OFF))
    if as_json:
        print_json(
            {**_case_json(case), "written_off": written, "entry": entry.id, "reason": why.value}
        )
        return
    typer.echo(f"wrote off {written} on {claim} ({why.value})")


@app.command("outcome")
def outcome(
    claim: Annotated[str, typer.Argument(help="the claim (CLM01) or case id")],
    result: Annotated[
        str, typer.Option("--outcome", help="overturned, partially_overturned, upheld, withdrawn")
    ],
    recovered: Annotated[str, typer.Option(help="amount recovered")] = "0.00",
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Record what the payer decided on an appeal."""
    from decimal import Decimal, InvalidOperation

    from openrcm.cli.database import unit_of_work
    from openrcm.denials.appeals import AppealOutcome
    from openrcm.service.denials import record_outcome

    day = _day(as_of)
    try:
        decided = AppealOutcome(result)
        amount = Decimal(recovered)
    except (ValueError, InvalidOperation):
        fail(f"--outcome {result!r} / --recovered {recovered!r}: not an outcome or an amount")
    with input_errors():
        case = record_outcome(unit_of_work(), claim, decided, on=day, recovered=amount)
    if as_json:
        print_json({**_case_json(case), "outcome": decided.value, "recovered": f"{amount:.2f}"})
        return
    typer.echo(f"{claim}: {decided.value}")


@app.command("outcomes")
def outcomes(as_json: Json = False) -> None:
    """How the denial work went: cases by state and outcome, money recovered."""
    from openrcm.cli.database import unit_of_work
    from openrcm.domain.money import format_money
    from openrcm.service.denials import outcome_summary

    with input_errors():
        summary = outcome_summary(unit_of_work())
    document = {
        "by_state": summary.by_state,
        "by_outcome": summary.by_outcome,
        "recovered": format_money(summary.recovered),
        "overturn_rate": None if summary.overturn_rate is None else float(summary.overturn_rate),
    }
    if as_json:
        print_json(document)
        return
    for key, value in document.items():
        typer.echo(f"{key}: {value}")


# ------------------------------------------------------------------ claim status (276/277)


@app.command("follow-up")
def follow_up(
    out: Annotated[Path, typer.Option("--out", help="folder for the 276 file")],
    days: Annotated[
        list[str] | None,
        typer.Option("--days", help="PAYER=DAYS without news before asking (repeat; * for all)"),
    ] = None,
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Write a 276 asking about every claim with no answer after its payer's follow-up days."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.claim_status import follow_up as follow_up_claims

    day = _day(as_of)
    wait: dict[str, int] = {}
    for item in days or ():
        payer, sep, count = item.partition("=")
        if not sep or not count.isdigit():
            fail(f"--days: {item!r} is not PAYER=DAYS such as 87726=30")
        wait[payer] = int(count)
    with input_errors():
        run = follow_up_claims(unit_of_work(), today=day, days=wait or None)
        path = None
        if run.text_276:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"status-{day:%Y%m%d}.276"
            path.write_text(run.text_276, encoding="latin-1")
    claims = [r.patient_control_number for r in run.requests]
    if as_json:
        print_json({"claims": claims, "file": str(path) if path else None})
        return
    typer.echo(f"{len(claims)} claims asked about" + (f": {path}" if path else ""))


@app.command("status")
def status(
    file: Annotated[Path, typer.Argument(help="a 277 (claim status) or 277CA (acknowledgement)")],
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Apply a 277 or 277CA: record each claim's status in plain words and move the claims."""
    from openrcm.cli.database import unit_of_work
    from openrcm.datadir import find_data_dir
    from openrcm.service.claim_status import apply_status, load_status_codes

    day = _day(as_of)
    with x12_input(file):
        text = file.read_text(encoding="latin-1")
        codes = load_status_codes(find_data_dir() / "x12codes")
        run = apply_status(unit_of_work(), text, codes, today=day, name=file.name)
    document = {
        "kind": run.kind,
        "already_applied": run.already_applied,
        "unmatched": run.unmatched,
        "claims": [
            {
                "claim": u.claim,
                "category": u.category,
                "status_code": u.status_code,
                "description": u.description,
                "claim_status": u.claim_status,
                "moved": u.moved,
            }
            for u in run.updates
        ],
    }
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "Claim", "Category", "Status", "Meaning", "Claim is now", title=f"{run.kind} {file.name}"
    )
    for u in run.updates:
        table.add_row(
            u.claim or "-",
            u.category or "-",
            u.status_code or "-",
            u.description,
            u.claim_status or "-",
        )
    Console().print(table)
    if run.already_applied:
        typer.echo("this file was applied before; nothing changed")
