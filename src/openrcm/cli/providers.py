"""`openrcm providers`: record a provider's new tax id, address, name or taxonomy from a date
(claims for visits from that day carry the new data) with the checklist of payers to
notify, and list a provider's changes."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from openrcm.cli.output import fail, input_errors, parse_date, print_json

app = typer.Typer(
    help="Providers: changes of tax id, address or name, effective by date.",
    no_args_is_help=True,
)

Json = Annotated[bool, typer.Option("--json", help="print one JSON document")]
Npi = Annotated[str, typer.Argument(help="the provider's NPI")]


def _text(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _address(
    line1: str | None, line2: str | None, city: str | None, state: str | None, zip_code: str | None
) -> Any:
    """The new address, or None when no address option was given; exit 2 when incomplete."""
    given = {
        "--address-line1": line1,
        "--address-line2": line2,
        "--city": city,
        "--state": state,
        "--zip": zip_code,
    }
    if all(v is None for v in given.values()):
        return None
    missing = [
        option
        for option, value in given.items()
        if option != "--address-line2" and not _text(value)
    ]
    if missing:
        fail(f"a new address needs {', '.join(missing)} as well")
    from openrcm.domain.party import Address

    return Address(line1=line1, line2=_text(line2), city=city, state=state, zip_code=zip_code)


def _address_json(address: Any) -> dict[str, Any] | None:
    return None if address is None else address.model_dump(mode="json")


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "effective_date": change.effective_date.isoformat(),
        "changed_fields": sorted(change.changed_fields()),
        "tin": change.tin,
        "address": _address_json(change.address),
        "name": change.name,
        "taxonomy": change.taxonomy,
    }


@app.command("change")
def change(
    npi: Npi,
    effective: Annotated[
        str, typer.Option("--effective", help="the first date of service with the new data")
    ],
    tin: Annotated[str | None, typer.Option("--tin", help="the new tax id (EIN or SSN)")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="the new (last or organisation) name")
    ] = None,
    taxonomy: Annotated[str | None, typer.Option("--taxonomy", help="the new taxonomy")] = None,
    line1: Annotated[str | None, typer.Option("--address-line1", help="new street address")] = None,
    line2: Annotated[str | None, typer.Option("--address-line2", help="suite, floor")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    state: Annotated[str | None, typer.Option("--state", help="two-letter state code")] = None,
    zip_code: Annotated[str | None, typer.Option("--zip", help="ZIP or ZIP+4")] = None,
    as_json: Json = False,
) -> None:
    """Record a change of a provider's tax id, address, name or taxonomy from --effective,
    and print the checklist of payers to notify."""
    from openrcm.cli.database import unit_of_work
    from openrcm.domain.provider_change import ProviderChange
    from openrcm.service.providers import provider_history, record_change

    day = parse_date(effective, "--effective")
    with input_errors():
        address = _address(line1, line2, city, state, zip_code)
        uow = unit_of_work()
        enrolled = provider_history(uow, npi).provider
        recorded = ProviderChange(
            provider_id=enrolled.id,
            effective_date=day,
            tin=_text(tin),
            address=address,
            name=_text(name),
            taxonomy=_text(taxonomy),
        )
        checklist = record_change(uow, recorded)
        provider = provider_history(uow, npi).on(day)
    if as_json:
        print_json(
            {
                "npi": npi,
                "provider_id": provider.id,
                "effective_date": day.isoformat(),
                "changed_fields": sorted(recorded.changed_fields()),
                "provider": _provider_json(provider),
                "notify": checklist,
            }
        )
        return
    from rich.console import Console

    console = Console()
    console.print(
        f"Provider {provider.display_name} (NPI {npi}): from {day.isoformat()} claims carry "
        f"tax id {provider.tin or '-'}, address {_one_line(provider.address)}",
        markup=False,
    )
    if not checklist:
        console.print("No payer to notify.")
    for line in checklist:
        console.print(f"[ ] {line}", markup=False)


def _provider_json(provider: Any) -> dict[str, Any]:
    """The enrolment data payers keep on file."""
    return {
        "tin": provider.tin,
        "address": _address_json(provider.address),
        "name": provider.name,
        "taxonomy": provider.taxonomy,
    }


def _one_line(address: Any) -> str:
    if address is None:
        return "-"
    parts = [address.line1, address.line2, address.city, f"{address.state} {address.zip_code}"]
    return ", ".join(p for p in parts if p)


@app.command("history")
def history(npi: Npi, as_json: Json = False) -> None:
    """A provider as enrolled and every change, in the order they take effect."""
    from openrcm.cli.database import unit_of_work
    from openrcm.service.providers import provider_history

    with input_errors():
        found = provider_history(unit_of_work(), npi)
    provider = found.provider
    if as_json:
        print_json(
            {
                "npi": provider.npi,
                "provider_id": provider.id,
                "name": provider.display_name,
                "enrolled": _provider_json(provider),
                "changes": [
                    {**_change_json(r.change), "recorded_at": r.recorded_at.isoformat()}
                    for r in found.changes
                ],
            }
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Effective", "Tax id", "Address", "Name", "Taxonomy", title=provider.display_name)
    table.add_row(
        "as enrolled",
        provider.tin or "-",
        _one_line(provider.address),
        provider.name,
        provider.taxonomy or "-",
    )
    for r in found.changes:
        c = r.change
        table.add_row(
            c.effective_date.isoformat(),
            c.tin or "",
            _one_line(c.address) if c.address else "",
            c.name or "",
            c.taxonomy or "",
        )
    Console().print(table)
