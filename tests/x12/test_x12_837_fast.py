"""The fast way of reading an 837 (shared records, trusted construction) gives exactly what full
validation gives: the same claims and the same findings, on clean files and on files whose
element values have been mutated into the awkward ones a fast check must send the full way."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from x12_claims import claims

from openrcm.domain import ClaimKind, Severity
from openrcm.x12.t837 import INSTITUTIONAL, PROFESSIONAL, Receiver, Submitter, iter_837, write_837

SUBMITTER = Submitter(name="FAST CLINIC", identifier="FAST01")
RECEIVER = Receiver(name="FAST PAYER", identifier="PAYER01")
WHEN = datetime(2025, 3, 4, 5, 6)
ENVELOPE = {"ISA", "GS", "ST", "SE", "GE", "IEA"}

# values at the edges of what the domain records accept: spaces, lower case, too long, signs,
# places, unusual digits, six-digit dates, impossible dates, separators inside composites
AWKWARD = [
    "",
    " ",
    "0",
    "00",
    "-5",
    "1.234",
    "12.5",
    "125.",
    ".5",
    "1E3",
    "9999999999999",
    " 12",
    "12 ",
    "AB",
    "ab",
    "1",
    "01",
    "13",
    "1:2:3:4:5",
    "1:1",
    "0:1",
    "HC:99213:25:59",
    "HC:99213:ab",
    "HC:99213:2",
    "HC: 99213",
    "HC:99213::::",
    "20240230",
    "240115",
    "2024011",
    "20240115-20240110",
    "20240110-20240115",
    "D8",
    "RD8",
    "MI",
    "XX",
    "1234567893",
    "1234567890",
    "P",
    "S",
    "Z",
    "18",
    "19",
    "G8",
    "CO",
    "XX",
    "F",
    "U",
    "TX",
    "tx",
    "ZZ",
    "12345",
    "123456789",
    "1234-5678",
    "A" * 61,
    "٣٣",
    "11:B:7",
    "11:B:8",
    "99:B:1",
    "ABK:E1140",
    "ABF:e11.40",
    "ABF:",
    "PE:PXC:207Q00000X",
    "207q00000x",
    "20991231",
    "19000101",
    "N",
    "y",
]


def _write(kind: ClaimKind, seed: int, count: int) -> str:
    layout = PROFESSIONAL if kind is ClaimKind.PROFESSIONAL else INSTITUTIONAL
    return write_837(
        claims(seed=seed, count=count, kind=kind),
        layout,
        submitter=SUBMITTER,
        receiver=RECEIVER,
        created_at=WHEN,
        claims_per_set=4,
    )


BASE = {
    ClaimKind.PROFESSIONAL: [_write(ClaimKind.PROFESSIONAL, seed, 12) for seed in (1, 2, 3)],
    ClaimKind.INSTITUTIONAL: [_write(ClaimKind.INSTITUTIONAL, seed, 6) for seed in (4, 5)],
}


def both_ways(text: str, kind: ClaimKind):  # type: ignore[no-untyped-def]
    layout = PROFESSIONAL if kind is ClaimKind.PROFESSIONAL else INSTITUTIONAL
    fast_findings: list = []  # type: ignore[type-arg]
    full_findings: list = []  # type: ignore[type-arg]
    fast = list(iter_837(text, layout, fast_findings))
    full = list(iter_837(text, layout, full_findings, fast=False))
    return fast, full, fast_findings, full_findings


def fields_sets(record: BaseModel) -> list[tuple[str, list[str], set[str]]]:
    """The field order and fields-set of `record` and of every record inside it, in order."""
    out = [(type(record).__name__, list(record.__dict__), set(record.model_fields_set))]
    for value in record.__dict__.values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, BaseModel):
                out.extend(fields_sets(item))
    return out


def test_clean_files_read_the_same_both_ways() -> None:
    for kind, texts in BASE.items():
        for text in texts:
            fast, full, fast_findings, full_findings = both_ways(text, kind)
            assert fast == full
            assert [repr(c) for c in fast] == [repr(c) for c in full]
            assert [fields_sets(c) for c in fast] == [fields_sets(c) for c in full]
            assert fast_findings == full_findings == []


# the segments whose values the readers turn into record fields
TARGETS = ["CLM", "SV1", "SV2", "DTP", "HI", "NM1", "N3", "N4", "DMG", "SBR", "REF", "LX"]
TARGETS += ["CAS", "SVD", "PAT", "AMT", "LIN", "CTP", "NTE", "PRV", "CL1", "HL"]


def _transform(value: str, how: int, awkward: str) -> str:
    return [
        value.lower(),
        " " + value,
        value + " ",
        value[:-1],
        value + "0",
        value * 2,
        "0" + value,
        awkward,
    ][how]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[ClaimKind, str]:
    kind = draw(st.sampled_from([ClaimKind.PROFESSIONAL] * 3 + [ClaimKind.INSTITUTIONAL]))
    segments = draw(st.sampled_from(BASE[kind])).split("~\n")
    for _ in range(draw(st.integers(1, 3))):
        sid = draw(st.sampled_from(TARGETS))
        places = [i for i, s in enumerate(segments) if s.split("*", 1)[0] == sid]
        if not places:
            continue
        i = draw(st.sampled_from(places))
        elements = segments[i].split("*")
        n = draw(st.integers(1, len(elements)))
        how = draw(st.integers(0, 7))
        awkward = draw(st.sampled_from(AWKWARD))
        if n == len(elements):
            elements.append(awkward)
        elif ":" in elements[n] and draw(st.booleans()):
            parts = elements[n].split(":")
            k = draw(st.integers(0, len(parts)))
            if k == len(parts):
                parts.append(awkward)
            else:
                parts[k] = _transform(parts[k], how, awkward)
            elements[n] = ":".join(parts)
        else:
            elements[n] = _transform(elements[n], how, awkward)
        segments[i] = "*".join(elements)
    return kind, "~\n".join(segments)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_read_the_same_both_ways(case: tuple[ClaimKind, str]) -> None:
    kind, text = case
    fast, full, fast_findings, full_findings = both_ways(text, kind)
    assert fast == full
    assert [repr(c) for c in fast] == [repr(c) for c in full]
    assert [fields_sets(c) for c in fast] == [fields_sets(c) for c in full]
    assert fast_findings == full_findings


def test_a_claim_the_fast_checks_refuse_gets_the_full_way_finding() -> None:
    text = BASE[ClaimKind.PROFESSIONAL][0]
    bad = text.replace("DTP*472*D8*", "DTP*472*D8*2024023", 1)  # 7 digits: no date
    fast, full, fast_findings, full_findings = both_ways(bad, ClaimKind.PROFESSIONAL)
    assert len(fast) == len(full) == 11
    assert fast_findings == full_findings
    assert [f.code for f in fast_findings] == ["X12-CLAIM-UNREADABLE"]
    assert fast_findings[0].severity is Severity.ERROR


def _small_file() -> str:
    """Two professional claims between them carrying every loop the fast way builds: a
    dependent patient, other payers with line adjudications, lettered modifiers, a drug."""
    batch = claims(seed=7, count=300)
    cob = next(
        c
        for c in batch
        if c.other_payers
        and any(line.adjudications for line in c.lines)
        and c.coverage.relationship.value != "18"
    )
    lettered = next(
        c
        for c in batch
        if any(m.isalpha() for line in c.lines for m in line.modifiers)
        and any(line.ndc for line in c.lines)
    )
    return write_837(
        [cob, lettered], PROFESSIONAL, submitter=SUBMITTER, receiver=RECEIVER, created_at=WHEN
    )


EXHAUSTIVE = [
    "",
    " ",
    "0",
    "-5",
    "1.234",
    "125.",
    "1E3",
    "9999999999999",
    " 12",
    "ab",
    "13",
    "1:1",
    "0:1",
    "1:2:3:4:5",
    "20240230",
    "240115",
    "20991231",
    "20240115-20240110",
    "1234567890",
    "Z",
    "tx",
    "1234-5678",
    "A" * 61,
    "٣٣",
    "N",
    "8",
    "207q00000x",
    "111111111",
]


def test_every_awkward_value_in_every_element_reads_the_same_both_ways() -> None:
    segments = _small_file().split("~\n")
    checked = 0
    seen = set()
    for i, segment in enumerate(segments):
        elements = segment.split("*")
        shape = (elements[0], elements[1] if len(elements) > 1 else "")
        if not segment or elements[0] in ENVELOPE or shape in seen:
            continue  # one segment of each kind (id and qualifier) is enough
        seen.add(shape)
        places: list[tuple[int, int | None]] = [(n, None) for n in range(1, len(elements))]
        places += [
            (n, k)
            for n in range(1, len(elements))
            if ":" in elements[n]
            for k in range(len(elements[n].split(":")))
        ]
        for n, k in places:
            original = elements[n]
            for value in (*EXHAUSTIVE, original.lower(), original + " "):
                changed = list(elements)
                if k is None:
                    changed[n] = value
                else:
                    parts = original.split(":")
                    parts[k] = value
                    changed[n] = ":".join(parts)
                text = "~\n".join([*segments[:i], "*".join(changed), *segments[i + 1 :]])
                fast, full, fast_findings, full_findings = both_ways(text, ClaimKind.PROFESSIONAL)
                assert fast == full, (segment, n, k, value)
                assert [repr(c) for c in fast] == [repr(c) for c in full], (segment, n, k, value)
                assert fast_findings == full_findings, (segment, n, k, value)
                checked += 1
    assert checked > 1500


def test_a_member_id_with_a_leading_space_reads_the_same_both_ways() -> None:
    # the subscriber-patient is built before the fast way checks the member id; the full way,
    # taken then, must not reuse a patient whose id kept the space
    segments = BASE[ClaimKind.PROFESSIONAL][0].split("~\n")
    for i, segment in enumerate(segments):
        elements = segment.split("*")
        if elements[:2] == ["NM1", "IL"] and len(elements) > 9:
            elements[9] = " " + elements[9]
            segments[i] = "*".join(elements)
    fast, full, _, _ = both_ways("~\n".join(segments), ClaimKind.PROFESSIONAL)
    assert fast == full and fast
    assert all(c.patient.id == c.patient.id.strip() for c in fast)
