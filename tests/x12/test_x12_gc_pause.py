"""`paused_while_working`: the collector is off while a reader works out an item and as it
was whenever the caller holds the item, and an early close finishes the reader."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from openrcm.gcpause import collector_paused, paused_while_working


def _recording(states: list[bool], closed: list[bool]) -> Iterator[int]:
    try:
        for n in range(3):
            states.append(gc.isenabled())
            yield n
    finally:
        closed.append(True)


def test_the_collector_is_off_while_working_and_on_for_the_caller() -> None:
    states: list[bool] = []
    seen = []
    enabled = gc.isenabled()
    gc.enable()
    try:
        for item in paused_while_working(_recording(states, [])):
            seen.append((item, gc.isenabled()))
        assert gc.isenabled()
    finally:
        if not enabled:
            gc.disable()
    assert states == [False, False, False]
    assert seen == [(0, True), (1, True), (2, True)]


def test_a_caller_that_pauses_the_collector_keeps_it_paused() -> None:
    states: list[bool] = []
    with collector_paused():
        items = list(paused_while_working(_recording(states, [])))
        assert not gc.isenabled()
    assert items == [0, 1, 2]
    assert states == [False, False, False]


def test_closing_early_closes_the_reader_and_restores_the_collector() -> None:
    closed: list[bool] = []
    enabled = gc.isenabled()
    items = paused_while_working(_recording([], closed))
    assert next(items) == 0
    items.close()
    assert closed == [True]
    assert gc.isenabled() == enabled


def test_an_error_in_the_reader_restores_the_collector() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("bad")

    enabled = gc.isenabled()
    items = paused_while_working(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="bad"):
        next(items)
    assert gc.isenabled() == enabled
