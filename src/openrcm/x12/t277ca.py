"""277CA claim acknowledgement (005010X214): which claims of an 837 a payer took in.

Loop layout shared by the reader and the writer:

    ST BHT*0085*08*...*TH
    2000A HL*20  2100A NM1*PR  2200A TRN*1 DTP*050 DTP*009            payer
    2000B HL*21  2100B NM1*41  2200B TRN*2 STC+ QTY*90? QTY*AA? AMT*YU? AMT*YY?   submitter
    2000C HL*19  2100C NM1*85  2200C TRN*1 STC+ QTY/AMT totals          billing provider
    2000D HL*PT  2100D NM1*QC                                          patient
      2200D TRN*2 (CLM01) STC+ REF*1K? REF*D9? REF*BLT? DTP*472         one claim
        2220D SVC STC REF*FJ? DTP*472?                                 its lines
    SE

Records are `ClaimStatusResponse`s (see `t277` for the shared HL walk): the patient loop's
TRN02 is the claim's patient control number (CLM01). The writer computes the batch totals
(QTY*90/AA, provider level QTY*QA/QC: accepted and rejected claims; AMT*YU/YY their
charges) from the claims' first STC; a claim with a rejection category (A3, A4, A6, A7,
A8) counts as rejected. X214 does not use STC02 and STC12 at the provider level, nor STC12
on a service line, and takes one STC per line: the writer leaves those out.

API: `read_277ca(source) -> (list[ClaimStatusResponse], list[Finding])`,
`write_277ca(responses, header) -> str` (GS01 HN, one 277 per run of records sharing ST02).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from openrcm.domain.claim_status import ClaimStatusResponse
from openrcm.domain.finding import Finding
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, x12_amount, x12_date
from openrcm.x12.t277 import (
    HLCounter,
    _response,
    build_records,
    dtp_elements,
    entity_segments,
    group_runs,
    read_sets,
    stc_elements,
    svc_segments,
    walk_claims,
)
from openrcm.x12.tokenizer import _Readable

IMPLEMENTATION = "005010X214"
FUNCTIONAL_ID = "HN"


def read_277ca(source: str | _Readable) -> tuple[list[ClaimStatusResponse], list[Finding]]:
    """Every claim of every 277CA (X214) set as a `ClaimStatusResponse`, with findings."""

    def read_set(ts: TransactionSet, findings: list[Finding]) -> list[ClaimStatusResponse]:
        return build_records(
            ts, walk_claims(ts, findings), lambda v: _response(v, ca=True), findings
        )

    return read_sets(source, "277", lambda ts: "X214" in ts.version, read_set)


def write_277ca(responses: Iterable[ClaimStatusResponse], header: InterchangeHeader) -> str:
    """One interchange (GS01 HN) with one 277CA per run of responses sharing ST02."""
    records = list(responses)
    bodies = [
        TransactionBody(
            "277", _body(run, header), IMPLEMENTATION, control_number=run[0].control_number
        )
        for run in group_runs(records, lambda r: r.control_number)
    ]
    return write_interchange(bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION)


def _totals(w: SegmentWriter, claims: list[ClaimStatusResponse], *, provider: bool) -> None:
    accepted = [c for c in claims if c.statuses and not c.is_rejected]
    rejected = [c for c in claims if c.statuses and c.is_rejected]
    if accepted:
        w.add("QTY", "QA" if provider else "90", str(len(accepted)))
    if rejected:
        w.add("QTY", "QC" if provider else "AA", str(len(rejected)))
    if accepted:
        w.add("AMT", "YU", x12_amount(sum((c.charge_amount for c in accepted), Decimal(0))))
    if rejected:
        w.add("AMT", "YY", x12_amount(sum((c.charge_amount for c in rejected), Decimal(0))))


def _body(records: list[ClaimStatusResponse], header: InterchangeHeader) -> list[str]:
    w = SegmentWriter(header.delimiters)
    first = records[0]
    w.add(
        "BHT",
        "0085",
        "08",
        first.reference_id,
        x12_date(first.created_date),
        first.created_time,
        "TH",
    )
    hl = HLCounter(w)
    for source in group_runs(records, lambda r: (r.payer, r.receipt_date, r.process_date)):
        s0 = source[0]
        top = hl.open(None, "20", True)
        entity_segments(w, s0.payer, address=False, refs=False)
        w.add("TRN", "1", s0.reference_id)
        w.add("DTP", "050", "D8", x12_date(s0.receipt_date or s0.created_date))
        w.add("DTP", "009", "D8", x12_date(s0.process_date or s0.created_date))
        for rec in group_runs(
            source, lambda r: (r.receiver, r.receiver_trace_number, r.receiver_statuses)
        ):
            r0 = rec[0]
            with_provider = [r for r in rec if r.provider is not None]
            receiver = hl.open(top, "21", bool(with_provider))
            entity_segments(w, r0.receiver, address=False, refs=False)
            w.add("TRN", "2", r0.receiver_trace_number or r0.reference_id)
            for s in r0.receiver_statuses:
                w.add("STC", *stc_elements(s))
            _totals(w, [r for r in rec if r.patient is not None], provider=False)
            for prov in group_runs(
                with_provider, lambda r: (r.provider, r.provider_trace_number, r.provider_statuses)
            ):
                p0 = prov[0]
                claims = [r for r in prov if r.patient is not None]
                provider = hl.open(receiver, "19", bool(claims))
                entity_segments(w, p0.provider, address=False, refs=False)  # type: ignore[arg-type]
                w.add("TRN", "1", p0.provider_trace_number or p0.reference_id)
                for s in p0.provider_statuses:
                    w.add("STC", *stc_elements(s, dated=False, message=False))
                _totals(w, claims, provider=True)
                for c in claims:
                    hl.open(provider, "PT", None)
                    entity_segments(w, c.patient, address=False, refs=False)  # type: ignore[arg-type]
                    w.add("TRN", "2", c.patient_control_number or c.reference_id)
                    for s in c.statuses:
                        w.add("STC", *stc_elements(s))
                    if c.payer_claim_control_number:
                        w.add("REF", "1K", c.payer_claim_control_number)
                    if c.clearinghouse_trace_number:
                        w.add("REF", "D9", c.clearinghouse_trace_number)
                    if c.bill_type:
                        w.add("REF", "BLT", c.bill_type)
                    if c.service_date:
                        w.add("DTP", "472", *dtp_elements(c.service_date, c.service_date_end))
                    for line in c.lines:
                        svc_segments(w, line, paid_default=False)
                        for s in line.statuses[:1]:
                            w.add("STC", *stc_elements(s, message=False))
                        if line.line_control_number:
                            w.add("REF", "FJ", line.line_control_number)
                        if line.service_date:
                            w.add(
                                "DTP",
                                "472",
                                *dtp_elements(line.service_date, line.service_date_end),
                            )
    return w.segments
