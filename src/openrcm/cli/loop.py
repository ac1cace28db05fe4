"""`openrcm loop`: a batch through the whole revenue cycle, with a progress bar per stage.

Claims come from the synthetic practice generator (`--claims N --seed S`) or from an 837
file (`--from-837 FILE`). The closing table shows claims, the clean-claim rate, money paid,
adjusted and left to patients, secondaries billed, denials queued and the trial balance.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import input_errors, parse_date, print_json

DEFAULT_AS_OF = "2026-01-15"  # after the synthetic practice's 2025 dates of service


def register(app: typer.Typer) -> None:
    app.command("loop")(loop)


def loop(
    claims: Annotated[int, typer.Option(min=1, max=1_000_000, help="synthetic claims")] = 200,
    seed: Annotated[int, typer.Option(help="synthetic practice seed")] = 7,
    from_837: Annotated[Path | None, typer.Option("--from-837", help="claims from an 837")] = None,
    out: Annotated[
        Path | None, typer.Option(help="write the 837s, 835s and statements here")
    ] = None,
    as_of: Annotated[str, typer.Option(help="the day the cycle runs (YYYY-MM-DD)")] = DEFAULT_AS_OF,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Run claims through scrub, 837, payer, 835, posting, secondaries and statements."""
    from openrcm.cli.database import unit_of_work

    day = parse_date(as_of, "--as-of")
    with input_errors():
        report = run_and_report(
            unit_of_work,
            claims=claims,
            seed=seed,
            from_837=from_837,
            out=out,
            as_of=day,
            quiet=as_json,
        )
    if as_json:
        print_json(report.as_json())
    else:
        render(report)


def run_and_report(
    new_uow: Any,
    *,
    claims: int,
    seed: int,
    from_837: Path | None,
    out: Path | None,
    as_of: date,
    quiet: bool,
    dirty_share: float = 0.0,
) -> Any:
    """Load the claims and the reference data, then run the loop with progress bars."""
    from openrcm.datadir import find_data_dir
    from openrcm.service.loop import load_reference, run_loop

    data_dir = find_data_dir()
    with _progress(quiet) as progress:
        setup = progress("load reference data", 2)
        reference = load_reference(data_dir, as_of=as_of)
        try:
            setup(1, 2)
            batch = _claims(
                new_uow,
                claims=claims,
                seed=seed,
                from_837=from_837,
                data_dir=data_dir,
                as_of=as_of,
                dirty_share=dirty_share,
            )
            setup(2, 2)
            return run_loop(
                new_uow,
                batch,
                reference,
                as_of=as_of,
                out_dir=out,
                progress=lambda stage, done, total: progress(stage, total)(done, total),
            )
        finally:
            reference.close()


def _claims(
    new_uow: Any,
    *,
    claims: int,
    seed: int,
    from_837: Path | None,
    data_dir: Path,
    as_of: date,
    dirty_share: float = 0.0,
) -> Any:
    """The batch: an 837's claims, or a synthetic practice's visits of the 90 days before
    `as_of` (so that claims go out well inside every payer's timely filing limit)."""
    if from_837 is not None:
        from openrcm.payer.batch import read_claims

        found, _ = read_claims(from_837.read_text(encoding="latin-1"))
        return found
    from openrcm.service.claims import store_practice
    from openrcm.synth import PFS_RELATIVE_PATH, generate_practice

    pfs = data_dir / PFS_RELATIVE_PATH
    practice = generate_practice(
        seed,
        claims=claims,
        pfs=pfs if pfs.is_file() else None,
        start_date=as_of - timedelta(days=90),
        end_date=as_of - timedelta(days=3),
        dirty_share=dirty_share,
    )
    uow = new_uow()
    with uow:
        store_practice(uow, practice)
        uow.commit()
    return practice.claims


class _progress:
    """Rich progress bars per stage on a terminal; nothing with --json or off a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        import sys

        if not self.quiet and sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("{task.description:<22}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                transient=False,
            )
            self.bar.start()
        return self.updater

    def updater(self, stage: str, total: int) -> Any:
        def update(done: int, total_now: int = total) -> None:
            if self.bar is None:
                return
            if stage not in self.tasks:
                self.tasks[stage] = self.bar.add_task(stage, total=total_now)
            self.bar.update(self.tasks[stage], completed=done, total=total_now)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def render(report: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    data = report.as_json()
    console = Console()
    stages = Table("Stage", "Items", "Seconds", "Per second", title="Stages")
    for s in data["stages"]:
        stages.add_row(s["stage"], str(s["items"]), f"{s['seconds']:.2f}", f"{s['per_second']:.0f}")
    console.print(stages)
    summary = Table("", "", title="The revenue cycle, closed")
    for label, key in (
        ("Claims", "claims"),
        ("Passed the scrubber first time", "clean_claim_rate"),
        ("Held by the scrubber", "held_claims"),
        ("Charges", "charges"),
        ("Insurance paid", "insurance_paid"),
        ("Adjusted", "adjustments"),
        ("Patient responsibility", "patient_responsibility"),
        ("Secondaries billed", "secondaries_billed"),
        ("Denials queued", "denials_queued"),
        ("Remittances posted", "remittances_posted"),
        ("Statements", "statements"),
        ("Trial balance", "trial_balance_total"),
    ):
        summary.add_row(label, str(data[key]))
    console.print(summary)
    if data["held"]:
        held = Table(
            "Claim",
            "Edit",
            "What to fix",
            title=f"Held by the scrubber ({len(data['held'])}), first error of each",
        )
        for item in data["held"][:5]:
            held.add_row(item["claim"], item["edit"], item["message"])
        console.print(held)
