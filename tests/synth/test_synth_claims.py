"""The generated claims look like a real practice's: counts, codes, modifiers, money, COB."""

from __future__ import annotations

import collections
import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import simple_icd_10_cm as icd

from openrcm.domain import Claim, ClaimFilingIndicator, EntityType, Relationship
from openrcm.domain.identifiers import luhn_valid
from openrcm.synth import SyntheticPractice, iter_claims, make_practice


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_about_a_quarter_of_claims_list_a_secondary_payer(practice: SyntheticPractice) -> None:
    share = sum(1 for c in practice.claims if c.other_payers) / len(practice.claims)
    assert 0.19 <= share <= 0.31
    assert all(c.other_payers[0].priority == "S" for c in practice.claims if c.other_payers)


def test_the_secondary_share_is_configurable() -> None:
    none = make_practice(8, claims=400, secondary_share=0.0)
    half = make_practice(8, claims=400, secondary_share=0.5)
    assert not any(c.other_payers for c in iter_claims(none))
    share = sum(1 for c in iter_claims(half) if c.other_payers) / 400
    assert 0.4 <= share <= 0.6


def test_coordination_of_benefits_follows_the_usual_orders(practice: SyntheticPractice) -> None:
    medicaid_first = 0
    for profile in practice.profiles:
        if profile.secondary is None:
            continue
        first, second = profile.payer, profile.other_payers[0].payer
        assert first.id != second.id
        # Medicaid is the payer of last resort: never primary when there is another payer.
        if first.claim_filing_indicator is ClaimFilingIndicator.MEDICAID:
            medicaid_first += 1
        child = _age(profile.patient.birth_date, practice.config.start_date) < 18
        if (
            child
            and profile.coverage.relationship is Relationship.CHILD
            and (profile.secondary.relationship is Relationship.CHILD)
        ):
            # Birthday rule: the parent with the earlier birthday in the year is primary.
            a, b = profile.coverage.subscriber.birth_date, profile.secondary.subscriber.birth_date
            assert (a.month, a.day) <= (b.month, b.day)
    assert medicaid_first == 0
    kinds = collections.Counter(
        (p.payer.claim_filing_indicator.value, p.other_payers[0].payer.claim_filing_indicator.value)
        for p in practice.profiles
        if p.secondary is not None
    )
    assert kinds[("MB", "CI")] > 0  # Medicare and a Medigap plan
    assert kinds[("MB", "MC")] > 0  # dual eligible
    assert sum(n for (a, b), n in kinds.items() if a in {"CI", "BL", "HM"} and b in {"CI", "BL"})


def test_diagnosis_counts_run_from_one_to_twelve_mostly_few(practice: SyntheticPractice) -> None:
    counts = collections.Counter(len(c.diagnoses) for c in practice.claims)
    assert min(counts) == 1
    assert max(counts) <= 12
    assert max(counts) >= 9
    assert sum(counts[n] for n in (1, 2, 3, 4)) / len(practice.claims) >= 0.8


def test_line_counts_have_a_long_tail_up_to_fifty(practice: SyntheticPractice) -> None:
    counts = collections.Counter(len(c.lines) for c in practice.claims)
    assert max(counts) == 50  # the 837P limit: a longer month of therapy is split
    assert 0 < counts[50] / len(practice.claims) <= 0.01
    assert sum(counts[n] for n in (1, 2, 3, 4)) / len(practice.claims) >= 0.9
    long_claims = sum(n for lines, n in counts.items() if lines > 20)
    assert 0.002 <= long_claims / len(practice.claims) <= 0.05


def test_modifiers_appear_where_real_coding_puts_them(practice: SyntheticPractice) -> None:
    seen = collections.Counter(
        m for c in practice.claims for line in c.lines for m in line.modifiers
    )
    for modifier in ("25", "26", "GP", "LT", "RT", "50"):
        assert seen[modifier] > 0, modifier
    assert seen["59"] + seen["XS"] > 0
    for claim in practice.claims:
        for line in claim.lines:
            if "26" in line.modifiers:
                assert claim.place_of_service in {"21", "22"}
            if "GP" in line.modifiers:
                assert line.procedure.startswith("97") or line.procedure == "G0283"
            if line.procedure.startswith("9921") and "25" in line.modifiers:
                same_day = [x for x in claim.lines if x.service_date == line.service_date]
                assert len(same_day) > 1


