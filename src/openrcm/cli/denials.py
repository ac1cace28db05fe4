"""`openrcm denials`: explain CARC and RARC codes (work queues and appeals come later)."""

from __future__ import annotations

from typing import Annotated

import typer

from openrcm.cli.output import fail, input_errors, print_json

app = typer.Typer(
    help="Denials: CARC/RARC explanations, work queues, appeals.", no_args_is_help=True
)


@app.command("explain")
def explain(
    code: Annotated[str, typer.Argument(help="a CARC (45, B13), RARC (N130, MA04) or CO-45")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """What an adjustment reason or remark code means, its category and what to do."""
    from openrcm.datadir import find_data_dir
    from openrcm.denials.reasons import load_reason_codes

    with input_errors():
        codes = load_reason_codes(find_data_dir() / "x12codes")
    found = codes.explain(code)
    if found is None:
        fail(f"{code!r} is not a CARC, RARC or group code in the X12 code lists")
    document = {
        "code": found.code,
        "kind": found.kind.value,
        "description": found.description,
        "category": found.category.value,
        "action": found.action,
        "start_date": found.start_date,
        "stop_date": found.stop_date,
        "active": found.stop_date is None,
    }
    if found.usage:
        document["usage"] = found.usage
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Field", "Value", title=f"{found.kind.value} {found.code}", show_header=False)
    for key in ("description", "category", "action", "usage", "stop_date"):
        if document.get(key):
            table.add_row(key, str(document[key]))
    Console().print(table)
