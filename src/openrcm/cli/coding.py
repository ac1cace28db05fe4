"""`openrcm coding`: suggest codes for a note, predict a folder of notes, evaluate on CodiEsp.

The engine is trained from the CodiEsp train split in the reference data on first use and
cached under the user cache directory; later runs load it in about a second.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, print_json, read_note

if TYPE_CHECKING:
    from openrcm.coding import CodingEngine, Policy

app = typer.Typer(
    help="Computer-assisted coding: notes to ICD-10-CM suggestions.", no_args_is_help=True
)

PolicyOption = Annotated[
    str,
    typer.Option(
        "--policy",
        help="us: US outpatient guidelines (default); codiesp: keep negated/uncertain/family "
        "mentions and symptoms and list each condition as written (no combination codes or "
        "Excludes1), as CodiEsp's gold does.",
    ),
]
EvalPolicyOption = Annotated[
    str,
    typer.Option(
        "--policy",
        help="Policy of the headline row: codiesp (default; CodiEsp's gold codes every "
        "mentioned diagnosis, negated and integral-symptom mentions included) or us. Both "
        "are printed either way.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")]


def _policy(name: str) -> Policy:
    from openrcm.coding import Policy

    if name == "us":
        return Policy()
    if name == "codiesp":
        return Policy.codiesp()
    fail(f"--policy: {name!r} is not one of us, codiesp")


def _corpus() -> Path:
    from openrcm.datadir import find_data_dir

    return find_data_dir() / "codiesp"


@contextmanager
def _bars(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback drawing Rich bars on a terminal; silent with --json or off one."""
    if quiet or not sys.stderr.isatty():
        yield lambda stage, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _engine(policy: Policy, progress: Callable[[str, int, int], None]) -> CodingEngine:
    from openrcm.coding import CodingEngine

    return CodingEngine.load(_corpus(), policy=policy, progress=progress)


@app.command("suggest")
def suggest(note: Path, as_json: JsonOption = False, policy: PolicyOption = "us") -> None:
    """Suggest ICD-10-CM (and ICD-10-PCS) codes for one note, with evidence and queries."""
    with input_errors():
        text = read_note(note)
        chosen = _policy(policy)
        with _bars(as_json) as progress:
            engine = _engine(chosen, progress)
        result = engine.suggest(text)
    if as_json:
        print_json(result)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table("Code", "Title", "Score", "Evidence", "Flags", title=note.name)
    for s in (*result.suggestions, *result.procedures):
        table.add_row(
            s.code,
            s.title,
            f"{s.score:.2f}",
            "; ".join(e.text for e in s.evidence),
            ", ".join(s.flags),
        )
    console.print(table)
    for query in result.queries:
        console.print(f"[bold]Query ({query.kind})[/bold]: {query.question}")
        for option in query.options:
            console.print(f"  [ ] {option}")


@app.command("predict")
def predict(
    folder: Path,
    out: Annotated[Path, typer.Option("--out", help="TSV file to write.")],
    top: Annotated[int | None, typer.Option("--top", min=1, help="At most N per note.")] = None,
    policy: PolicyOption = "us",
    as_json: JsonOption = False,
) -> None:
    """Write `document_id<TAB>code<TAB>score` for every *.txt note in FOLDER, best first."""
    with input_errors():
        if not folder.is_dir():
            raise OSError(f"{folder}: not a directory")
        files = sorted(folder.glob("*.txt"))
        chosen = _policy(policy)
        with _bars(as_json) as progress:
            engine = _engine(chosen, progress)
            lines: list[str] = []
            for done, path in enumerate(files, 1):
                result = engine.suggest(read_note(path))
                ranked = sorted(result.suggestions, key=lambda s: -s.score)[:top]
                lines.extend(f"{path.stem}\t{s.code.lower()}\t{s.score:.4f}" for s in ranked)
                progress("coding notes", done, len(files))
        out.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    if as_json:
        print_json({"documents": len(files), "codes": len(lines), "out": str(out)})
    else:
        typer.echo(f"{len(lines)} codes for {len(files)} notes written to {out}")


