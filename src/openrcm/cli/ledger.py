"""`openrcm ledger`: balances of a claim, a payer or a patient, and the trial balance."""

from __future__ import annotations

from typing import Annotated, Any, cast

import typer

from openrcm.cli.output import fail, parse_date, print_json

app = typer.Typer(help="Double-entry ledger: balances and trial balance.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _uow() -> Any:
    from openrcm.cli.database import unit_of_work

    return unit_of_work()


@app.command("balance")
def balance(
    claim: Annotated[
        str | None, typer.Option("--claim", help="patient control number (CLM01)")
    ] = None,
    payer: Annotated[str | None, typer.Option("--payer", help="payer id")] = None,
    patient: Annotated[str | None, typer.Option("--patient", help="patient id")] = None,
    as_json: JsonOption = False,
) -> None:
    """What is owed on one claim, by one payer, or by one patient, derived from the entries.

    Exit 2 when the claim, payer or patient has no ledger entries at all.
    """
    from openrcm.domain.money import ZERO, format_money
    from openrcm.service import ledger as service

    if sum(x is not None for x in (claim, payer, patient)) != 1:
        fail("give exactly one of --claim, --payer or --patient")
    result: dict[str, Any]
    if claim is not None:
        summary = service.claim_balance(_uow(), claim)
        if summary is None:
            fail(f"--claim: no ledger entries for claim {claim}")
        result = summary.as_json()
    elif payer is not None:
        owed = service.payer_balance(_uow(), payer)
        if owed is None:
            fail(f"--payer: no ledger entries for payer {payer}")
        result = {"payer": payer, "insurance_balance": format_money(owed)}
    else:
        assert patient is not None
        claims = service.patient_balances(_uow(), patient)
        if not claims:
            fail(f"--patient: no ledger entries for patient {patient}")
        money = (
            "charge",
            "insurance_paid",
            "adjustments",
            "patient_paid",
            "patient_responsibility",
            "insurance_balance",
            "patient_balance",
        )
        result = {
            "patient": patient,
            **{key: format_money(sum((getattr(c, key) for c in claims), ZERO)) for key in money},
            "claims": [c.as_json() for c in claims],
        }
    if as_json:
        print_json(result)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("", "")
    for key, value in result.items():
        if key != "claims":
            table.add_row(key, str(value))
    console = Console()
    console.print(table)
    rows = cast(list[dict[str, str]], result.get("claims") or [])
    if rows:
        claims_table = Table("Claim", "Charge", "Insurance", "Patient", "Status")
        for row in rows:
            claims_table.add_row(
                row["claim"],
                row["charge"],
                row["insurance_balance"],
                row["patient_balance"],
                row["status"],
            )
        console.print(claims_table)


@app.command("trial-balance")
def trial_balance(
    through: Annotated[
        str | None, typer.Option(help="entries dated on or before YYYY-MM-DD")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every account's balance; the total is always 0.00."""
    from openrcm.service import ledger as service

    day = parse_date(through, "--through") if through else None
    result = service.trial_balance(_uow(), through=day).as_json()
    if as_json:
        print_json(result)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Account", "Balance", title="Trial balance")
    for row in result["accounts"]:  # type: ignore[attr-defined]
        table.add_row(row["account"], row["balance"])
    table.add_row("total", str(result["total"]))
    Console().print(table)
