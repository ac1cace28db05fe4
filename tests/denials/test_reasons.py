"""CARC/RARC lists: every code has a description, a category and an action billers can use."""

from __future__ import annotations

import json
from functools import cache

import pytest
from typer.testing import CliRunner

from openrcm.cli.main import build_app
from openrcm.datadir import find_data_dir
from openrcm.denials import ACTIONS, Category, ReasonCodes, ReasonKind, kind_of, load_reason_codes


@cache
def codes() -> ReasonCodes:
    return load_reason_codes(find_data_dir() / "x12codes")


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("1", Category.PATIENT_RESPONSIBILITY),
        ("2", Category.PATIENT_RESPONSIBILITY),
        ("3", Category.PATIENT_RESPONSIBILITY),
        ("16", Category.MISSING_INFORMATION),
        ("18", Category.DUPLICATE),
        ("22", Category.COORDINATION_OF_BENEFITS),
        ("27", Category.ELIGIBILITY),
        ("29", Category.TIMELY_FILING),
        ("45", Category.CONTRACTUAL),
        ("50", Category.MEDICAL_NECESSITY),
        ("97", Category.BUNDLING),
        ("119", Category.BENEFIT_LIMIT),
        ("197", Category.AUTHORISATION),
        ("288", Category.REFERRAL),
        ("4", Category.CODING),
        ("242", Category.NETWORK),
        ("B13", Category.DUPLICATE),
    ],
)
def test_the_everyday_carcs_have_the_category_a_biller_expects(
    code: str, category: Category
) -> None:
    found = codes().explain(code)
    assert found is not None
    assert found.kind is ReasonKind.CARC
    assert found.category is category
    assert found.description


def test_every_current_carc_is_categorised_and_has_an_action() -> None:
    current = [c for c in codes().carcs.values() if c.stop_date is None]
    assert len(current) == 295
    assert all(c.action and c.description for c in current)
    uncategorised = [c.code for c in current if c.category is Category.OTHER]
    assert len(uncategorised) <= 10, uncategorised


def test_alert_remarks_are_informational_and_missing_information_remarks_say_so() -> None:
    assert codes().explain("N130") is not None
    assert codes().explain("MA01").category is Category.INFORMATIONAL  # type: ignore[union-attr]
    assert codes().explain("M51").category is Category.MISSING_INFORMATION  # type: ignore[union-attr]
    assert codes().explain("M51").kind is ReasonKind.RARC  # type: ignore[union-attr]


def test_deactivated_carcs_carry_their_stop_date() -> None:
    stopped = [c for c in codes().carcs.values() if c.stop_date is not None]
    assert len(stopped) == 110
    assert all(not c.active_on(c.stop_date.replace(year=c.stop_date.year + 1)) for c in stopped)  # type: ignore[union-attr]


def test_code_forms_tell_carcs_from_rarcs() -> None:
    assert kind_of("45") is ReasonKind.CARC
    assert kind_of("B13") is ReasonKind.CARC
    assert kind_of("N130") is ReasonKind.RARC
    assert kind_of("MA130") is ReasonKind.RARC
    assert kind_of("CO") is ReasonKind.GROUP
    assert kind_of("hello") is None


def test_a_carc_written_with_its_group_is_explained_as_the_carc() -> None:
    found = codes().explain("co-45")
    assert found is not None and found.code == "45"


def test_every_category_has_an_action() -> None:
    assert set(ACTIONS) == set(Category)


def test_cli_explains_a_carc_as_json() -> None:
    result = CliRunner().invoke(build_app(), ["denials", "explain", "197", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["code"] == "197"
    assert document["kind"] == "CARC"
    assert document["category"] == "authorisation"
    assert {"description", "action"} <= set(document)


def test_cli_refuses_an_unknown_code_with_exit_2_and_one_line() -> None:
    result = CliRunner().invoke(build_app(), ["denials", "explain", "ZZ99", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
