"""Imported documents: the record of every external file read, for idempotent imports.

Before importing an 837 or posting an 835, a service asks `seen(content_sha256)`; after, it
adds the document in the same unit of work, so the same file twice changes nothing.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

from openrcm.domain.document import ImportedDocument
from openrcm.store.repository import DEFAULT_PAGE, SqlRepository
from openrcm.store.tables import DocumentRow


class SqlDocumentRepository(SqlRepository[ImportedDocument, DocumentRow]):
    """The current tenant's imported documents, keyed by content hash."""

    row_type = DocumentRow
    noun = "document"

    def record_id(self, record: ImportedDocument) -> str:
        return record.content_sha256

    def to_columns(self, record: ImportedDocument) -> Mapping[str, Any]:
        return {
            "content_sha256": record.content_sha256,
            "kind": record.kind,
            "name": record.name,
            "received_at": record.received_at,
        }

    def to_record(self, row: DocumentRow) -> ImportedDocument:
        return ImportedDocument(
            kind=row.kind,
            content_sha256=row.content_sha256,
            name=row.name,
            received_at=row.received_at,
        )

    def seen(self, content_sha256: str) -> bool:
        """True when this tenant has already imported a document with these bytes."""
        return self._row(content_sha256) is not None

    def list(
        self, *, kind: str | None = None, limit: int = DEFAULT_PAGE, offset: int = 0
    ) -> builtins.list[ImportedDocument]:
        """A page of documents, newest first, optionally of one kind."""
        statement = self._select()
        if kind is not None:
            statement = statement.where(DocumentRow.kind == kind)
        statement = statement.order_by(DocumentRow.received_at.desc(), DocumentRow.content_sha256)
        return self._records(statement.limit(limit).offset(offset))
