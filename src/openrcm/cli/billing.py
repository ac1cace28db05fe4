"""`openrcm billing`: claim building — encounters to claims, ready claims to 837 batches, and
the practice charge master (`billing fees import`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import InputError, fail, input_errors, parse_date, print_json

app = typer.Typer(
    help="Claim building: encounters to claims, batches to 837.", no_args_is_help=True
)
fees_app = typer.Typer(
    help="The practice charge master: effective-dated charges.", no_args_is_help=True
)
app.add_typer(fees_app, name="fees")

JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]
ScrubOption = Annotated[
    bool,
    typer.Option("--scrub/--no-scrub", help="scrub with the reference data (default: on)"),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="scrub as of YYYY-MM-DD (default: today)")
]
PayerRulesOption = Annotated[
    Path | None, typer.Option("--payer-rules", help="a folder of payer rule YAML files")
]


@app.command("build")
def build(
    encounters: Annotated[
        list[str] | None,
        typer.Option(
            "--encounters",
            help="encounter ids (repeat, or separate with commas); default: every unbilled one",
        ),
    ] = None,
    priority: Annotated[
        str, typer.Option(help="bill the P(rimary), S(econdary) or T(ertiary) coverage")
    ] = "P",
    frequency: Annotated[
        str, typer.Option(help="claim frequency: 1 original, 7 replacement, 8 void")
    ] = "1",
    payer_claim_number: Annotated[
        str | None,
        typer.Option(help="the payer's claim control number a replacement or void acts on"),
    ] = None,
    billing_provider: Annotated[
        str | None, typer.Option(help="the billing provider's id (when there are several)")
    ] = None,
    scrub: ScrubOption = True,
    as_of: AsOfOption = None,
    payer_rules: PayerRulesOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build a claim for each encounter from the charge master in force on its date of service.

    Claims are stored as drafts with their charges posted; scrubbed clean, they are ready for
    `openrcm billing batch`. An encounter already billed to that payer is skipped.
    """
    from openrcm.cli.database import unit_of_work
    from openrcm.domain.party import CoveragePriority
    from openrcm.service.billing import build_claims

    with input_errors():
        wanted = _ids(encounters)
        try:
            chosen = CoveragePriority(priority.upper())
        except ValueError:
            raise InputError(f"--priority {priority!r}: use P, S or T") from None
        day = parse_date(as_of, "--as-of") if as_of else datetime.now(UTC).date()
        context = _context(day, payer_rules) if scrub else None
        try:
            summary = build_claims(
                unit_of_work(),
                wanted,
                priority=chosen,
                frequency_code=frequency,
                payer_claim_control_number=payer_claim_number,
                billing_provider_id=billing_provider,
                scrub_context=context,
            )
        finally:
            _close(context)
    if as_json:
        print_json(summary.as_json())
    else:
        _print_build(summary)
    if summary.has_errors:
        raise typer.Exit(1)


@app.command("batch")
def batch(
    out: Annotated[Path, typer.Option("--out", help="folder for the 837 files")],
    scrub: Annotated[
        bool,
        typer.Option("--scrub/--no-scrub", help="scrub again and hold claims with errors"),
    ] = False,
    as_of: AsOfOption = None,
    payer_rules: PayerRulesOption = None,
    test: Annotated[
        bool, typer.Option("--test", help="mark the files as test data (ISA15 T)")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Write every ready claim into one 837P or 837I per payer, and mark them submitted."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.billing import batch_claims

    with input_errors():
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out}: not a folder")
        day = parse_date(as_of, "--as-of") if as_of else datetime.now(UTC).date()
        context = _context(day, payer_rules) if scrub else None
        try:
            summary = batch_claims(
                unit_of_work(), out, scrub_context=context, usage="T" if test else "P"
            )
        finally:
            _close(context)
    if as_json:
        print_json(summary.as_json())
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("File", "Payer", "ICN", "Claims", "Charges", title="837 batches")
        for f in summary.files:
            table.add_row(
                f.path.name,
                f.payer_id,
                str(f.interchange_control_number),
                str(len(f.claims)),
                f"{f.total_charge:.2f}",
            )
        console = Console()
        console.print(table if summary.files else "No ready claims to send.")
        for number, findings in sorted(summary.held.items()):
            console.print(f"held {number}: {', '.join(f.code for f in findings)}", markup=False)
    if summary.has_errors:
        raise typer.Exit(1)


@fees_app.command("import")
def fees_import(
    file: Annotated[Path, typer.Argument(help="a charge master CSV: code,charge[,modifier,...]")],
    effective: Annotated[
        str | None,
        typer.Option("--effective", help="the date the charges apply from, YYYY-MM-DD"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import charges in force from a date; a later file is a rate change, earlier claims keep
    their charges. Columns: code, charge, and optionally modifier (26/TC), revenue_code, ndc,
    ndc_quantity, ndc_unit, effective_date."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.billing import import_fees

    with input_errors():
        day = parse_date(effective, "--effective") if effective else None
        text = file.read_text(encoding="utf-8-sig")
        summary = import_fees(unit_of_work(), text, effective_date=day, name=file.name)
    if as_json:
        print_json(summary.as_json())
    else:
        typer.echo(
            f"{file.name}: {summary.rates_read} rates read, {summary.added} added, "
            f"{summary.changed} changed, {summary.unchanged} unchanged"
        )
        for finding in summary.findings:
            typer.echo(f"{finding.severity.value}: {finding.message}")
    if summary.has_errors:
        raise typer.Exit(1)


def _ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    ids = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return ids or None


def _context(day: date, payer_rules: Path | None) -> Any:
    """The scrub context from the reference data (exit 2 when it is missing)."""
    import platformdirs

    from openrcm.datadir import DataDirNotFound
    from openrcm.scrub.payer import PayerRulesError
    from openrcm.scrub.reference import build_context
    from openrcm.settings import get_settings

    if payer_rules is not None and not payer_rules.is_dir():
        raise InputError(f"--payer-rules {payer_rules}: not a folder")
    cache = Path(platformdirs.user_cache_dir("openrcm", appauthor=False))
    try:
        data = get_settings().reference_data_dir()
    except DataDirNotFound as error:
        fail(f"{error}; pass --no-scrub to build without scrubbing")
    try:
        return build_context(
            data,
            as_of=day,
            user_data_dir=Path(platformdirs.user_data_dir("openrcm", appauthor=False)) / "codes",
            payer_rules_dir=payer_rules,
            ncci_cache_dir=cache / "ncci",
        )
    except PayerRulesError as exc:
        raise InputError(str(exc)) from None


def _close(context: Any) -> None:
    """Free the Medicare Code Editor the scrub context opened."""
    editor = getattr(context, "code_editor", None)
    if editor is not None:
        editor.close()


def _print_build(summary: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "Encounter", "Claim", "Payer", "Status", "Charges", "Findings", title="Claims built"
    )
    for result in summary.results:
        claim = result.claim
        codes = sorted({f.code for f in (*result.findings, *result.scrub_findings)})
        table.add_row(
            result.encounter_id,
            claim.patient_control_number if claim else (result.already_built or "-"),
            claim.payer.id if claim else "",
            claim.status.value
            if claim
            else ("already built" if result.already_built else "not built"),
            f"{claim.total_charge_amount:.2f}" if claim else "",
            ", ".join(codes),
        )
    Console().print(table)
