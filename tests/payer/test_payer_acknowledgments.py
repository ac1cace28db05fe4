"""The payer's front door answers an 837 with a 999 and a 277CA that pyx12 accepts."""

from datetime import date

from openrcm.payer.acknowledgments import acknowledge_837
from openrcm.payer.batch import read_claims
from openrcm.synth import generate_practice, write_claims_837p
from openrcm.x12.t277ca import read_277ca
from openrcm.x12.t999 import read_999
from pyx12_oracle import pyx12_errors


def test_an_837_gets_a_999_and_a_277ca_accepting_every_claim(tmp_path) -> None:
    practice = generate_practice(3, claims=25)
    path = tmp_path / "claims.837p"
    assert write_claims_837p(practice, practice.claims, path)
    text = path.read_text()
    claims, _ = read_claims(text)
    answer = acknowledge_837(
        text, claims, received=date(2026, 1, 10), payer_id="SYMCR", payer_name="Medicare Part B"
    )
    assert pyx12_errors(answer.text_999) == []
    assert answer.text_277ca is not None and pyx12_errors(answer.text_277ca) == []
    acks, _ = read_999(answer.text_999)
    assert acks and all(not ack.rejected for ack in acks)
    statuses, _ = read_277ca(answer.text_277ca)
    assert {s.patient_control_number for s in statuses} == {
        c.patient_control_number for c in practice.claims
    }
    assert all(s.category_code == "A2" for s in statuses)


def test_a_broken_set_is_rejected_in_the_999(tmp_path) -> None:
    practice = generate_practice(4, claims=3)
    path = tmp_path / "claims.837p"
    write_claims_837p(practice, practice.claims, path)
    broken = path.read_text().replace("SE*", "SE*9", 1)
    answer = acknowledge_837(
        broken, [], received=date(2026, 1, 10), payer_id="SYMCR", payer_name="Medicare Part B"
    )
    acks, _ = read_999(answer.text_999)
    assert any(ack.rejected for ack in acks)
    assert answer.rejected == 1
