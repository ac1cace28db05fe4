"""`openrcm remit`: post 835 remittances to the ledger, list what needs a person, and
reconcile bank deposits with the 835 payments (`openrcm remit deposits import|match`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openrcm.cli.database import unit_of_work
from openrcm.cli.output import fail, input_errors, print_json, x12_input

app = typer.Typer(
    help="Remittance (835): post payments and adjustments to the ledger.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]


deposits_app = typer.Typer(
    help="Bank deposits: import a bank export and match deposits to 835 payments.",
    no_args_is_help=True,
)
app.add_typer(deposits_app, name="deposits")


@app.command("post")
def post(
    file: Annotated[Path, typer.Argument(help="the 835 file")],
    as_json: JsonOption = False,
) -> None:
    """Post every payment in an 835 file. Posting the same file twice changes nothing."""
    from openrcm.service.remit import post_835

    with x12_input(file):
        text = file.read_text(encoding="latin-1")
        summary = post_835(unit_of_work(), text, name=file.name)
    if as_json:
        print_json(summary.as_json())
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(
            "Checks",
            "Claims posted",
            "Unmatched",
            "Amount posted",
            "Already posted",
            title=file.name,
        )
        data = summary.as_json()
        table.add_row(
            str(summary.checks),
            str(summary.claims_posted),
            str(summary.claims_unmatched),
            data["amount_posted"],
            "yes" if summary.already_posted else "no",
        )
        console = Console()
        console.print(table)
        for finding in summary.findings:
            console.print(
                f"{finding.severity.value}: {finding.code} {finding.message}", markup=False
            )
    if summary.has_errors:
        raise typer.Exit(1)


@app.command("exceptions")
def exceptions(
    kind: Annotated[
        str,
        typer.Option(help="exception, denial, discrepancy or secondary_claim"),
    ] = "exception",
    limit: Annotated[int, typer.Option(help="at most this many")] = 100,
    as_json: JsonOption = False,
) -> None:
    """List open remittance work items: unposted 835 items with their reasons, and more."""
    from openrcm.service.remit import exceptions as list_items

    if kind not in {"exception", "denial", "discrepancy", "secondary_claim"}:
        fail(f"--kind: {kind!r} is not exception, denial, discrepancy or secondary_claim")
    items = list_items(unit_of_work(), kind=kind, limit=limit)
    if kind == "secondary_claim":
        items = [
            {k: item[k] for k in ("id", "kind", "check_id", "claim", "resolved") if k in item}
            | {"payer_id": item.get("payer", {}).get("id")}
            for item in items
        ]
    if as_json:
        print_json(items)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Check", "Claim", "Reason", "Amount", title=f"Open {kind} items")
    for item in items:
        table.add_row(
            str(item.get("check_id", "")),
            str(item.get("claim") or ""),
            str(item.get("reason") or item.get("carcs") or ""),
            str(item.get("amount") or item.get("denied_amount") or ""),
        )
    Console().print(table)


@app.command("resolve")
def resolve(
    ids: Annotated[list[str], typer.Argument(help="work item ids, as `remit exceptions` lists")],
    note: Annotated[str | None, typer.Option(help="what was done")] = None,
    as_json: JsonOption = False,
) -> None:
    """Mark remittance work items resolved, with a note."""
    from openrcm.service.remit import resolve_work_items

    done = resolve_work_items(unit_of_work(), ids, note)
    if as_json:
        print_json({"resolved": done, "not_open": len(set(ids)) - done})
    else:
        typer.echo(f"{done} of {len(set(ids))} work items resolved")


@deposits_app.command("import")
def deposits_import(
    file: Annotated[Path, typer.Argument(help="the bank export (CSV: date, amount, reference)")],
    as_json: JsonOption = False,
) -> None:
    """Store a bank export's deposits. The same file (or row) twice stores nothing new."""
    from openrcm.service.remit import import_deposits

    with input_errors():
        text = file.read_text(encoding="utf-8-sig")
        result = import_deposits(unit_of_work(), text, name=file.name)
    if as_json:
        print_json(result.as_json())
    else:
        from rich.console import Console
        from rich.table import Table

        data = result.as_json()
        table = Table("Read", "Imported", "Already imported", "Amount imported", title=file.name)
        table.add_row(
            str(result.deposits_read),
            str(result.deposits_imported),
            str(result.already_imported),
            data["amount_imported"],
        )
        console = Console()
        console.print(table)
        for finding in result.findings:
            console.print(
                f"{finding.severity.value}: {finding.code} {finding.message}", markup=False
            )
    if result.has_errors:
        raise typer.Exit(1)


@deposits_app.command("match")
def deposits_match(
    window: Annotated[
        int, typer.Option(help="days between deposit and 835 date for a match by amount")
    ] = 5,
    as_json: JsonOption = False,
) -> None:
    """Match deposits to 835 payments (trace number, then amount and date); list the rest."""
    from openrcm.service.remit import match_deposits

    if window < 0:
        fail(f"--window: {window} is negative")
    result = match_deposits(unit_of_work(), window_days=window)
    data = result.as_json()
    if as_json:
        print_json(data)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    matched = Table("Deposit date", "Amount", "Trace", "Payer", "Match", "Difference")
    for m in result.matches:
        matched.add_row(
            m.deposit.deposit_date.isoformat(),
            m.as_json()["deposit"]["amount"],  # type: ignore[index]
            m.payment.trace_number,
            m.payment.payer_id,
            m.kind.value,
            str(m.as_json()["difference"]),
        )
    console.print(matched)
    left = Table("Unmatched deposit", "Amount", "Reference", title="Deposits no 835 explains")
    for d in result.unmatched_deposits:
        left.add_row(d.deposit_date.isoformat(), str(d.as_json()["amount"]), d.reference)
    console.print(left)
    waiting = Table("835 payment", "Amount", "Trace", "Payer", title="835 payments not deposited")
    for p in result.unmatched_payments:
        waiting.add_row(
            p.payment_date.isoformat(), str(p.as_json()["amount"]), p.trace_number, p.payer_id
        )
    console.print(waiting)
