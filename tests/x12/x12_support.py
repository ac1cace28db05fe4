"""Helpers the X12 tests import: wrap segments in a valid envelope, find the samples.

A module of its own, not `conftest`: `from conftest import ...` takes whichever test
folder's conftest was imported first when several folders run in one pytest session.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "x12" / "samples"


def envelope(
    body: str,
    *,
    transaction_type: str = "837",
    version: str = "005010X222A1",
    functional_id: str = "HC",
    control: str = "0001",
) -> str:
    """One ISA/GS/ST..SE/GE/IEA around `body`, segments one per line ending in '~'.

    `body` is the segments between ST and SE, one per line, each ending in '~'.
    """
    lines = [line.strip() for line in body.strip().splitlines() if line.strip()]
    count = len(lines) + 2
    isa = (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
        "*240102*1200*^*00501*000000101*0*P*:~"
    )
    return (
        "\n".join(
            [
                isa,
                f"GS*{functional_id}*SENDER*RECEIVER*20240102*1200*101*X*{version}~",
                f"ST*{transaction_type}*{control}*{version}~",
                *lines,
                f"SE*{count}*{control}~",
                "GE*1*101~",
                "IEA*1*000000101~",
            ]
        )
        + "\n"
    )
