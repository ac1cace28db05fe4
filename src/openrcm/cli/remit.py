"""`openrcm remit`: post 835 remittances to the ledger and list what needs a person."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, print_json

app = typer.Typer(
    help="Remittance (835): post payments and adjustments to the ledger.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def unit_of_work() -> Any:
    """A unit of work on the configured database (migrated) for the configured tenant."""
    from openrcm.domain.party import Tenant
    from openrcm.settings import get_settings
    from openrcm.store import SqlUnitOfWork, engine, migrate, session_factory

    settings = get_settings()
    migrate(settings.database_url)
    uow = SqlUnitOfWork(session_factory(engine(settings.database_url)), settings.tenant)
    with uow:
        uow.tenants.find_or_add(Tenant(id=settings.tenant, name=settings.tenant))
        uow.commit()
    return uow


@app.command("post")
def post(
    file: Annotated[Path, typer.Argument(help="the 835 file")],
    as_json: JsonOption = False,
) -> None:
    """Post every payment in an 835 file. Posting the same file twice changes nothing."""
    from openrcm.service.remit import post_835
    from openrcm.x12.errors import X12Error

    with input_errors():
        text = file.read_text(encoding="latin-1")
        try:
            summary = post_835(unit_of_work(), text, name=file.name)
        except X12Error as error:
            fail(f"{file}: {error}")
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
