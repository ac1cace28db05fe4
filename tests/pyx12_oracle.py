"""pyx12, the external X12 oracle, through its Python API: every error it reports.

Shared by every test that checks a file openrcm writes (importable from any test folder:
pytest puts this folder on sys.path for the root conftest). pyx12 reports each validation
error through its logger at ERROR level, including ST-level ones its JSON and 999 output
leave out, so the logger is the oracle rather than pyx12's exit status or JSON.
"""

from __future__ import annotations

import io
import logging

import pyx12.errors
import pyx12.params
import pyx12.x12n_document

PYX12_PLB_FALSE_ALARM = "Loop FOOTER exceeded max count"
"""pyx12 4.0.0 counts each PLB after the first as a second FOOTER loop, though X221A1 and
pyx12's own map allow PLB more than once (max use >1); tests/x12/test_x12_835_roundtrip.py
pins this down."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pyx12_verdict(text: str) -> tuple[bool, list[str]]:
    """pyx12's raw verdict on `text`: whether it accepts, and every message it logged."""
    handler = _Collect()
    log = logging.getLogger("pyx12")
    old_level, old_propagate = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.ERROR)
    log.propagate = False
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=None,
            fd_html=None,
        )
    except pyx12.errors.EngineError as error:  # e.g. no map for the guide: not a pass
        ok = False
        handler.messages.append(f"pyx12 could not check the file: {error}")
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = old_propagate
    return bool(ok), handler.messages


def pyx12_errors(text: str) -> list[str]:
    """pyx12's verdict on `text`: every error it reports (an empty list: it accepts)."""
    ok, logged = pyx12_verdict(text)
    messages = [m for m in logged if PYX12_PLB_FALSE_ALARM not in m]
    if not ok and not logged:
        messages.append("pyx12 rejected the file without a message")
    return messages
