"""`openrcm scrub`: scrub the claims of an 837P/837I file, and list the edits.

`openrcm scrub FILE` prints each claim's findings (exit 1 when any is an error);
`openrcm scrub rules` lists every edit with its severity, description and source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from openrcm.cli.output import EXIT_FINDINGS, InputError, input_errors, parse_date, print_json


class _FileOrCommand(TyperGroup):
    """`scrub rules` runs the `rules` command; `scrub FILE ...` runs the hidden `check`."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["check", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    cls=_FileOrCommand,
    help="Claim scrubber: `openrcm scrub FILE` scrubs an 837; `openrcm scrub rules` lists edits.",
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("rules")
def rules(as_json: JsonFlag = False) -> None:
    """Every scrub edit: id, severity, description and source."""
    from openrcm.scrub import EDITS

    rows = [
        {"id": e.id, "severity": e.severity.value, "description": e.description, "source": e.source}
        for e in EDITS.values()
    ]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Edit", "Severity", "Description", "Source", title=f"{len(rows)} scrub edits")
    for row in rows:
        table.add_row(row["id"], row["severity"], row["description"], row["source"])
    Console().print(table)


@app.command("check", hidden=True)
def check(
    file: Path,
    as_json: JsonFlag = False,
    payer_rules: Annotated[
        Path | None, typer.Option("--payer-rules", help="Folder of payer rule YAML files.")
    ] = None,
    ncci_ptp: Annotated[
        list[Path] | None,
        typer.Option("--ncci-ptp", help="NCCI PTP file (CMS text or openrcm CSV); repeatable."),
    ] = None,
    mue: Annotated[
        list[Path] | None, typer.Option("--mue", help="NCCI MUE file (CMS CSV); repeatable.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Scrub as of this day (YYYY-MM-DD); default today."),
    ] = None,
) -> None:
    """Scrub every claim of an 837P or 837I file."""
    from datetime import date

    day = parse_date(as_of, "--as-of") if as_of else date.today()  # noqa: DTZ011
    with input_errors():
        claims, read_findings = _read_claims(file)
        ctx = _context(day, payer_rules, ncci_ptp or [], mue or [])

    try:
        results = _scrub(claims, ctx, quiet=as_json)
    finally:
        if ctx.code_editor is not None:
            ctx.code_editor.close()
    rows: list[dict[str, Any]] = [
        {
            "patient_control_number": r.patient_control_number,
            "findings": [
                {
                    "edit": f.code,
                    "severity": f.severity.value,
                    "message": f.message,
                    "line": f.line,
                    "fix": f.fix,
                }
                for f in r.findings
            ],
        }
        for r in results
    ]
    unreadable = [f for f in read_findings if f.severity.value == "error"]
    if unreadable:  # claims the reader could not build: reported, not silently dropped
        rows.append(
            {
                "patient_control_number": None,
                "findings": [
                    {
                        "edit": f.code,
                        "severity": f.severity.value,
                        "message": f.message,
                        "line": None,
                    }
                    for f in unreadable
                ],
            }
        )
    if as_json:
        print_json(rows)
    else:
        _show(file, rows)
    if any(f["severity"] == "error" for row in rows for f in row["findings"]):
        raise typer.Exit(EXIT_FINDINGS)


def _read_claims(file: Path) -> tuple[list[Any], list[Any]]:
    from openrcm.x12 import read_837i, read_837p

    text = file.read_text(encoding="utf-8", errors="strict")
    professional, findings_p = read_837p(text)
    institutional, findings_i = read_837i(text)
    claims = [*professional, *institutional]
    findings = [*findings_p, *(f for f in findings_i if f not in findings_p)]
    if not claims and not findings:
        raise InputError(f"{file}: no 837P or 837I claims in the file")
    return claims, findings


def _context(day: Any, payer_rules: Path | None, ptp: list[Path], mue: list[Path]) -> Any:
    import platformdirs

    from openrcm.scrub.payer import PayerRulesError
    from openrcm.scrub.reference import build_context
    from openrcm.settings import get_settings

    for path in [*ptp, *mue]:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    if payer_rules is not None and not payer_rules.is_dir():
        raise InputError(f"--payer-rules {payer_rules}: not a folder")
    cache = Path(platformdirs.user_cache_dir("openrcm", appauthor=False))
    try:
        return build_context(
            get_settings().reference_data_dir(),
            as_of=day,
            user_data_dir=Path(platformdirs.user_data_dir("openrcm", appauthor=False)) / "codes",
            payer_rules_dir=payer_rules,
            ptp_files=ptp,
            mue_files=mue,
            ncci_cache_dir=cache / "ncci",
        )
    except PayerRulesError as exc:
        raise InputError(str(exc)) from None


def _scrub(claims: list[Any], ctx: Any, *, quiet: bool) -> list[Any]:
    import sys

    from openrcm.scrub import scrub_claims

    if quiet or not sys.stderr.isatty() or len(claims) < 200:
        return scrub_claims(claims, ctx)
    from rich.progress import track

    return [
        r for claim in track(claims, description="Scrubbing") for r in scrub_claims([claim], ctx)
    ]


def _show(file: Path, rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("Claim", "Line", "Edit", "Severity", "Message", title=f"Scrub of {file.name}")
    clean = 0
    for row in rows:
        if not row["findings"]:
            clean += 1
        for f in row["findings"]:
            table.add_row(
                str(row["patient_control_number"] or "-"),
                "" if f["line"] is None else str(f["line"]),
                f["edit"],
                f["severity"],
                f["message"],
            )
    console = Console()
    console.print(table)
    console.print(f"{len(rows)} claims, {clean} without findings")
