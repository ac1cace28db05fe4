"""A finished 835 read leaves its caches empty, and `empty_free_lists` neither walks the heap
nor undoes a program's own gc.freeze."""

from __future__ import annotations

import gc
from pathlib import Path

from openrcm.datadir import find_data_dir
from openrcm.gcpause import empty_free_lists
from openrcm.x12 import t835

SAMPLE = find_data_dir() / "x12" / "samples" / "835" / "albmarin-badX12__X221-era-sample.edi"


def _held() -> int:
    caches = (t835._money_cache, t835._date_cache, t835._cas_cache, t835._svc_caches)
    return sum(map(len, caches))


def test_a_finished_835_read_leaves_its_caches_empty() -> None:
    text = Path(SAMPLE).read_text()
    remittances = t835.iter_835(text)
    first = next(remittances)
    assert _held() > 0
    rest = list(remittances)
    assert _held() == 0
    assert t835._READS.open == 0
    assert [first, *rest] == list(t835.iter_835(text))


def test_empty_free_lists_keeps_objects_and_the_collector_state() -> None:
    # an earlier in-process command may have frozen the heap for good (`payer adjudicate`
    # does); with anything frozen, empty_free_lists does nothing (the next test)
    gc.unfreeze()
    kept = [(n, str(n)) for n in range(1000)]
    enabled = gc.isenabled()
    empty_free_lists()
    assert gc.isenabled() == enabled
    assert gc.get_freeze_count() == 0
    assert kept[999] == (999, "999")


def test_empty_free_lists_leaves_frozen_objects_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        empty_free_lists()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