def test_places_of_service_vary(practice: SyntheticPractice) -> None:
    places = collections.Counter(c.place_of_service for c in practice.claims)
    assert set(places) == {"11", "21", "22", "02"}
    assert places["11"] > len(practice.claims) / 2
    for claim in practice.claims:
        if claim.place_of_service in {"21", "22"}:
            assert claim.service_facility is not None
            assert claim.service_facility.entity_type is EntityType.ORGANISATION


def test_units_vary_for_timed_and_per_lesion_codes(practice: SyntheticPractice) -> None:
    units = {line.units for c in practice.claims for line in c.lines}
    assert Decimal(1) in units
    assert max(units) >= 20  # allergen tests and extracts are billed by the dozen


def test_every_npi_passes_the_luhn_check_with_80840(practice: SyntheticPractice) -> None:
    npis = {p.npi for p in practice.providers}
    for claim in practice.claims[:500]:
        for provider in (
            claim.billing_provider,
            claim.rendering_provider,
            claim.referring_provider,
        ):
            if provider is not None:
                npis.add(provider.npi)
    assert len(npis) > 10
    assert all(len(npi) == 10 and luhn_valid("80840" + npi) for npi in npis)


def test_the_billing_provider_is_an_organisation_at_a_street_address(
    practice: SyntheticPractice,
) -> None:
    billing = practice.billing_provider
    assert billing.entity_type is EntityType.ORGANISATION
    assert billing.tin is not None and re.fullmatch(r"\d{9}", billing.tin)
    assert billing.taxonomy == "193200000X"
    assert billing.address is not None and not billing.address.is_po_box
    assert len(billing.address.zip_code) == 9
    for provider in practice.rendering_providers:
        assert provider.entity_type is EntityType.PERSON and provider.taxonomy


def test_every_claim_total_is_the_sum_of_its_lines(practice: SyntheticPractice) -> None:
    for claim in practice.claims:
        assert claim.total_charge_amount == claim.lines_total
        assert all(line.charge_amount > 0 for line in claim.lines)
        assert all(line.charge_amount == line.charge_amount.to_integral() for line in claim.lines)


def test_dates_of_service_stay_in_the_window(practice: SyntheticPractice) -> None:
    config = practice.config
    for claim in practice.claims:
        assert config.start_date <= claim.first_service_date
        assert claim.last_service_date <= config.end_date
        assert claim.coverage.covers(claim.first_service_date)
    narrow = make_practice(2, claims=300, start_date=date(2025, 3, 1), end_date=date(2025, 3, 31))
    days = {line.service_date for c in iter_claims(narrow) for line in c.lines}
    assert min(days) >= date(2025, 3, 1) and max(days) <= date(2025, 3, 31)


def test_every_diagnosis_is_billable_in_icd_10_cm(practice: SyntheticPractice) -> None:
    codes = {d.code for c in practice.claims for d in c.diagnoses}
    assert len(codes) > 100
    for code in codes:
        assert icd.is_valid_item(code) and icd.is_leaf(code), code


_SEX_SPECIFIC = {
    "M": ("N40", "C61", "R972", "N52", "Z125", "Z302"),
    "F": ("Z01419", "Z124", "Z1231", "N92", "N94", "N95", "N76", "N83", "R8761", "Z30430", "Z34"),
}
_MALE_PROCEDURES = ("55700", "55250", "76872")
_FEMALE_PROCEDURES = ("58", "57", "59", "76805", "76815", "76830", "77067", "G0101", "Q0091")


