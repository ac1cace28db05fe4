"""Pausing Python's cyclic garbage collector around bulk work.

Reading or writing a large X12 file, or posting one, builds hundreds of thousands of small
records that stay alive until the work is done and hold no reference cycles. The cyclic
collector would walk them again and again to free nothing (over half the time of reading a
100,000-claim 835). Reference counting still frees whatever is dropped meanwhile.

- `collector_paused()`: a context manager; the collector is off inside it and back on after
  (only if it was on before, so pauses nest).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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


__all__ = ["collector_paused"]
