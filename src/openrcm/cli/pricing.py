"""`openrcm pricing`: price a code under the Medicare Physician Fee Schedule.

JSON: money as strings with two decimals ("125.00"); RVUs, GPCIs and the conversion
factor as exact decimal strings as CMS publishes them ("1.30", "1.042", "32.3465").
"""

from __future__ import annotations

from typing import Annotated

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json

app = typer.Typer(help="Fee schedules: Medicare PFS pricing.", no_args_is_help=True)


@app.command("price")
def price(
    code: Annotated[str, typer.Argument(help="CPT or HCPCS code, e.g. 99213")],
    modifier: Annotated[
        list[str] | None, typer.Option("--modifier", "-m", help="a modifier; repeat for more")
    ] = None,
    locality: Annotated[
        str | None,
        typer.Option(help="MAC-LOCALITY, e.g. 01182-18 (Los Angeles), or NATIONAL"),
    ] = None,
    zip_code: Annotated[
        str | None, typer.Option("--zip", help="the provider's ZIP code, instead of --locality")
    ] = None,
    pos: Annotated[str, typer.Option("--pos", help="place of service, two digits")] = "11",
    on: Annotated[str, typer.Option("--date", help="date of service, YYYY-MM-DD")] = "2025-01-01",
    units: Annotated[str, typer.Option(help="units of service")] = "1",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Price one code with its modifiers in one locality and place of service."""
    from decimal import Decimal, InvalidOperation

    from openrcm.datadir import find_data_dir
    from openrcm.domain.finding import has_errors
    from openrcm.domain.money import format_money
    from openrcm.pricing import load_medicare_pfs

    day = parse_date(on, "--date")
    if not (len(pos) == 2 and pos.isdigit()):
        fail(f"--pos: {pos!r} is not a two-digit place of service")
    try:
        quantity = Decimal(units)
    except InvalidOperation:
        fail(f"--units: {units!r} is not a number")
    if quantity <= 0:
        fail("--units must be more than zero")
    if locality is None and zip_code is None:
        fail("give --locality MAC-LOCALITY or --zip ZIP")
    with input_errors():
        pfs = load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")
        where = locality if locality is not None else pfs.locality_for_zip(zip_code or "")
        result = pfs.price(
            code,
            tuple(m.strip().upper() for m in modifier or ()),
            locality=where,
            place_of_service=pos,
            service_date=day,
            units=quantity,
        )
    if result.status_code == "" and result.row is None and not result.carc:
        fail(f"{code.upper()} is not in the CY{pfs.year} Medicare PFS")
    document = {
        "code": result.code,
        "modifiers": list(result.modifiers),
        "allowed": format_money(result.allowed),
        "fee_schedule_amount": format_money(result.fee_schedule_amount),
        "rvu_work": str(result.rvu_work),
        "rvu_pe": str(result.rvu_pe),
        "rvu_mp": str(result.rvu_mp),
        "gpci_work": str(result.gpci_work),
        "gpci_pe": str(result.gpci_pe),
        "gpci_mp": str(result.gpci_mp),
        "conversion_factor": str(result.conversion_factor),
        "facility": result.facility,
        "locality": result.locality,
        "place_of_service": pos,
        "units": str(quantity),
        "status": result.status.value,
        "status_code": result.status_code,
        "adjustments": [
            {
                "rule": a.rule,
                "factor": str(a.factor),
                "before": format_money(a.amount_before),
                "after": format_money(a.amount_after),
            }
            for a in result.adjustments
        ],
        "carc": result.carc,
        "rarc": result.rarc,
        "findings": [
            {"code": f.code, "severity": f.severity.value, "message": f.message}
            for f in result.findings
        ],
    }
    if as_json:
        print_json(document)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("Item", "Value", title=f"{result.code} {' '.join(result.modifiers)}".strip())
        for key in (
            "allowed",
            "fee_schedule_amount",
            "status",
            "locality",
            "facility",
            "rvu_work",
            "rvu_pe",
            "rvu_mp",
            "gpci_work",
            "gpci_pe",
            "gpci_mp",
            "conversion_factor",
        ):
            table.add_row(key, str(document[key]))
        for adjustment in result.adjustments:
            table.add_row(f"adjustment {adjustment.rule}", format_money(adjustment.amount_after))
        for finding in result.findings:
            table.add_row(finding.severity.value, finding.message)
        Console().print(table)
    if has_errors(list(result.findings)):
        raise typer.Exit(1)
