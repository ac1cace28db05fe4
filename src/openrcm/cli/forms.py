"""`openrcm forms`: paper forms from claim files (CMS-1500 from an 837P, UB-04 from an 837I)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import InputError, input_errors, print_json

app = typer.Typer(help="Paper forms: CMS-1500 and UB-04 PDFs.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
OutDir = Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if missing).")]


def _file_name(control_number: str, taken: set[str]) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", control_number) or "claim"
    name, n = f"{stem}.pdf", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.pdf"
    taken.add(name)
    return name


def _write(claims: list[Any], out: Path, render: Any, as_json: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for claim in claims:
        path = out / _file_name(claim.patient_control_number, taken)
        path.write_bytes(render(claim))
        written.append({"patient_control_number": claim.patient_control_number, "file": str(path)})
    if as_json:
        print_json(written)
    else:
        typer.echo(f"wrote {len(written)} PDF(s) to {out}")


@app.command("cms1500")
def cms1500(file: Path, out: OutDir, as_json: JsonFlag = False) -> None:
    """One CMS-1500 (02/12) PDF per professional claim of an 837P file."""
    from openrcm.forms.cms1500 import render_cms1500
    from openrcm.x12 import read_837p

    with input_errors():
        claims, _ = read_837p(file.read_text(encoding="utf-8"))
        if not claims:
            raise InputError(f"{file}: no professional (837P) claims in the file")
        _write(list(claims), out, render_cms1500, as_json)


@app.command("ub04")
def ub04(file: Path, out: OutDir, as_json: JsonFlag = False) -> None:
    """One UB-04 summary PDF per institutional claim of an 837I file."""
    from openrcm.forms.ub04 import render_ub04
    from openrcm.x12 import read_837i

    with input_errors():
        claims, _ = read_837i(file.read_text(encoding="utf-8"))
        if not claims:
            raise InputError(f"{file}: no institutional (837I) claims in the file")
        _write(list(claims), out, render_ub04, as_json)
