"""`openrcm x12 ...`: read and validate X12 5010 files (837P/837I, 835, 999, 277CA, 270/271, 276/277).

`read` dispatches each transaction set on ST01 and GS08/ST03 to the reader that exists for
it (`read_837p`, `read_837i`, `read_835`, ...); sets without a reader are listed with their
segment count. `validate` prints the findings of `openrcm.x12.validate.validate`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from openrcm.cli.output import EXIT_FINDINGS, print_json, x12_input

if TYPE_CHECKING:
    from openrcm.x12.envelope import FunctionalGroup, Interchange, TransactionSet
    from openrcm.x12.tokenizer import Delimiters

app = typer.Typer(help="X12 5010: read and validate 837P/837I, 835, 270/271, 276/277, 277CA, 999.")

# ST01 (and an implementation-guide marker in GS08/ST03) -> (module, reader function)
READERS: tuple[tuple[str, str, str, str], ...] = (
    ("837", "X223", "t837i", "read_837i"),
    ("837", "X096", "t837i", "read_837i"),
    ("837", "", "t837p", "read_837p"),
    ("835", "", "t835", "read_835"),
    ("999", "", "t999", "read_999"),
    ("277", "X214", "t277ca", "read_277ca"),
    ("277", "", "t277", "read_277"),
    ("276", "", "t276", "read_276"),
    ("270", "", "t270", "read_270"),
    ("271", "", "t271", "read_271"),
)


def _reader(transaction_type: str, version: str) -> tuple[str, Any] | None:
    for st01, marker, module_name, function in READERS:
        if st01 != transaction_type or (marker and marker not in version):
            continue
        try:
            module = importlib.import_module(f"openrcm.x12.{module_name}")
        except ImportError:
            continue
        reader = getattr(module, function, None)
        if reader is not None:
            return function, reader
    return None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def read_document(text: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """Every transaction set of `text`, read by its reader when one exists, and the findings."""
    from openrcm.x12.envelope import read_envelope

    doc = read_envelope(text)
    out: list[dict[str, Any]] = []
    findings: list[Any] = list(doc.findings)
    delimiters = None
    for interchange in doc.interchanges:
        for group in interchange.groups:
            for ts in group.transactions:
                delimiters = ts.delimiters
                entry: dict[str, Any] = {
                    "transaction_type": ts.transaction_type,
                    "control_number": ts.control_number,
                    "version": ts.version,
                    "interchange_control_number": interchange.control_number,
                    "group_control_number": group.control_number,
                    "sender_id": interchange.sender_id,
                    "receiver_id": interchange.receiver_id,
                    "segment_count": len(ts.segments),
                }
                found = _reader(ts.transaction_type, ts.version)
                if found is not None:
                    name, reader = found
                    single = _single_set_text(interchange, group, ts, delimiters)
                    result = reader(single)
                    if isinstance(result, tuple) and len(result) == 2:
                        records, set_findings = result
                        findings.extend(f for f in set_findings if f not in findings)
                    else:
                        records = result
                    entry["reader"] = name
                    entry["records"] = _as_list(records)
                out.append(entry)
    return out, findings


def _single_set_text(
    interchange: Interchange, group: FunctionalGroup, ts: TransactionSet, delimiters: Delimiters
) -> str:
    """One interchange holding only `ts`, so each reader sees its own set in a valid envelope."""
    e, term = delimiters.element, delimiters.segment
    segments = [interchange.header.text(delimiters), group.header.text(delimiters)]
    segments += [s.text(delimiters) for s in ts.segments]
    if ts.trailer is None:
        segments.append(f"SE{e}{len(ts.segments) + 1}{e}{ts.control_number}")
    segments.append(f"GE{e}1{e}{group.control_number}")
    segments.append(f"IEA{e}1{e}{interchange.control_number}")
    return term.join(segments) + term


@app.command("read")
def read(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Read FILE and print its transaction sets (claims, remittances, acknowledgements...)."""
    with x12_input(file):
        text = file.read_text(encoding="utf-8", errors="replace")
        transactions, findings = read_document(text)
    if as_json:
        from openrcm.x12.validate import finding_json

        print_json(
            {
                "file": str(file),
                "transactions": transactions,
                "findings": [finding_json(f) for f in findings],
            }
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("ST01", "ST02", "Version", "Reader", "Records", "Segments", title=file.name)
    for t in transactions:
        table.add_row(
            t["transaction_type"],
            t["control_number"],
            t["version"],
            t.get("reader", "-"),
            str(len(t.get("records", []))),
            str(t["segment_count"]),
        )
    console = Console()
    console.print(table)
    if findings:
        console.print(f"{len(findings)} finding(s); run `openrcm x12 validate` for the details")


@app.command("validate")
def validate_command(
    file: Path,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the findings as a JSON array.")
    ] = False,
) -> None:
    """Check FILE against the implementation guides; exit 1 when there are errors."""
    from openrcm.domain.finding import has_errors
    from openrcm.x12.validate import finding_json, validate

    with x12_input(file), file.open(encoding="utf-8", errors="replace") as handle:
        findings = validate(handle)
    if as_json:
        print_json([finding_json(f) for f in findings])
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("Severity", "Code", "Segment", "Loop", "Element", "Message", title=file.name)
        for f in findings:
            ref = f.segment
            table.add_row(
                f.severity.value,
                f.code,
                f"{ref.segment_id} #{ref.segment_index}" if ref else "",
                (ref.loop or "") if ref else "",
                str(ref.element or "") if ref else "",
                f.message,
            )
        Console().print(table if findings else f"{file.name}: no findings")
    if has_errors(findings):
        raise typer.Exit(EXIT_FINDINGS)


def _register_write() -> None:
    """`openrcm x12 write`: stored ready claims out as 837P/837I files, one per payer and kind
    (the same use case as `openrcm billing batch`)."""
    from openrcm.cli.billing import batch

    app.command(
        "write",
        help="Write every ready claim on file into one 837P or 837I per payer, and mark them "
        "submitted (same as `openrcm billing batch`).",
    )(batch)


_register_write()
