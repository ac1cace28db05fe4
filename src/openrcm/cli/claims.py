"""`openrcm claims`: claims on file — import 837 files, list what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openrcm.cli.output import input_errors, print_json, x12_input

app = typer.Typer(help="Claims on file: import 837s, list.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="an 837P or 837I file")],
    as_json: JsonOption = False,
) -> None:
    """Store every claim of an 837 file with its patients, coverages, payers and providers.

    The same file twice imports nothing new; a file with errors imports nothing.
    """
    from openrcm.cli.database import unit_of_work
    from openrcm.service.claims import import_837

    with x12_input(file):
        text = file.read_text(encoding="latin-1")
        summary = import_837(unit_of_work(), text, name=file.name)
    if as_json:
        print_json(summary.as_json())
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(
            "Claims imported",
            "Already on file",
            "Patients",
            "Payers",
            "File seen before",
            title=file.name,
        )
        table.add_row(
            str(summary.claims_imported),
            str(summary.claims_already_on_file),
            str(summary.patients),
            str(summary.payers),
            "yes" if summary.already_imported else "no",
        )
        console = Console()
        console.print(table)
        for finding in summary.findings:
            console.print(
                f"{finding.severity.value}: {finding.code} {finding.message}", markup=False
            )
    if summary.has_errors:
        raise typer.Exit(1)


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="only claims in this status")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: JsonOption = False,
) -> None:
    """Claims on file, newest first."""
    from openrcm.cli.database import unit_of_work
    from openrcm.domain.claim_state import ClaimStatus

    with input_errors():
        wanted = ClaimStatus(status) if status else None
        uow = unit_of_work()
        with uow:
            claims = uow.claims.list(status=wanted, limit=limit)
    rows = [
        {
            "patient_control_number": c.patient_control_number,
            "status": c.status.value,
            "payer": c.payer.name,
            "service_date": c.first_service_date.isoformat(),
            "charge": f"{c.total_charge_amount:.2f}",
            "lines": len(c.lines),
        }
        for c in claims
    ]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("CLM01", "Status", "Payer", "Date of service", "Charge", "Lines")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    Console().print(table)
