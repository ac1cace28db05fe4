"""Functional acknowledgement (999, X231A1): which transaction sets of a group were accepted.

A `FunctionalAck` is one 999 transaction set answering one functional group (AK1): per
transaction set (AK2) whether it was accepted (IK5), and where its errors are (IK3 segment,
IK4 element, with the 999's own error codes). AK9 sums up the group. The places are the
same `SegmentRef` a validation `Finding` carries, so an error reads the same whether our
validator found it or a payer's 999 reported it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from openrcm.domain.base import Record
from openrcm.domain.finding import Finding, SegmentRef, Severity

ACCEPTED_CODES = frozenset({"A", "E"})  # IK501 / AK901: A accepted, E accepted with errors


class ElementError(Record):
    """An IK4: one bad element of a segment."""

    position: int = Field(ge=1, le=99)  # IK401-1: element position in the segment
    component: int | None = Field(default=None, ge=1, le=99)  # IK401-2
    repetition: int | None = Field(default=None, ge=1, le=99999)  # IK401-3
    reference_number: str | None = Field(default=None, max_length=4)  # IK402: data element no.
    error_code: str = Field(min_length=1, max_length=3)  # IK403: 1 missing, 7 bad code value...
    bad_value: str | None = Field(default=None, max_length=99)  # IK404: copy of the bad data


class SegmentError(Record):
    """An IK3 with its IK4s: one segment in error, by id, position and loop."""

    segment_id: str = Field(min_length=2, max_length=3)  # IK301
    position: int = Field(ge=1)  # IK302: position in the transaction set, ST is 1
    loop: str | None = Field(default=None, max_length=4)  # IK303: loop identifier code
    error_code: str | None = Field(default=None, max_length=3)  # IK304: 8 has data element errors
    elements: tuple[ElementError, ...] = ()  # IK4 (at most 99)

    def refs(self) -> tuple[SegmentRef, ...]:
        """The segment, or each bad element of it, as a `SegmentRef`."""
        if not self.elements:
            return (
                SegmentRef(segment_index=self.position, segment_id=self.segment_id, loop=self.loop),
            )
        return tuple(
            SegmentRef(
                segment_index=self.position,
                segment_id=self.segment_id,
                loop=self.loop,
                element=e.position,
                component=e.component,
            )
            for e in self.elements
        )


class TransactionSetAck(Record):
    """AK2 ... IK5: the answer for one transaction set of the acknowledged group."""

    transaction_set_id: str = Field(min_length=3, max_length=3)  # AK201: 837, 835...
    control_number: str = Field(min_length=1, max_length=9)  # AK202: its ST02
    implementation_reference: str | None = Field(default=None, max_length=35)  # AK203
    status: str = Field(pattern=r"^[AEMRWX]$")  # IK501: A accepted, E with errors, R rejected
    error_codes: tuple[str, ...] = Field(default=(), max_length=5)  # IK502-IK506
    segment_errors: tuple[SegmentError, ...] = ()  # IK3/IK4

    @property
    def accepted(self) -> bool:
        return self.status in ACCEPTED_CODES


class FunctionalAck(Record):
    """One 999 transaction set: the acknowledgement of one received functional group."""

    control_number: str = Field(min_length=1, max_length=9)  # ST02 of the 999
    functional_id: str = Field(min_length=2, max_length=2)  # AK101: HC claims, HP remits...
    group_control_number: str = Field(min_length=1, max_length=9)  # AK102: the GS06 answered
    version: str | None = Field(default=None, max_length=12)  # AK103: 005010X222A1
    transaction_sets: tuple[TransactionSetAck, ...] = ()  # AK2 loops
    status: str = Field(pattern=r"^[AEMPRWX]$")  # AK901: P partially accepted
    included_count: int = Field(ge=0)  # AK902: transaction sets in the group (GE01)
    received_count: int = Field(ge=0)  # AK903
    accepted_count: int = Field(ge=0)  # AK904
    group_error_codes: tuple[str, ...] = Field(default=(), max_length=5)  # AK905-AK909

    @model_validator(mode="after")
    def _counts_add_up(self) -> FunctionalAck:
        if self.accepted_count > self.received_count:
            raise ValueError(
                f"AK904 accepts {self.accepted_count} transaction sets of {self.received_count}"
            )
        return self

    @property
    def accepted(self) -> frozenset[str]:
        """Control numbers (ST02) of the transaction sets accepted, with or without errors."""
        return frozenset(t.control_number for t in self.transaction_sets if t.accepted)

    @property
    def rejected(self) -> frozenset[str]:
        """Control numbers (ST02) of the transaction sets rejected."""
        return frozenset(t.control_number for t in self.transaction_sets if not t.accepted)

    def findings(self) -> tuple[Finding, ...]:
        """Each reported segment or element error as an error `Finding` with its place."""
        out: list[Finding] = []
        for ts in self.transaction_sets:
            severity = Severity.WARNING if ts.accepted else Severity.ERROR
            for seg in ts.segment_errors:
                codes = [e.error_code for e in seg.elements] or [seg.error_code or "?"]
                for ref, code in zip(seg.refs(), codes, strict=True):
                    out.append(
                        Finding(
                            code=f"X12-999-{'IK4' if ref.element else 'IK3'}-{code}",
                            severity=severity,
                            message=(
                                f"transaction set {ts.control_number}: {seg.segment_id} at "
                                f"position {seg.position} reported with error code {code}"
                            ),
                            segment=ref,
                        )
                    )
        return tuple(out)
