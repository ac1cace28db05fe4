"""The base every domain record shares: frozen, strict about unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """A frozen pydantic record: validated once when built; change it with `model_copy`."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
