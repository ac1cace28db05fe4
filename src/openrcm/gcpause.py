"""Pausing Python's cyclic garbage collector around bulk work.

Reading or writing a large X12 file, or posting one, builds hundreds of thousands of small
records that stay alive until the work is done and hold no reference cycles. The cyclic
collector would walk them again and again to free nothing (over half the time of reading a
100,000-claim 835). Reference counting still frees whatever is dropped meanwhile.

- `collector_paused()`: a context manager; the collector is off inside it and back on after
  (only if it was on before, so pauses nest).
- `paused_while_working(items)`: `items` (an iterator), with the collector off while it
  works out each item and back as it was before each item is handed over.
- `ReadCaches`: memo caches a streaming reader fills, emptied when its last open read ends
  (free lists too, after a large read).
- `empty_free_lists()`: hand back the objects the interpreter keeps for reuse (thousands of
  tuples, some lists and dicts) without walking the heap. After bulk work they are spread
  over nearly every memory pool the work used and pin them: the next bulk work of the
  process is then scattered into the holes around them, 10-40% slower.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic GC off for the duration of the block (see the module docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def paused_while_working(items: Iterator[T]) -> Iterator[T]:
    """`items`, each worked out with the collector off (see the module docstring).

    For a streaming reader: the collector is not started by the reader's own allocations
    (its records hold no cycles), only by the caller's, between items, as it was before.
    A caller that allocates little per item (``list(reader)``, a counting loop) then has no
    collection walk the records it keeps or the reader's caches; one that allocates much
    starts the collections the reader's allocations would have started. The state is read
    again at every item, so a caller may pause the collector itself between items."""
    try:
        while True:
            enabled = gc.isenabled()
            if enabled:
                gc.disable()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                if enabled:
                    gc.enable()
            yield item
    finally:
        close = getattr(items, "close", None)
        if close is not None:  # a generator closed early finishes its own cleanup now
            close()


def empty_free_lists() -> None:
    """Empty the interpreter's free lists (see the module docstring).

    Only a full collection empties them; with every object frozen first, it walks none, so
    it costs microseconds however large the heap. Objects are unfrozen into the oldest
    generation. Nothing is done if the program froze objects itself (gc.freeze), as
    unfreezing would undo that."""
    if gc.get_freeze_count():
        return
    gc.freeze()
    try:
        gc.collect()
    finally:
        gc.unfreeze()


class ReadCaches:
    """The memo caches of a streaming reader, emptied once no read is open.

    Their entries are allocated among a read's short-lived objects, so the few that survive
    it would pin nearly every memory pool the read used, and the next work of the process
    (validating the file, say) would be scattered into the holes around them. `forget`
    empties the caches and says how many entries they held; after a large read the free
    lists are emptied as well (they pin pools the same way)."""

    LARGE = 10_000  # cache entries left by a read large enough to pin much memory

    def __init__(self, forget: Callable[[], int]) -> None:
        self.forget = forget
        self.open = 0  # reads begun and not finished

    def reading(self, records: Iterator[T]) -> Iterator[T]:
        """`records`, with the caches emptied when this is the last open read to end
        (finished or closed early: the read's own records are gone by then)."""
        self.open += 1
        try:
            yield from records
        finally:
            self.open -= 1
            if not self.open and self.forget() >= self.LARGE:
                empty_free_lists()


__all__ = ["ReadCaches", "collector_paused", "empty_free_lists", "paused_while_working"]
