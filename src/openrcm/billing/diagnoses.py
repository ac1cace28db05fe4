"""Diagnoses and pointers: the encounter's codes in claim order, and each line's pointers.

A professional claim lists at most 12 diagnoses (HI, CMS-1500 box 21 A-L) and each line
points at up to four of them (SV107, box 24E), the first the main reason for the line. The
encounter may list more, repeat one, or point at a code past the twelfth; `claim_diagnoses`
puts the principal first, drops repeats and, when over the limit, keeps the codes lines
point at before the others; `line_pointers` renumbers a line's pointers into that list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openrcm.domain.claim import Diagnosis, DiagnosisKind
from openrcm.domain.finding import Finding, Severity

MAX_POINTERS = 4


def claim_diagnoses(
    diagnoses: Sequence[Diagnosis], *, pointed: Iterable[int] = (), limit: int = 12
) -> tuple[tuple[Diagnosis, ...], dict[int, int], list[Finding]]:
    """The claim's diagnoses, a map from encounter position (1-based) to claim position, and
    findings. The principal goes first; a repeated code keeps its first place (both positions
    map to it); over `limit`, codes that lines point at are kept before the rest."""
    findings: list[Finding] = []
    order = sorted(
        range(len(diagnoses)), key=lambda i: (diagnoses[i].kind is not DiagnosisKind.PRINCIPAL, i)
    )
    unique: list[int] = []  # encounter indexes (0-based) of distinct codes, claim order
    first_of: dict[str, int] = {}
    alias: dict[int, int] = {}
    for i in order:
        code = diagnoses[i].code
        if code in first_of:
            alias[i] = first_of[code]
            continue
        first_of[code] = i
        unique.append(i)
    if len(unique) > limit:
        wanted = {alias.get(p - 1, p - 1) for p in pointed if 1 <= p <= len(diagnoses)}
        principal, rest = unique[:1], unique[1:]
        kept = principal + [i for i in rest if i in wanted] + [i for i in rest if i not in wanted]
        dropped = kept[limit:]
        unique = sorted(kept[:limit], key=lambda i: order.index(i))
        lost = [diagnoses[i].dotted for i in dropped if i in wanted]
        findings.append(
            Finding(
                code="BILL-DX-LIMIT",
                severity=Severity.ERROR if lost else Severity.WARNING,
                message=(
                    f"the encounter has {len(first_of)} diagnoses; a claim carries {limit}"
                    + (f" and lines point at {', '.join(lost)} beyond them" if lost else "")
                ),
                fix="split the services over two claims" if lost else None,
            )
        )
    position = {i: n for n, i in enumerate(unique, start=1)}
    mapping = {i + 1: position[i] for i in position}
    mapping.update({i + 1: position[j] for i, j in alias.items() if j in position})
    result = tuple(
        diagnoses[i].model_copy(
            update={"kind": DiagnosisKind.PRINCIPAL if n == 1 else _other_kind(diagnoses[i])}
        )
        for n, i in enumerate(unique, start=1)
    )
    return result, mapping, findings


def _other_kind(diagnosis: Diagnosis) -> DiagnosisKind:
    if diagnosis.kind is DiagnosisKind.PRINCIPAL:
        return DiagnosisKind.OTHER
    return diagnosis.kind


def line_pointers(
    pointers: Sequence[int], mapping: dict[int, int], *, line: int
) -> tuple[tuple[int, ...], list[Finding]]:
    """A line's pointers into the claim's diagnoses: renumbered, repeats dropped, at most four.

    A pointer at a diagnosis the encounter does not have is dropped with a warning; a line
    left pointing nowhere points at the principal diagnosis.
    """
    findings: list[Finding] = []
    result: list[int] = []
    for pointer in pointers:
        target = mapping.get(pointer)
        if target is None:
            findings.append(
                Finding(
                    code="BILL-POINTER-INVALID",
                    severity=Severity.WARNING,
                    line=line,
                    message=f"the line points at diagnosis {pointer}, which the encounter lacks",
                    fix="point the line at the diagnosis that supports it",
                )
            )
            continue
        if target not in result:
            result.append(target)
    if len(result) > MAX_POINTERS:
        findings.append(
            Finding(
                code="BILL-POINTERS-TRUNCATED",
                severity=Severity.WARNING,
                line=line,
                message=f"the line points at {len(result)} diagnoses; a claim line carries four",
            )
        )
        result = result[:MAX_POINTERS]
    if not result:
        result = [1]
    return tuple(result), findings
