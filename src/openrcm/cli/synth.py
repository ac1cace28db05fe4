"""`openrcm synth`: write a deterministic synthetic practice's claims to a folder.

Writes `DIR/claims.json` (the claims with their patients, coverages and providers) and,
when the X12 writer is available, `DIR/claims.837p`. Same seed, same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)


def synth(
    claims: Annotated[int, typer.Option("--claims", help="How many claims to generate.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="The seed: same seed, same bytes.")] = 0,
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")] = Path("synth"),
    patients: Annotated[
        int | None, typer.Option("--patients", help="Patients (default: claims / 3).")
    ] = None,
    start: Annotated[str, typer.Option("--start", help="First date of service.")] = "2025-01-01",
    end: Annotated[str, typer.Option("--end", help="Last date of service.")] = "2025-12-31",
    secondary_share: Annotated[
        float, typer.Option("--secondary-share", help="Share of patients with a second payer.")
    ] = 0.25,
    dirty_share: Annotated[
        float,
        typer.Option(
            "--dirty-share", help="Share of claims given one deliberate defect (0: none)."
        ),
    ] = 0.0,
    no_x12: Annotated[bool, typer.Option("--no-x12", help="Skip claims.837p.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
) -> None:
    """Generate synthetic claims, patients, coverages and providers into --out."""
    from openrcm.datadir import DataDirNotFound, find_data_dir
    from openrcm.synth import PFS_RELATIVE_PATH, make_practice, write_synthetic_data

    if claims < 1:
        fail(f"--claims: {claims} is not a positive number of claims")
    start_date, end_date = parse_date(start, "--start"), parse_date(end, "--end")
    try:
        pfs: Path | None = find_data_dir() / PFS_RELATIVE_PATH
        if not pfs.is_file():  # type: ignore[union-attr]
            pfs = None
    except DataDirNotFound:
        pfs = None
    with input_errors():
        practice = make_practice(
            seed,
            claims=claims,
            pfs=pfs,
            patients=patients,
            start_date=start_date,
            end_date=end_date,
            secondary_share=secondary_share,
            dirty_share=dirty_share,
        )
    if as_json or not sys.stdout.isatty():
        result = write_synthetic_data(practice, out, x12=not no_x12)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("Generating claims", total=claims)
            result = write_synthetic_data(
                practice,
                out,
                x12=not no_x12,
                on_progress=lambda n: progress.update(task, completed=n),
            )
    summary = {
        "seed": seed,
        "tenant": practice.tenant.id,
        "practice": practice.tenant.name,
        "claims": result.claims,
        "lines": result.lines,
        "dirty_claims": result.dirty_claims,
        "patients": result.patients,
        "providers": result.providers,
        "payers": result.payers,
        "coverages": len(practice.coverages),
        "fee_schedule": "pfs" if pfs is not None else "built-in",
        "claims_json": str(result.json_path),
        "claims_837p": str(result.x12_path) if result.x12_path else None,
    }
    if as_json:
        print_json(summary)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("What", "Count", title=f"{practice.tenant.name} (seed {seed})")
    for key in ("claims", "lines", "patients", "coverages", "providers", "payers"):
        table.add_row(key.replace("_", " ").capitalize(), f"{summary[key]:,}")
    if dirty_share:
        table.add_row("Dirty claims", f"{result.dirty_claims:,}")
    console = Console()
    console.print(table)
    console.print(f"Wrote {result.json_path}")
    if result.x12_path:
        console.print(f"Wrote {result.x12_path}")
    elif not no_x12:
        console.print("Skipped claims.837p: the X12 writer is not available")
