"""`openrcm payer`: adjudicate 837 claims into an 835 as a payer would, and explain why."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json

app = typer.Typer(help="Payer side: adjudicate claims into 835s.", no_args_is_help=True)

PlansOption = Annotated[
    Path | None,
    typer.Option("--plans", help="directory of payer/plan YAML (default: the demo plans)"),
]


def _run(file: Path, plans: Path | None, received: str | None, payment: str | None) -> Any:
    from openrcm.datadir import find_data_dir
    from openrcm.payer import default_plans_dir, load_payer_book
    from openrcm.payer.batch import adjudicate_837
    from openrcm.pricing import load_medicare_pfs

    received_date = parse_date(received, "--received") if received else None
    payment_date = parse_date(payment, "--payment-date") if payment else None
    with input_errors():
        book = load_payer_book(plans or default_plans_dir())
        schedules = [load_medicare_pfs(find_data_dir() / "cms" / "pfs2025")]
        text = file.read_text(encoding="utf-8")
    import gc

    gc.collect()
    gc.freeze()  # the fee schedule lives as long as the command: keep it out of GC passes
    with input_errors():
        return adjudicate_837(
            text, book, schedules, received_date=received_date, payment_date=payment_date
        )


def _claim_json(adjudication: Any, payment: Any) -> dict[str, Any]:
    from openrcm.domain.money import ZERO, format_money

    totals: dict[tuple[str, str], Any] = {}
    for adjustment in payment.all_adjustments():
        key = (adjustment.group, adjustment.reason)
        totals[key] = totals.get(key, ZERO) + adjustment.amount
    allowed = sum((s.allowed_amount or ZERO for s in payment.lines), ZERO)
    return {
        "patient_control_number": payment.patient_control_number,
        "status": payment.status.value,
        "outcome": adjudication.outcome if payment is adjudication.payment else "reversed",
        "charge": format_money(payment.charge_amount),
        "allowed": format_money(allowed),
        "paid": format_money(payment.paid_amount),
        "patient_responsibility": format_money(payment.patient_responsibility_amount or ZERO),
        "payer_claim_control_number": payment.payer_claim_control_number,
        "adjustments": [
            {"group": group, "carc": carc, "amount": format_money(amount)}
            for (group, carc), amount in totals.items()
        ],
        "lines": [
            {
                "line": s.line_control_number,
                "procedure": s.procedure,
                "modifiers": list(s.modifiers),
                "charge": format_money(s.charge_amount),
                "allowed": format_money(s.allowed_amount or ZERO),
                "paid": format_money(s.paid_amount),
                "adjustments": [
                    {"group": a.group, "carc": a.reason, "amount": format_money(a.amount)}
                    for a in s.adjustments
                ],
                "remarks": list(s.remark_codes),
            }
            for s in payment.lines
        ],
    }


@app.command("adjudicate")
def adjudicate(
    file: Annotated[Path, typer.Argument(help="an 837P or 837I file")],
    out: Annotated[Path, typer.Option("--out", help="where to write the 835")],
    plans: PlansOption = None,
    received: Annotated[
        str | None, typer.Option(help="date received, YYYY-MM-DD (default: the 837's ISA date)")
    ] = None,
    payment_date: Annotated[
        str | None, typer.Option("--payment-date", help="BPR16 (default: the received date)")
    ] = None,
    acks: Annotated[
        Path | None,
        typer.Option("--acks", help="also write the 999 and 277CA answering the 837 into DIR"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Adjudicate every claim of an 837 and write the balanced 835 that answers it."""
    from openrcm.domain.finding import has_errors

    result = _run(file, plans, received, payment_date)
    if result.text_835 is None:
        fail(f"{file}: no claims to adjudicate")
    with input_errors():
        out.write_text(result.text_835, encoding="utf-8")
        if acks is not None:
            _write_acks(file, acks, result)
    if as_json:
        print_json([_claim_json(a, p) for a in result.adjudications for p in a.payments])
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("Claim", "Status", "Outcome", "Charge", "Paid", "Patient", title=out.name)
        for a in result.adjudications:
            for p in a.payments:
                table.add_row(
                    p.patient_control_number,
                    p.status.value,
                    a.outcome,
                    str(p.charge_amount),
                    str(p.paid_amount),
                    str(p.patient_responsibility_amount),
                )
        Console().print(table)
        for r in result.remittances:
            Console().print(
                f"{r.payer.name} → {r.payee.name}: {len(r.claims)} claims, paid {r.total_paid_amount}"
            )
    if has_errors(list(result.findings)):
        raise typer.Exit(1)


@app.command("explain")
def explain(
    file: Annotated[Path, typer.Argument(help="an 837P or 837I file")],
    claim: Annotated[
        str | None, typer.Argument(help="patient control number (CLM01); all claims if left out")
    ] = None,
    plans: PlansOption = None,
    received: Annotated[str | None, typer.Option(help="date received, YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show each adjudication step for a claim: rules, pricing, cost sharing, status."""
    result = _run(file, plans, received, None)
    chosen = [a for a in result.adjudications if claim is None or a.patient_control_number == claim]
    if not chosen:
        fail(f"{file}: no claim with patient control number {claim!r}")
    if as_json:
        print_json(
            [
                {
                    "patient_control_number": a.patient_control_number,
                    "outcome": a.outcome,
                    "status": a.payment.status.value,
                    "steps": [
                        {
                            "stage": s.stage,
                            "line": s.line,
                            "outcome": s.outcome,
                            "detail": s.detail,
                            "carc": s.carc,
                        }
                        for s in a.trace
                    ],
                }
                for a in chosen
            ]
        )
        return
    from rich.console import Console
    from rich.table import Table

    for a in chosen:
        table = Table(
            "Stage",
            "Line",
            "Result",
            "CARC",
            "Detail",
            title=f"{a.patient_control_number}: {a.outcome}",
        )
        for s in a.trace:
            table.add_row(s.stage, str(s.line or ""), s.outcome, s.carc or "", s.detail)
        Console().print(table)


def _write_acks(file: Path, folder: Path, result: Any) -> None:
    """The payer's front-door answers to the 837: a 999 per file and a 277CA per claim."""
    from openrcm.payer.acknowledgments import acknowledge_837
    from openrcm.payer.batch import read_claims

    text = file.read_text(encoding="latin-1")
    claims, _ = read_claims(text)
    payer = result.remittances[0].payer if result.remittances else None
    answer = acknowledge_837(
        text,
        claims,
        received=result.received_date,
        payer_id=(payer.identifier if payer else None) or "PAYER",
        payer_name=(payer.name if payer else None) or "PAYER",
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{file.stem}.999").write_text(answer.text_999, encoding="utf-8")
    if answer.text_277ca is not None:
        (folder / f"{file.stem}.277ca").write_text(answer.text_277ca, encoding="utf-8")
