"""Imported documents: the content hash that makes every import idempotent.

An 837 received, an 835, a 277CA or a fee schedule file is identified within a tenant by
the SHA-256 of its bytes, so reading the same file twice is recognised and changes nothing.
"""

from __future__ import annotations

import hashlib

from pydantic import AwareDatetime, Field

from openrcm.domain.base import Record


def content_sha256(content: bytes | str) -> str:
    """The lower-case hex SHA-256 of a document's bytes (text is hashed as UTF-8)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


class ImportedDocument(Record):
    """An external document openrcm has read, known by its content hash.

    kind: what it is ("837P", "837I", "835", "277CA", "999", "fee-schedule").
    content_sha256: the SHA-256 of its bytes, its identity within a tenant.
    name: the file name it arrived under, when known (never patient data).
    received_at: when openrcm read it, timezone-aware (stored as UTC).
    """

    kind: str = Field(min_length=1, max_length=20)
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    name: str | None = Field(default=None, max_length=255)
    received_at: AwareDatetime
