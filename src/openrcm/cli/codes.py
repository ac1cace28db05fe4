"""`openrcm codes ...`: search, show, validate code sets; counts; import a licensed CPT file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from openrcm.cli.output import EXIT_FINDINGS, fail, input_errors, parse_date, print_json

app = typer.Typer(
    help="Code sets: ICD-10-CM, HCPCS Level II, CPT, modifiers, POS.", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _code_sets() -> Any:
    import platformdirs

    from openrcm.codes import load_code_sets
    from openrcm.settings import get_settings

    settings = get_settings()
    return load_code_sets(
        settings.reference_data_dir(),
        user_data_dir=Path(platformdirs.user_data_dir("openrcm", appauthor=False)) / "codes",
    )


@app.command("search")
def search(
    query: str,
    as_json: JsonFlag = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 10,
    system: Annotated[str, typer.Option("--system", help="icd10cm, hcpcs or cpt")] = "icd10cm",
    billable: Annotated[
        bool, typer.Option("--billable", help="Billable ICD-10-CM codes only.")
    ] = False,
    chapter: Annotated[
        str | None, typer.Option("--chapter", help="ICD-10-CM chapter: 4 or E00-E89")
    ] = None,
) -> None:
    """Codes ranked by title, inclusion terms and synonyms ("type 2 dm with neuropathy")."""
    system = system.strip().lower()
    if system not in ("icd10cm", "hcpcs", "cpt"):
        fail(f"--system: {system!r} is not one of icd10cm, hcpcs, cpt")
    with input_errors():
        sets = _code_sets()
        hits = sets.search(
            query, system=system, limit=limit, billable_only=billable, chapter=chapter
        )
        if system == "cpt" and not sets.cpt.has_descriptors:
            typer.echo(
                "note: no CPT file imported; run `openrcm codes import-cpt FILE.csv`", err=True
            )
    rows = [
        {
            "code": _display(h.code, h.system),
            "title": h.title,
            "score": h.score,
            "billable": h.billable,
            "system": h.system,
        }
        for h in hits
    ]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Code", "Title", "Score", "Billable", title=f"{system}: {query}")
    for row in rows:
        table.add_row(
            row["code"], row["title"], f"{row['score']:.3f}", "yes" if row["billable"] else "no"
        )
    Console().print(table)


def _display(code: str, system: str) -> str:
    from openrcm.codes import icd10cm_dotted

    return icd10cm_dotted(code) if system == "icd10cm" else code


@app.command("validate")
def validate(
    system: str,
    code: str,
    dos: Annotated[str, typer.Option("--dos", help="Date of service, YYYY-MM-DD")],
    as_json: JsonFlag = False,
    first_listed: Annotated[
        bool, typer.Option("--first-listed", help="The code is the first-listed diagnosis.")
    ] = False,
) -> None:
    """Findings for one code on a date of service; [] when valid and billable then."""
    day = parse_date(dos, "--dos")
    from openrcm.codes.validate import SYSTEMS

    if system.strip().lower() not in SYSTEMS:
        fail(f"SYSTEM: {system!r} is not one of icd10cm, hcpcs, cpt, modifier, pos")
    with input_errors():
        findings = _code_sets().validate(system, code, day, first_listed=first_listed)
    rows = [
        {"code": f.code, "severity": f.severity.value, "message": f.message, "fix": f.fix}
        for f in findings
    ]
    if as_json:
        print_json(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        if not rows:
            Console().print(f"{code}: valid on {day.isoformat()}")
        else:
            table = Table(
                "Finding", "Severity", "Message", title=f"{system} {code} on {day.isoformat()}"
            )
            for row in rows:
                table.add_row(row["code"], row["severity"], row["message"])
            Console().print(table)
    if any(f.is_error for f in findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command("show")
def show(code: str, as_json: JsonFlag = False) -> None:
    """One code with its notes and hierarchy (ICD-10-CM), or its HCPCS/CPT/modifier/POS record."""
    with input_errors():
        sets = _code_sets()
        document = _show_document(sets, code)
    if document is None:
        fail(f"{code}: not an ICD-10-CM, HCPCS, CPT, modifier or place-of-service code we know")
    if as_json:
        print_json(document)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        "Field", "Value", title=f"{document['system']} {document['code']}", show_lines=False
    )
    for key, value in document.items():
        if value in (None, [], "", {}):
            continue
        if key == "parents":
            value = " > ".join(f"{p['code']} {p['title']}" for p in value)
        elif isinstance(value, dict):
            value = "\n".join(f"{k}: {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = "\n".join(str(v) for v in value)
        table.add_row(key, str(value))
    Console().print(table)


def _show_document(sets: Any, code: str) -> dict[str, Any] | None:
    from openrcm.codes import cpt_category, icd10cm_dotted, normalize_code

    norm = normalize_code(code)
    icd = sets.icd10cm
    node = icd.get(code)
    if (node is not None and node.kind not in ("chapter", "block")) or (
        node is not None and "-" in code
    ):
        periods = icd.validity(node.code)
        return {
            "system": "icd10cm",
            "code": node.dotted,
            "code_no_dot": node.code,
            "kind": node.kind,
            "title": node.title,
            "billable": node.billable,
            "inclusion_terms": list(node.inclusion_terms),
            "includes": list(node.includes),
            "excludes1": list(node.excludes1),
            "excludes2": list(node.excludes2),
            "code_first": list(node.code_first),
            "use_additional": list(node.use_additional),
            "code_also": list(node.code_also),
            "notes": list(node.notes),
            "inherited_excludes1": [
                {"from": icd10cm_dotted(at), "note": note}
                for at, note in icd.notes_in_force(node.code, "excludes1")
                if at != node.code
            ],
            "inherited_code_first": [
                {"from": icd10cm_dotted(at), "note": note}
                for at, note in icd.notes_in_force(node.code, "code_first")
                if at != node.code
            ],
            "inherited_use_additional": [
                {"from": icd10cm_dotted(at), "note": note}
                for at, note in icd.notes_in_force(node.code, "use_additional")
                if at != node.code
            ],
            "seventh_characters": icd.seventh_characters(node.code),
            "parents": [
                {"code": p.dotted, "title": p.title, "kind": p.kind} for p in icd.parents(node.code)
            ],
            "children": [
                {"code": c.dotted, "title": c.title, "billable": c.billable}
                for c in icd.children(node.code)
            ],
            "valid": [
                {
                    "from": p.valid_from,
                    "to": None if p.valid_to >= icd.data_horizon else p.valid_to,
                    "attributes": list(p.attributes),
                }
                for p in periods
            ],
            "release": icd.tabular_release.label,
        }
    periods = icd.validity(norm)
    if periods:
        return {
            "system": "icd10cm",
            "code": icd10cm_dotted(norm),
            "title": None,
            "billable": False,
            "note": f"not in the {icd.tabular_release.label} tabular list; valid only on the dates below",
            "valid": [{"from": p.valid_from, "to": p.valid_to} for p in periods],
            "parents": [],
        }
    record = sets.hcpcs.get(norm)
    if record is not None:
        return {
            "system": "hcpcs" if record.kind == "procedure" else "modifier",
            "code": record.code,
            "title": record.long_description,
            "short_description": record.short_description,
            "billable": record.termination_date is None,
            "add_date": record.add_date,
            "action_effective_date": record.action_effective_date,
            "termination_date": record.termination_date,
            "coverage_code": record.coverage_code,
            "betos": record.betos,
            "parents": [],
        }
    category = cpt_category(norm)
    if category is not None:
        licensed = sets.cpt.get(norm)
        return {
            "system": "cpt",
            "code": norm,
            "title": licensed.description if licensed else None,
            "category": str(category),
            "billable": True,
            "in_fee_schedule": norm in sets.cpt.fee_schedule_codes,
            "parents": [],
        }
    from openrcm.codes import MODIFIERS

    if code.strip().upper() in MODIFIERS:
        m = MODIFIERS[code.strip().upper()]
        return {
            "system": "modifier",
            "code": m.code,
            "title": m.description,
            "level": m.level,
            "parents": [],
        }
    pos = sets.place_of_service.get(code.strip().zfill(2)) if code.strip().isdigit() else None
    if pos is not None:
        return {
            "system": "pos",
            "code": pos.code,
            "title": pos.name,
            "description": pos.description,
            "facility": pos.facility,
            "parents": [],
        }
    return None


@app.command("stats")
def stats(as_json: JsonFlag = False) -> None:
    """Counts of what is loaded: ICD-10-CM nodes and billable codes, HCPCS codes, CPT, POS."""
    with input_errors():
        sets = _code_sets()
        counts = sets.stats()
        counts["icd10cm"]["source"] = sets.icd10cm.source
        counts["icd10cm"]["release"] = sets.icd10cm.tabular_release.label
        counts["hcpcs"]["source"] = sets.hcpcs.source
    if as_json:
        print_json(counts)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Code set", "Count", "Value")
    for system, values in counts.items():
        for key, value in values.items():
            table.add_row(system, key, f"{value:,}" if isinstance(value, int) else str(value))
    Console().print(table)


@app.command("import-cpt")
def import_cpt_command(file: Path, as_json: JsonFlag = False) -> None:
    """Import your licensed CPT file (CSV with code and description columns) into your data folder."""
    import platformdirs

    from openrcm.codes import import_cpt

    target = Path(platformdirs.user_data_dir("openrcm", appauthor=False)) / "codes"
    with input_errors():
        codes = import_cpt(file, target)
    summary = {"imported": len(codes), "stored_as": str(target / "cpt.csv")}
    if as_json:
        print_json(summary)
    else:
        typer.echo(f"imported {len(codes):,} CPT codes into {target / 'cpt.csv'}")
