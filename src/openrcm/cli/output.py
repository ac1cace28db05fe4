"""What every command shares: the exit-code contract, JSON output, one-line input errors.

Exit 0: done. Exit 1: done, and the input has error-severity findings. Exit 2: the input
could not be used; one line on stderr says what and where, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import typer
from pydantic import BaseModel, ValidationError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2


class InputError(Exception):
    """Input a command cannot use: a bad file, date or option. Exit 2, one line on stderr."""


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit 2."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(EXIT_UNUSABLE)


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn unusable-input exceptions into one stderr line and exit 2.

    Any exception class named `X12Error`, `InputError` or a subclass of `ValueError`,
    `OSError`, `UnicodeError` or pydantic's `ValidationError` counts as bad input.
    """
    try:
        yield
    except typer.Exit:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        fail(f"{where}: {first['msg']}" if where else first["msg"])
    except (InputError, ValueError, OSError, UnicodeError, KeyError, LookupError) as exc:
        fail(str(exc) or exc.__class__.__name__)


@contextmanager
def x12_input(file: Path) -> Iterator[None]:
    """`input_errors` for a command that reads the X12 file `file`: input that is not X12 at
    all (`X12Error`) exits 2 with the file's name and where reading stopped."""
    from openrcm.x12.errors import X12Error

    with input_errors():
        try:
            yield
        except X12Error as error:
            fail(f"{file}: {error}")


def percent(value: Any) -> str:
    """A rate (0.0871) as people read it ("8.7%"); "-" when there is none."""
    return "-" if value is None else f"{value * 100:.1f}%"


def read_note(path: Path) -> str:
    """The text of a plain-text document as other systems write it: UTF-8 (with or without
    a byte-order mark), else Windows-1252, which every EHR export of the last decades uses
    when it is not UTF-8. A file with NUL bytes is not a text file: `InputError` naming it.
    """
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"{path}: not a plain-text file (it holds NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: dates ISO, enums by value, records by field.

    A bare Decimal is written exactly as it is (a GPCI of 1.017 stays 1.017); money fields
    of pydantic records already serialise as '125.00', and commands format loose money
    amounts with `format_money` before printing.
    """
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump(mode="json"))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def print_json(value: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2) + "\n")
    sys.stdout.flush()


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a date in the form YYYY-MM-DD")
