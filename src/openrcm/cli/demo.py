"""`openrcm demo`: a fresh SQLite database, a demo practice, and the whole revenue cycle.

The demo practice is the synthetic generator's (seeded, so every run tells the same story),
with a few deliberately dirty claims for the scrubber to hold back. The cycle runs through
`openrcm loop`; the summary shows what a practice manager would look at afterwards.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import input_errors, parse_date, percent, print_json

DEMO_SEED = 7
DEMO_TENANT = "demo"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo_database(folder: Path | None = None) -> tuple[str, Path]:
    """A fresh SQLite file for the demo (the previous demo's is removed first)."""
    import platformdirs

    base = folder or Path(platformdirs.user_data_dir("openrcm", appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    path = base / "demo.sqlite"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path}", base


def demo(
    claims: Annotated[int, typer.Option(min=10, max=100_000, help="claims in the demo")] = 250,
    out: Annotated[Path | None, typer.Option(help="where the demo writes its files")] = None,
    as_of: Annotated[str, typer.Option(help="the day the cycle runs")] = "2026-01-15",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Run the whole revenue cycle on a fresh SQLite database with the demo practice."""
    from openrcm.cli.database import unit_of_work
    from openrcm.cli.loop import render, run_and_report

    day = parse_date(as_of, "--as-of")
    url, folder = demo_database()
    out_dir = out or folder / "demo-files"

    def new_uow() -> Any:
        return unit_of_work(DEMO_TENANT, url)

    with input_errors():
        report = run_and_report(
            new_uow,
            claims=claims,
            seed=DEMO_SEED,
            from_837=None,
            out=out_dir,
            as_of=day,
            quiet=as_json,
            dirty_share=0.06,
        )
    if as_json:
        print_json({"database": url, "out": str(out_dir), **report.as_json()})
        return
    from rich.console import Console

    console = Console()
    console.rule("[bold]openrcm demo[/bold]: one practice, one revenue cycle")
    console.print(
        f"Database: {url}\nFiles (837s, 835s, statements): {out_dir}\n"
        f"{claims} synthetic visits of the 90 days before {day.isoformat()} "
        "(synthetic patients only)."
    )
    render(report)
    _accounts_receivable(new_uow, console, day)
    _payment_plan(new_uow, console, day)
    _front_desk(new_uow, console, day)
    _denials(new_uow, console, day)
    _report_pack(new_uow, console, day, out_dir)


def _accounts_receivable(new_uow: Any, console: Any, day: date) -> None:
    """A/R by payer and the largest patient balances, straight from the ledger."""
    from rich.table import Table

    from openrcm.domain.money import format_money
    from openrcm.ledger import AccountKind
    from openrcm.service.ledger import ar_by_party

    payers = ar_by_party(new_uow(), AccountKind.INSURANCE_AR)
    table = Table("Payer", "Insurance A/R", title=f"Insurance A/R on {day.isoformat()}")
    for payer, amount in sorted(payers.items(), key=lambda kv: -kv[1]):
        table.add_row(payer, format_money(amount))
    console.print(table)
    patients = ar_by_party(new_uow(), AccountKind.PATIENT_AR)
    top = sorted(patients.items(), key=lambda kv: -kv[1])[:5]
    table = Table("Guarantor", "Patient A/R", title="Largest patient balances")
    for guarantor, amount in top:
        table.add_row(guarantor, format_money(amount))
    console.print(table)


def _payment_plan(new_uow: Any, console: Any, day: date) -> None:
    """Put the largest patient balance on a six-month plan, as a front desk would."""
    from datetime import timedelta

    from openrcm.domain.money import format_money
    from openrcm.ledger import AccountKind
    from openrcm.service.ledger import ar_by_party
    from openrcm.service.patients import AccountError, create_payment_plan

    owed = ar_by_party(new_uow(), AccountKind.PATIENT_AR)
    for guarantor, _ in sorted(owed.items(), key=lambda kv: -kv[1]):
        try:
            plan = create_payment_plan(
                new_uow(), guarantor, instalments=6, first_due=day + timedelta(days=30), as_of=day
            )
        except AccountError:
            continue  # e.g. the balance is still with insurance: nothing due yet
        first = plan.instalments[0]
        console.print(
            f"Payment plan for guarantor {guarantor}: {format_money(plan.balance)} in "
            f"{len(plan.instalments)} instalments of {format_money(first.amount)}, first due "
            f"{first.due_date.isoformat()}."
        )
        return


def _front_desk(new_uow: Any, console: Any, day: date) -> None:
    """Eligibility (270 out, the demo payer's 271 back) for a few patients seen tomorrow."""
    from datetime import timedelta

    from rich.table import Table

    from openrcm.payer import default_plans_dir, load_payer_book
    from openrcm.service.eligibility import check_patients

    uow = new_uow()
    with uow:
        patients = [p.id for p in uow.patients.list(limit=4)]
    tomorrow = day + timedelta(days=1)
    run = check_patients(
        new_uow(),
        patients,
        service_date=tomorrow,
        book=load_payer_book(default_plans_dir()),
        today=day,
    )
    table = Table(
        "Patient",
        "Payer",
        "Status",
        "Deductible left",
        "Copay",
        "Coinsurance",
        title=f"Eligibility for {tomorrow.isoformat()} (270 sent, 271 read)",
    )
    for summary in run.summaries:
        data = summary.model_dump(mode="json")
        table.add_row(
            summary.patient_id,
            summary.payer_id,
            summary.status,
            str(data.get("deductible_remaining") or "-"),
            str(data.get("copay") or "-"),
            str(data.get("coinsurance") or "-"),
        )
    console.print(table)


def _denials(new_uow: Any, console: Any, day: date) -> None:
    """The denial queue by root cause, and the top denial worked to a corrected claim."""
    from rich.table import Table

    from openrcm.datadir import find_data_dir
    from openrcm.denials.reasons import load_reason_codes
    from openrcm.domain.money import format_money
    from openrcm.service.denials import Correction, DenialError, correct, denial_queue

    codes = load_reason_codes(find_data_dir() / "x12codes")
    queue = denial_queue(new_uow(), codes, today=day)
    table = Table(
        "Claim",
        "Payer",
        "Denied",
        "Root cause",
        "Appeal by",
        "Action",
        title=f"Denial work queue ({len(queue)} open), highest priority first",
    )
    for case in queue[:6]:
        table.add_row(
            case.patient_control_number,
            case.payer_id,
            format_money(case.denied_amount),
            str(case.category),
            case.deadline.isoformat(),
            _short(case.action),
        )
    console.print(table)
    # work the top authorisation denial when there is one: the fix is a number on file
    for case in sorted(queue, key=lambda c: "auth" not in str(c.category)):
        lines = case.lines[:1]
        fix = (
            Correction(prior_authorization="PA-DEMO-0001")
            if "auth" in str(case.category)
            else Correction(add_modifiers=((lines[0], "59"),))
            if lines
            else Correction()
        )
        try:
            _, corrected = correct(new_uow(), case.id, fix, today=day)
        except DenialError:
            continue
        console.print(
            f"Worked {case.patient_control_number}: corrected claim (frequency "
            f"{corrected.frequency_code}, replacing payer claim "
            f"{corrected.payer_claim_control_number}) is ready to send."
        )
        return


def _report_pack(new_uow: Any, console: Any, day: date, out_dir: Path) -> None:
    from openrcm.service.reports import kpis_json, write_report_pack

    pack = write_report_pack(new_uow(), out_dir / "reports", as_of=day)
    figures = kpis_json(pack.kpis, as_of=day)
    shown = "; ".join(
        [f"days in A/R {figures['days_in_ar'] or '-'}"]
        + [
            f"{label} {percent(figures[key])}"
            for key, label in (
                ("clean_claim_rate", "clean-claim rate of claims sent"),
                ("denial_rate", "denial rate"),
                ("net_collection_rate", "net collection rate"),
                ("first_pass_resolution_rate", "first-pass resolution rate"),
            )
        ]
    )
    console.print(f"Report pack ({len(pack.files)} files in {out_dir / 'reports'}): {shown}")


def _short(text: str, width: int = 34) -> str:
    first = text.split(";")[0].split(".")[0]
    return first if len(first) <= width else first[: width - 1] + "…"