@app.command("eval")
def evaluate(
    split: Annotated[str, typer.Option("--split", help="CodiEsp split to score: dev.")] = "dev",
    policy: EvalPolicyOption = "codiesp",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="First N notes.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Micro P/R/F1 and MAP on a CodiEsp split, beside the exact-title baseline, under the
    CodiEsp convention and US outpatient rules."""
    from openrcm.coding.evaluate import evaluate_split

    with input_errors():
        if split == "train":
            fail("--split train: the engine is trained on train; score dev")
        chosen = _policy(policy)
        with _bars(as_json) as progress:
            engine = _engine(chosen, progress)
            report = evaluate_split(engine, _corpus(), split, limit=limit, progress=progress)
    if as_json:
        print_json(report)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "System",
        "Precision",
        "Recall",
        "F1",
        "MAP",
        title=f"CodiEsp {split}: {report['documents']} notes (policy {policy})",
    )
    metrics = ("precision", "recall", "f1", "map")
    for label, row in (
        (f"Diagnoses: engine ({policy} policy)", report["diagnoses"]),
        ("Diagnoses: baseline (exact title)", report["baseline"]),
        ("Diagnoses: engine, CodiEsp convention", report["by_policy"]["codiesp"]),
        ("Diagnoses: engine, US outpatient rules", report["by_policy"]["us"]),
        ("Procedures: engine", report["procedures"]),
    ):
        table.add_row(label, *(f"{row[m]:.3f}" for m in metrics))
    table.add_row(
        "Diagnoses: ranking of screened candidates",
        "",
        f"{report['ranking']['candidate_recall']:.3f}",
        "",
        f"{report['ranking']['map']:.3f}",
    )
    for name, row in report["policies"].items():
        table.add_row(f"Diagnoses: {policy} with {name}", *(f"{row[m]:.3f}" for m in metrics))
    Console().print(table)


@app.command("decide")
def decide(
    note_id: str,
    code: str,
    accept: Annotated[bool, typer.Option("--accept", help="Accept the suggested code.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the suggested code.")] = False,
    replace: Annotated[
        str | None, typer.Option("--replace", help="Code the note with this code instead.")
    ] = None,
    encounter: Annotated[
        str | None,
        typer.Option("--encounter", help="Stored encounter whose diagnoses the decision edits."),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decided (default: you).")] = None,
    score: Annotated[float | None, typer.Option("--score", help="The engine's score.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a coder's decision on a suggested code: --accept, --reject or --replace NEW."""
    import getpass

    from openrcm.cli.database import unit_of_work
    from openrcm.service.coding import CodingDecisionError
    from openrcm.service.coding import decide as decide_code
    from openrcm.store.errors import StoreError

    chosen = [name for name, on in (("accept", accept), ("reject", reject)) if on]
    if replace is not None:
        chosen.append("replace")
    if len(chosen) != 1:
        fail("give exactly one of --accept, --reject, --replace NEW")
    try:
        outcome = decide_code(
            unit_of_work(),
            note_id,
            code,
            chosen[0],
            decided_by=by or getpass.getuser(),
            replacement=replace,
            encounter_id=encounter,
            score=score,
        )
    except (CodingDecisionError, StoreError) as error:
        fail(str(error))
    document = _decision_json(outcome.decision)
    document["encounter_diagnoses"] = (
        list(outcome.encounter_diagnoses) if outcome.encounter_diagnoses is not None else None
    )
    if as_json:
        print_json(document)
        return
    what = {"accept": "accepted", "reject": "rejected", "replace": f"replaced by {replace}"}
    typer.echo(f"{note_id}: {outcome.decision.code} {what[chosen[0]]}")
    if outcome.encounter_diagnoses is not None:
        typer.echo(f"encounter {encounter}: {', '.join(outcome.encounter_diagnoses)}")


@app.command("decisions")
def decisions(
    note: Annotated[str | None, typer.Option("--note", help="Only this note's.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Coders' decisions on suggestions, oldest first, with the acceptance rate."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.coding import decision_summary
    from openrcm.service.coding import decisions as stored

    found = stored(unit_of_work(), note_id=note)
    summary = decision_summary(found)
    if as_json:
        print_json({"summary": summary, "decisions": [_decision_json(d) for d in found]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("When", "Who", "Note", "Code", "Decision", "Replacement", "Encounter")
    for d in found:
        table.add_row(
            d.decided_at.isoformat(timespec="seconds"),
            d.decided_by,
            d.note_id,
            d.code,
            d.decision,
            d.replacement or "",
            d.encounter_id or "",
        )
    Console().print(table)
    typer.echo(
        f"{summary['decisions']} decisions: {summary['accepted']} accepted, "
        f"{summary['rejected']} rejected, {summary['replaced']} replaced"
    )


def _decision_json(decision: Any) -> dict[str, Any]:
    return {
        "note_id": decision.note_id,
        "encounter_id": decision.encounter_id,
        "system": decision.system,
        "code": decision.code,
        "decision": decision.decision,
        "replacement": decision.replacement,
        "score": decision.score,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at.isoformat(),
    }
