"""The 837 writer's HL hierarchy groups claims by the value of their records, not their identity.

Billing provider (20) -> subscriber (22: payer, subscriber, member id, priority, group, self
or not) -> patient (23: name, birth date, sex, address, relationship; only for a dependent),
each loop in the order it is first met. The writer compares records without hashing them when
it can; here the written order of HL levels and CLM01 values is checked against a plain
grouping by hashed records, on claims whose records are equal copies, shared objects, or
differ only where the grouping must tell them apart (a member id shared by other people, a
payer differing in a field the 837 does not carry, a group name, a second dependent).
"""

from __future__ import annotations

import pickle
import random
from datetime import datetime
from typing import Any

import pytest
from x12_claims import claims as make_claims

from openrcm.domain import Claim, ClaimKind, Relationship
from openrcm.x12.t837 import INSTITUTIONAL, PROFESSIONAL, Receiver, Submitter, write_837
from openrcm.x12.tokenizer import Delimiters

SUBMITTER = Submitter(name="HL CLINIC", identifier="HL01")
RECEIVER = Receiver(name="HL PAYER", identifier="PAYER01")
WHEN = datetime(2025, 3, 4, 5, 6)


def copy(record: Any) -> Any:
    """An equal record that shares no object with `record` (nested records included)."""
    return pickle.loads(pickle.dumps(record))


def crafted(seed: int, kind: ClaimKind, count: int = 160) -> list[Claim]:
    rng = random.Random(seed)
    out: list[Claim] = []
    for claim in make_claims(seed=seed, count=count, kind=kind):
        roll = rng.random()
        if roll < 0.15 and out:  # the same people and payer as an earlier claim, as copies
            other = rng.choice(out)
            claim = claim.model_copy(
                update={
                    "coverage": copy(other.coverage),
                    "payer": copy(other.payer),
                    "patient": copy(other.patient),
                    "billing_provider": copy(other.billing_provider),
                }
            )
        elif roll < 0.25 and out:  # the same coverage objects, maybe another dependent
            other = rng.choice(out)
            claim = claim.model_copy(update={"coverage": other.coverage, "payer": other.payer})
        elif roll < 0.35:  # one member id for many different people
            coverage = claim.coverage.model_copy(update={"member_id": "M1"})
            claim = claim.model_copy(update={"coverage": coverage})
        elif roll < 0.42 and out:  # same member and person, a payer differing off the 837
            other = rng.choice(out)
            payer = other.payer.model_copy(update={"timely_filing_days": 90})
            claim = claim.model_copy(update={"coverage": other.coverage, "payer": payer})
        elif roll < 0.5 and out:  # same member, person and payer, another group
            other = rng.choice(out)
            coverage = other.coverage.model_copy(
                update={"group_number": None, "group_name": "GROUP X"}
            )
            claim = claim.model_copy(
                update={"coverage": coverage, "payer": other.payer, "patient": other.patient}
            )
        out.append(claim)
    rng.shuffle(out)
    return out


def expected(claims: list[Claim]) -> list[str]:
    """HL levels and CLM01s in order, grouping by hashed records (value equality)."""
    tree: dict[Any, dict[Any, dict[Any, list[str]]]] = {}
    for claim in claims:
        coverage = claim.coverage
        is_self = coverage.relationship is Relationship.SELF
        subscriber = (
            claim.payer,
            coverage.subscriber,
            coverage.member_id,
            coverage.priority,
            coverage.group_number,
            coverage.group_name,
            is_self,
        )
        patient = (
            None
            if is_self
            else (
                claim.patient.name,
                claim.patient.birth_date,
                claim.patient.sex,
                claim.patient.address,
                coverage.relationship,
            )
        )
        tree.setdefault(claim.billing_provider, {}).setdefault(subscriber, {}).setdefault(
            patient, []
        ).append(claim.patient_control_number)
    order: list[str] = []
    for subscribers in tree.values():
        order.append("HL 20")
        for patients in subscribers.values():
            order.append("HL 22")
            for key, numbers in patients.items():
                if key is not None:
                    order.append("HL 23")
                order += [f"CLM {n}" for n in numbers]
    return order


def written(text: str, delimiters: Delimiters) -> list[str]:
    order: list[str] = []
    for segment in text.split(delimiters.segment):
        elements = segment.strip().split(delimiters.element)
        if elements[0] == "HL":
            order.append(f"HL {elements[3]}")
        elif elements[0] == "CLM":
            order.append(f"CLM {elements[1]}")
    return order


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("kind", [ClaimKind.PROFESSIONAL, ClaimKind.INSTITUTIONAL])
def test_loops_group_equal_records_in_first_met_order(seed: int, kind: ClaimKind) -> None:
    claims = crafted(seed, kind)
    layout = PROFESSIONAL if kind is ClaimKind.PROFESSIONAL else INSTITUTIONAL
    odd = Delimiters(element="|", component="^", repetition="{", segment="\n")
    for delimiters, per_set in ((Delimiters.DEFAULT, 5000), (odd, 23)):
        text = write_837(
            claims,
            layout,
            submitter=SUBMITTER,
            receiver=RECEIVER,
            created_at=WHEN,
            delimiters=delimiters,
            claims_per_set=per_set,
        )
        want: list[str] = []
        for start in range(0, len(claims), per_set):
            want += expected(claims[start : start + per_set])
        got = written(text, delimiters)
        assert got == want
        # the crafted claims do share loops, and do need separate ones
        assert got.count("HL 22") < len(claims)
        assert want.count("HL 22") > len({c.coverage.member_id for c in claims})


def test_a_claim_of_the_other_kind_is_named() -> None:
    professional = make_claims(seed=4, count=3)
    institutional = make_claims(seed=4, count=2, kind=ClaimKind.INSTITUTIONAL)
    with pytest.raises(ValueError, match=r"claim PCN0000002 is institutional, not professional"):
        write_837(
            professional[:2] + institutional[1:] + professional,
            PROFESSIONAL,
            submitter=SUBMITTER,
            receiver=RECEIVER,
            created_at=WHEN,
            claims_per_set=2,
        )