def test_codes_fit_the_patients_sex(practice: SyntheticPractice) -> None:
    for claim in practice.claims:
        sex = claim.patient.sex.value
        other = "F" if sex == "M" else "M"
        assert not any(d.code.startswith(_SEX_SPECIFIC[other]) for d in claim.diagnoses)
        wrong = _FEMALE_PROCEDURES if sex == "M" else _MALE_PROCEDURES
        assert not any(line.procedure.startswith(wrong) for line in claim.lines)


def test_codes_fit_the_patients_age(practice: SyntheticPractice) -> None:
    bands = {"1": (0, 0), "2": (1, 4), "3": (5, 11), "4": (12, 17), "5": (18, 39)}
    bands |= {"6": (40, 64), "7": (65, 200)}
    children = 0
    for claim in practice.claims:
        age = _age(claim.patient.birth_date, claim.first_service_date)
        children += age < 18
        codes = {d.code for d in claim.diagnoses}
        if age >= 18:
            assert not codes & {"Z00129", "Z00121"}
        else:
            assert not codes & {"Z0000", "Z0001", "I10", "E119"}
            assert claim.payer.claim_filing_indicator is not ClaimFilingIndicator.MEDICARE_B
        for line in claim.lines:
            if re.fullmatch(r"993[89]\d", line.procedure):
                low, high = bands[line.procedure[-1]]
                assert low <= age <= high, (line.procedure, age)
            if line.procedure in {"G0438", "G0439"}:
                assert claim.payer.claim_filing_indicator is ClaimFilingIndicator.MEDICARE_B
    assert children > 100


def test_children_have_a_parent_as_guarantor(practice: SyntheticPractice) -> None:
    guarantors = {g.id: g for g in practice.guarantors}
    for patient in practice.patients:
        guarantor = guarantors[patient.guarantor_id]  # type: ignore[index]
        if _age(patient.birth_date, practice.config.start_date) < 18:
            assert guarantor.name != patient.name
            assert _age(guarantor.birth_date, patient.birth_date) >= 18
        else:
            assert guarantor.name == patient.name


def test_pointers_name_diagnoses_on_the_claim(practice: SyntheticPractice) -> None:
    pointed = 0
    for claim in practice.claims:
        for line in claim.lines:
            assert 1 <= len(line.diagnosis_pointers) <= 4
            assert max(line.diagnosis_pointers) <= len(claim.diagnoses)
            pointed += len(line.diagnosis_pointers) > 1
    assert pointed > 0


def test_referrals_and_prior_authorizations_where_plans_want_them(
    practice: SyntheticPractice,
) -> None:
    hmo_specialist = 0
    for claim in practice.claims:
        if claim.referral_number is not None:
            hmo_specialist += 1
            assert claim.payer.claim_filing_indicator is ClaimFilingIndicator.HMO
            assert claim.referring_provider is not None
        if claim.prior_authorization is not None:
            assert claim.payer.claim_filing_indicator is not ClaimFilingIndicator.MEDICARE_B
    assert hmo_specialist > 0


def test_claims_are_valid_domain_records_and_round_trip(practice: SyntheticPractice) -> None:
    for claim in practice.claims[:300]:
        again = Claim.model_validate(claim.model_dump(mode="json"))
        assert again == claim


def test_encounters_cover_every_line(practice: SyntheticPractice) -> None:
    assert len(practice.encounters) >= len(practice.claims)
    by_claim = collections.Counter(e.id.rsplit("-e", 1)[0] for e in practice.encounters)
    for claim in practice.claims[:500]:
        assert by_claim[claim.id] == len({line.service_date for line in claim.lines})


def test_addresses_use_real_zip_codes_of_their_state(
    practice: SyntheticPractice, data_dir: Path
) -> None:
    states: dict[str, str] = {}
    with (data_dir / "cms/pfs2025/zip5_locality_2025q4.csv").open() as handle:
        for row in csv.DictReader(handle):
            states[row["zip5"]] = row["state"]
    addresses = [p.address for p in practice.patients] + [
        p.address for p in practice.providers if p.address
    ]
    for address in addresses:
        assert address is not None
        assert states[address.zip_code[:5]] == address.state
