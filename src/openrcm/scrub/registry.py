"""The edit registry: an edit is a registered, documented pure function over one claim.

`@edit(...)` turns a check `(Claim, ScrubContext) -> Iterable[Finding]` into an `Edit` record;
`collect(*modules)` gathers every `Edit` defined in the named modules into a read-only mapping
by id and fails at start-up when two edits share an id. Ids are upper case, family first
(`NCCI-PTP`, `ICD-EXCLUDES1`), stable and never reused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING

from openrcm.domain import Claim, Finding, Severity

if TYPE_CHECKING:
    from openrcm.scrub.context import ScrubContext

Check = Callable[[Claim, "ScrubContext"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Edit:
    """One scrub edit: its stable id, severity, one-line description, source, and the check."""

    id: str  # "NCCI-PTP"
    severity: Severity
    description: str  # one line, listed by `openrcm scrub rules`
    source: str  # the manual, table or payer policy the rule comes from
    check: Check

    def finding(self, message: str, *, line: int | None = None, fix: str | None = None) -> Finding:
        """A finding of this edit (its id as the code, its severity)."""
        return Finding(code=self.id, severity=self.severity, message=message, line=line, fix=fix)

    def __call__(self, claim: Claim, ctx: ScrubContext) -> Iterable[Finding]:
        return self.check(claim, ctx)


def edit(id: str, severity: Severity, *, description: str, source: str) -> Callable[[Check], Edit]:
    """Register a check as an `Edit` with this id, severity, description and source."""
    return lambda check: Edit(id, severity, description, source, check)


def collect(*modules: ModuleType) -> Mapping[str, Edit]:
    """Every Edit defined in these modules, by id. A duplicate id fails at start-up."""
    found: dict[str, Edit] = {}
    for rule in (v for m in modules for v in vars(m).values() if isinstance(v, Edit)):
        if found.setdefault(rule.id, rule) is not rule:
            raise ValueError(f"two scrub edits share the id {rule.id!r}")
    return MappingProxyType(found)
