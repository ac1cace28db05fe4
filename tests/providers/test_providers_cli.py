"""`openrcm providers change|history` as scripts use them: one JSON document on stdout, exit 2
with one line on stderr for input that cannot be used."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.settings import get_settings

TENANT = "provider-practice"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, practice: Any) -> Iterator[Any]:
    url = f"sqlite:///{tmp_path / 'providers.db'}"
    monkeypatch.setenv("OPENRCM_DATABASE_URL", url)
    monkeypatch.setenv("OPENRCM_TENANT", TENANT)
    get_settings.cache_clear()
    from openrcm.cli.database import unit_of_work

    uow = unit_of_work(TENANT, url)
    with uow:
        practice.store(uow)
        uow.commit()
    runner = CliRunner()
    app = build_app()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def test_a_new_tax_id_and_address_with_the_payers_to_notify(cli: Any, practice: Any) -> None:
    npi = practice.billing_provider.npi
    result = cli(
        "providers", "change", npi, "--effective", "2025-06-01", "--tin", "36-4419930",
        "--address-line1", "233 S Wacker Dr", "--address-line2", "Suite 500",
        "--city", "Chicago", "--state", "il", "--zip", "60606-6306", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["npi"] == npi and document["provider_id"] == practice.billing_provider.id
    assert document["effective_date"] == "2025-06-01"
    assert document["changed_fields"] == ["address", "tin"]
    assert document["provider"]["tin"] == "364419930"
    assert document["provider"]["address"] == {
        "line1": "233 S Wacker Dr",
        "line2": "Suite 500",
        "city": "Chicago",
        "state": "IL",
        "zip_code": "606066306",
    }
    assert len(document["notify"]) == 2
    assert any("Prairie Health Plan" in line for line in document["notify"])
    assert any("Lakeshore Mutual" in line for line in document["notify"])

    history = cli("providers", "history", npi, "--json")
    assert history.exit_code == 0, history.output
    recorded = json.loads(history.stdout)
    assert recorded["enrolled"]["tin"] == "364417285"
    (change,) = recorded["changes"]
    assert (change["effective_date"], change["tin"]) == ("2025-06-01", "364419930")
    assert change["address"]["zip_code"] == "606066306" and change["name"] is None


def test_the_rich_output_is_a_checklist(cli: Any, practice: Any) -> None:
    result = cli(
        "providers", "change", practice.rendering_provider.npi, "--effective", "2025-07-01",
        "--name", "Patel-Brooks",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[ ] ") == 2 and "Lakeshore Mutual" in result.stdout
    table = cli("providers", "history", practice.rendering_provider.npi)
    assert table.exit_code == 0 and "Patel-Brooks" in table.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--effective", "2025-13-01", "--tin", "364419930"),  # no such month
        ("--effective", "2025-06-01"),  # nothing to change
        ("--effective", "2025-06-01", "--tin", "36441993"),  # eight digits
        ("--effective", "2025-06-01", "--address-line1", "233 S Wacker Dr"),  # no city...
        ("--effective", "2025-06-01", "--city", "Chicago", "--address-line1", "1 Main St",
         "--state", "XX", "--zip", "60606"),  # no such state
    ],
)  # fmt: skip
def test_input_that_cannot_be_used_is_one_line_and_exit_2(
    cli: Any, practice: Any, args: tuple[str, ...]
) -> None:
    result = cli("providers", "change", practice.billing_provider.npi, *args, "--json")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    history = json.loads(
        cli("providers", "history", practice.billing_provider.npi, "--json").stdout
    )
    assert history["changes"] == []


def test_an_npi_not_on_file_is_exit_2(cli: Any) -> None:
    for command in (("change", "1234567893", "--effective", "2025-06-01", "--tin", "364419930"),
                    ("history", "1234567893")):  # fmt: skip
        result = cli("providers", *command, "--json")
        assert result.exit_code == 2 and result.stdout == ""
        assert "1234567893" in result.stderr
