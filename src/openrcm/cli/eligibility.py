"""`openrcm eligibility`: 270/271 checks with the demo payer, tomorrow's batch, stored
summaries, and prior authorisations and referrals on file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json

app = typer.Typer(help="Eligibility and benefits (270/271).", no_args_is_help=True)

Json = Annotated[bool, typer.Option("--json", help="print one JSON document")]
Plans = Annotated[
    Path | None, typer.Option("--plans", help="the demo payer's plans directory (YAML)")
]


def _today(text: str | None, option: str = "--as-of") -> date:
    return parse_date(text, option) if text else datetime.now(UTC).date()


def _book(plans: Path | None) -> Any:
    from openrcm.payer.configuration import default_plans_dir, load_payer_book

    return load_payer_book(plans or default_plans_dir())


def _summary_json(summary: Any) -> dict[str, Any]:
    return summary.model_dump(mode="json")  # type: ignore[no-any-return]


def _print_summaries(summaries: Any, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "Patient",
        "Payer",
        "Status",
        "Plan",
        "Deductible left",
        "Copay",
        "Coins.",
        "OOP left",
        title=title,
    )
    for s in summaries:
        table.add_row(
            s.patient_id,
            s.payer_id,
            s.status,
            s.plan_name or "-",
            f"{s.deductible_remaining:.2f}" if s.deductible_remaining is not None else "-",
            f"{s.copay:.2f}" if s.copay is not None else "-",
            f"{s.coinsurance * 100:.0f}%" if s.coinsurance is not None else "-",
            f"{s.out_of_pocket_remaining:.2f}" if s.out_of_pocket_remaining is not None else "-",
        )
    Console().print(table)


@app.command("check")
def check(
    patient: Annotated[str, typer.Argument(help="the patient's id")],
    service_date: Annotated[
        str | None, typer.Option("--date", help="date of service (default today)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day of the check")] = None,
    plans: Plans = None,
    out: Annotated[Path | None, typer.Option("--out", help="also write the 270 and 271")] = None,
    as_json: Json = False,
) -> None:
    """Ask the (demo) payer about one patient's coverage and store the benefits summary."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.eligibility import check_patients

    today = _today(as_of)
    day = _today(service_date, "--date") if service_date else today
    with input_errors():
        run = check_patients(
            unit_of_work(), [patient], service_date=day, book=_book(plans), today=today
        )
        _write_exchange(run, out)
    if not run.summaries:
        fail(f"patient {patient!r} is not on file or has no coverage in force on {day.isoformat()}")
    (summary,) = run.summaries
    if as_json:
        print_json(_summary_json(summary))
        return
    _print_summaries(
        run.summaries, f"Eligibility on {day.isoformat()} (checked {today.isoformat()})"
    )


def _write_exchange(run: Any, out: Path | None) -> None:
    if out is None or not run.text_270:
        return
    out.mkdir(parents=True, exist_ok=True)
    (out / "eligibility.270").write_text(run.text_270, encoding="latin-1")
    (out / "eligibility.271").write_text(run.text_271, encoding="latin-1")


@app.command("batch")
def batch(
    service_date: Annotated[
        str | None, typer.Option("--date", help="appointments on this day (default tomorrow)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day of the check")] = None,
    plans: Plans = None,
    out: Annotated[Path | None, typer.Option("--out", help="also write the 270 and 271")] = None,
    as_json: Json = False,
) -> None:
    """Check everyone with an appointment (encounter) tomorrow, or on --date, in one 270."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.eligibility import check_appointments

    today = _today(as_of)
    day = _today(service_date, "--date") if service_date else None
    with input_errors():
        run = check_appointments(unit_of_work(), book=_book(plans), today=today, day=day)
        _write_exchange(run, out)
    if as_json:
        print_json(
            {
                "checked": len(run.summaries),
                "skipped": list(run.skipped),
                "inactive": sum(1 for s in run.summaries if s.status != "active"),
                "summaries": [_summary_json(s) for s in run.summaries],
            }
        )
        return
    _print_summaries(run.summaries, "Eligibility for the appointments")
    if run.skipped:
        typer.echo(f"no coverage in force for: {', '.join(run.skipped)}")


@app.command("history")
def history(
    patient: Annotated[str | None, typer.Argument(help="the patient's id (default: all)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: Json = False,
) -> None:
    """The stored benefits summaries, newest first."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.eligibility import latest_checks

    with input_errors():
        found = latest_checks(unit_of_work(), patient, limit)
    if as_json:
        print_json([_summary_json(s) for s in found])
        return
    _print_summaries(found, "Eligibility checks on file")


auth_app = typer.Typer(help="Prior authorisations and referrals on file.", no_args_is_help=True)
app.add_typer(auth_app, name="auth")


@auth_app.command("add")
def auth_add(
    number: Annotated[str, typer.Argument(help="the authorisation or referral number")],
    patient: Annotated[str, typer.Option("--patient", help="the patient's id")],
    payer: Annotated[str, typer.Option("--payer", help="the payer's id")],
    start: Annotated[str, typer.Option("--start", help="first day (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--end", help="last day (YYYY-MM-DD)")],
    units: Annotated[int, typer.Option("--units", min=1, help="units or visits authorised")] = 1,
    code: Annotated[
        list[str] | None, typer.Option("--code", help="a covered code (repeat)")
    ] = None,
    referral: Annotated[
        bool, typer.Option("--referral", help="a referral, not a prior auth")
    ] = False,
    as_json: Json = False,
) -> None:
    """Put a prior authorisation (or, with --referral, a referral) on file."""
    from openrcm.cli.database import unit_of_work
    from openrcm.domain.authorization import Authorization, AuthorizationKind
    from openrcm.service.authorizations import add_authorization

    kind = AuthorizationKind.REFERRAL if referral else AuthorizationKind.PRIOR_AUTHORIZATION
    with input_errors():
        record = Authorization(
            id=f"{kind.value[:3]}-{payer}-{number}"[:64],
            kind=kind,
            number=number,
            patient_id=patient,
            payer_id=payer,
            procedure_codes=tuple(code or ()),
            units_authorized=units,
            start_date=parse_date(start, "--start"),
            end_date=parse_date(end, "--end"),
        )
        stored = add_authorization(unit_of_work(), record)
    if as_json:
        print_json(stored.model_dump(mode="json"))
        return
    typer.echo(f"{kind.value} {number} on file for {patient}")


@auth_app.command("list")
def auth_list(
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day to flag on")] = None,
    all_: Annotated[bool, typer.Option("--all", help="also those needing no attention")] = False,
    as_json: Json = False,
) -> None:
    """Authorisations needing attention (expiring, exhausted, expired), or --all."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.authorizations import authorization_flags

    today = _today(as_of)
    with input_errors():
        flags = authorization_flags(unit_of_work(), today=today, include_active=all_)
    rows = [
        {
            **f.authorization.model_dump(mode="json"),
            "units_left": f.authorization.units_left,
            "state": f.state.value,
            "days_to_end": f.days_to_end,
        }
        for f in flags
    ]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Number", "Kind", "Patient", "Payer", "Units left", "Ends", "State")
    for r in rows:
        table.add_row(
            r["number"],
            r["kind"],
            r["patient_id"],
            r["payer_id"],
            str(r["units_left"]),
            r["end_date"],
            r["state"],
        )
    Console().print(table)
