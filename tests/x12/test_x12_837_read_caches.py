"""The fast 837 reader's caches live as long as a read: emptied when the last open read
ends (finished or closed early), kept while another read is still going."""

from __future__ import annotations

from datetime import datetime

from x12_claims import claims

from openrcm.domain import ClaimKind
from openrcm.x12 import t837_read
from openrcm.x12.segments import x12_date
from openrcm.x12.t837 import PROFESSIONAL, Receiver, Submitter, iter_837, write_837


def _text(count: int = 12) -> str:
    return write_837(
        claims(seed=3, count=count, kind=ClaimKind.PROFESSIONAL),
        PROFESSIONAL,
        submitter=Submitter(name="CACHE CLINIC", identifier="CACHE01"),
        receiver=Receiver(name="CACHE PAYER", identifier="PAYER01"),
        created_at=datetime(2025, 3, 4, 5, 6),
    )


def _held() -> int:
    return sum(map(len, t837_read._READ_CACHES))


def test_a_finished_read_leaves_its_caches_empty() -> None:
    text = _text()
    read = list(iter_837(text, PROFESSIONAL))
    assert len(read) == 12
    assert _held() == 0
    assert x12_date.cache_info().currsize == 0
    assert t837_read._READS.open == 0
    assert list(iter_837(text, PROFESSIONAL)) == read  # and a second read is the same


def test_a_read_closed_early_leaves_its_caches_empty() -> None:
    claims_in = iter_837(_text(), PROFESSIONAL)
    next(claims_in)
    assert _held() > 0
    claims_in.close()
    assert _held() == 0
    assert t837_read._READS.open == 0


def test_caches_are_kept_while_another_read_is_open() -> None:
    text = _text()
    first, second = iter_837(text, PROFESSIONAL), iter_837(text, PROFESSIONAL)
    next(first)
    rest = list(second)
    assert _held() > 0  # `first` is still reading
    assert [next(first), *first] == rest[1:]
    assert _held() == 0
