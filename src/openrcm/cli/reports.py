"""`openrcm reports`: KPIs, A/R aging, the report pack (CSV and charts), billing invoices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, parse_date, percent, print_json

app = typer.Typer(help="Reports: KPIs and A/R aging.", no_args_is_help=True)

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="the day to report on (YYYY-MM-DD); default today")
]
Json = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _as_of(text: str | None) -> date:
    return parse_date(text, "--as-of") if text else datetime.now(UTC).date()


def _codes() -> Any:
    from openrcm.datadir import find_data_dir
    from openrcm.denials.reasons import load_reason_codes

    return load_reason_codes(find_data_dir() / "x12codes")


@app.command("kpis")
def kpis(
    as_of: AsOf = None,
    as_json: Json = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="also write the KPIs as CSV")
    ] = None,
) -> None:
    """Days in A/R, clean-claim, first-pass resolution, denial and net collection rates."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service import reports

    day = _as_of(as_of)
    with input_errors():
        result = reports.kpis(unit_of_work(), as_of=day, codes=_codes())
        if csv_out is not None:
            csv_out.write_text(reports.kpis_csv(result, as_of=day), encoding="utf-8")
    document = reports.kpis_json(result, as_of=day)
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("KPI", "Value", title=f"Revenue-cycle KPIs on {day.isoformat()}")
    table.add_row("Days in A/R", str(document["days_in_ar"] or "-"))
    for key, label in (
        ("clean_claim_rate", "Clean-claim rate"),
        ("first_pass_resolution_rate", "First-pass resolution rate"),
        ("denial_rate", "Denial rate"),
        ("net_collection_rate", "Net collection rate"),
    ):
        table.add_row(label, percent(document[key]))
    table.add_row("Charge lag (days)", str(document["charge_lag_days"] or "-"))
    table.add_row("Total A/R", document["total_ar"])
    table.add_row("Gross charges", document["gross_charges"])
    table.add_row("Payments", document["payments"])
    table.add_row(
        "Claims (sent / decided / denied)",
        "{claims_submitted} / {claims_adjudicated} / {claims_denied}".format(**document),
    )
    console = Console()
    console.print(table)
    for key, title in (("denial_rate_by_reason", "reason"), ("denial_rate_by_payer", "payer")):
        if document[key]:
            by = Table(title.capitalize(), "Denial rate", title=f"Denial rate by {title}")
            for name, rate in document[key].items():
                by.add_row(name, percent(rate))
            console.print(by)


@app.command("ar-aging")
def ar_aging(
    by: Annotated[str, typer.Option("--by", help="payer or patient")] = "payer",
    as_of: AsOf = None,
    as_json: Json = False,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="also write the table as CSV")
    ] = None,
) -> None:
    """Open A/R in 0-30, 31-60, 61-90, 91-120 and 120+ day buckets, by payer or patient."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service import reports

    if by not in {"payer", "patient"}:
        fail(f"--by: {by!r} is not 'payer' or 'patient'")
    day = _as_of(as_of)
    with input_errors():
        rows = reports.aging(unit_of_work(), by=by, as_of=day, codes=None)  # type: ignore[arg-type]
        if csv_out is not None:
            csv_out.write_text(reports.aging_csv(rows, by=by), encoding="utf-8")
    document = reports.aging_json(rows, by=by, as_of=day)
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    buckets = document["buckets"]
    table = Table(
        by.capitalize(), *buckets, "Total", title=f"A/R aging by {by} on {day.isoformat()}"
    )
    for row in document["rows"]:
        table.add_row(row["name"], *(row[b] for b in buckets), row["total"])
    totals = document["totals"]
    table.add_row("TOTAL", *(totals[b] for b in buckets), totals["total"], style="bold")
    Console().print(table)


@app.command("pack")
def pack(
    out: Annotated[Path, typer.Option("--out", help="folder for the CSV files and charts")],
    as_of: AsOf = None,
    as_json: Json = False,
) -> None:
    """Write the report pack: KPIs and A/R aging as CSV, charts as SVG and PNG."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service import reports

    day = _as_of(as_of)
    with input_errors():
        written = reports.write_report_pack(unit_of_work(), out, as_of=day, codes=_codes())
    if as_json:
        print_json({"out": str(out), "files": [p.name for p in written.files]})
        return
    typer.echo(f"wrote {len(written.files)} files to {out}")


@app.command("invoice")
def invoice(
    month: Annotated[str, typer.Option("--month", help="the month billed, YYYY-MM")],
    basis: Annotated[
        str, typer.Option("--basis", help="percent (of collections) or per-claim")
    ] = "percent",
    rate: Annotated[str, typer.Option("--rate", help="0.06 for 6%, or the fee per claim")] = "0.06",
    minimum: Annotated[str, typer.Option("--minimum", help="minimum monthly fee")] = "0.00",
    as_json: Json = False,
) -> None:
    """The billing service's monthly invoice to the current tenant (practice)."""
    from decimal import Decimal, InvalidOperation

    from openrcm.cli.database import unit_of_work
    from openrcm.domain.money import format_money
    from openrcm.reports.invoice import FeeBasis, ServiceAgreement
    from openrcm.service import reports

    try:
        year, number = (int(part) for part in month.split("-"))
        date(year, number, 1)
    except ValueError:
        fail(f"--month: {month!r} is not a month in the form YYYY-MM")
    bases = {"percent": FeeBasis.PERCENT_OF_COLLECTIONS, "per-claim": FeeBasis.PER_CLAIM}
    if basis not in bases:
        fail(f"--basis: {basis!r} is not 'percent' or 'per-claim'")
    try:
        fee_rate, fee_minimum = Decimal(rate), Decimal(minimum)
    except InvalidOperation:
        fail("--rate and --minimum must be numbers such as 0.06 or 4.50")
    uow = unit_of_work()
    with input_errors():
        agreement = ServiceAgreement(uow.tenant_id, bases[basis], fee_rate, fee_minimum)
        bill = reports.monthly_invoice(uow, agreement, year=year, month=number)
    document = {
        "tenant": bill.tenant_id,
        "period_start": bill.period_start,
        "period_end": bill.period_end,
        "collections": format_money(bill.collections),
        "claims_submitted": bill.claims_submitted,
        "fee": format_money(bill.fee),
        "description": bill.description,
    }
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Item", "Value", title=f"Invoice to {bill.tenant_id} for {month}")
    for key, value in document.items():
        table.add_row(key, str(value))
    Console().print(table)
