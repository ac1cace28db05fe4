"""835 remittance advice (005010X221A1): read into `Remittance` records and write them back.

Loop layout shared by the reader and the writer:

    ST  BPR TRN CUR? REF*EV? DTM*405?
    1000A  N1*PR N3 N4 REF*2U? PER*BL            (payer)
    1000B  N1*PE N3? N4? REF?                    (payee)
    2000   LX TS3? TS2?                          (one header number; the writer uses LX*1)
    2100     CLP CAS* NM1*QC NM1*IL? NM1*82? NM1*TT? NM1*PR? MIA? MOA? REF? DTM* AMT*
    2110       SVC DTM*472 CAS* REF*6R? AMT*B6? LQ*HE*
    PLB*                                          (provider-level adjustments)
    SE

The 835 balances: BPR02 = sum(CLP04) - sum(PLB amounts); a claim balances when CLP03 -
CLP04 = the sum of its claim- and line-level CAS amounts, and a line when SVC02 - SVC03 =
its CAS amounts. The reader reports an unbalanced payment as an error finding and an
unbalanced claim or line as a warning.

`read_835(source) -> (list[Remittance], list[Finding])` streams the input one transaction
set at a time; only unreadable input raises (`X12Error`). It is the hot path of remittance
posting, so it works on the tokenizer's raw element lists, parses amounts and dates through
small caches, checks every constraint the domain records declare and builds each record
once, without a second validation pass (`domain.trusted`); a claim whose data break those
constraints goes through pydantic validation instead, which names the problem in a finding.

`write_835(remittances, header, *, provider_summary=False) -> str` writes one interchange
with one functional group (GS01 HP), one transaction set per `Remittance`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from openrcm.domain.claim import Adjustment
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.domain.money import CENT
from openrcm.domain.remittance import (
    BankAccount,
    ClaimPayment,
    ClaimPaymentStatus,
    Party,
    PaymentMethod,
    ProviderAdjustment,
    ProviderLevelAdjustments,
    Remittance,
    ServicePayment,
)
from openrcm.domain.trusted import trusted_builder
from openrcm.gcpause import ReadCaches, collector_paused
from openrcm.x12.envelope import (
    EnvelopeReader,
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    write_interchange,
)
from openrcm.x12.segments import SegmentWriter, x12_amount, x12_date, x12_decimal, x12_text
from openrcm.x12.tokenizer import _Readable

IMPLEMENTATION = "005010X221A1"
FUNCTIONAL_ID = "HP"

_AMOUNT = re.compile(r"-?(\d{1,12}(\.\d{0,2})?|\.\d{1,2})")
_GROUPS = frozenset({"CO", "PR", "OA", "PI", "CR"})
_STATUS = {s.value: s for s in ClaimPaymentStatus}
_METHODS = {m.value: m for m in PaymentMethod}

# ------------------------------------------------------------------ trusted construction
# records from values this module has parsed and checked itself (see `domain.trusted`)

_CLAIM = trusted_builder(ClaimPayment)
_LINE = trusted_builder(ServicePayment)
_ADJUSTMENT = trusted_builder(Adjustment)


# ------------------------------------------------------------------ value parsing


class _Bad(Exception):
    """A value the domain records refuse; the reader turns it into a finding."""

    def __init__(self, element: int, message: str) -> None:
        super().__init__(message)
        self.element = element
        self.message = message


_money_cache: dict[str, Decimal] = {}
_date_cache: dict[str, date] = {}


def _money(text: str, element: int) -> Decimal:
    value = _money_cache.get(text)
    if value is not None:
        return value
    if _AMOUNT.fullmatch(text):
        value = Decimal(text)
    else:  # trailing zeros ("12.500") are still cents; anything else is refused
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise _Bad(element, f"{text!r} is not an amount of money with at most two decimals")
        if abs(value) >= 10**12:  # checked first: quantizing a huge exponent raises
            raise _Bad(element, f"{text!r} is too large an amount of money")
        if value != value.quantize(CENT):
            raise _Bad(element, f"{text!r} is not an amount of money with at most two decimals")
        value = value.quantize(CENT)
    if len(_money_cache) > 200_000:
        _money_cache.clear()
    _money_cache[text] = value
    return value


def _opt_money(text: str, element: int) -> Decimal | None:
    return _money(text, element) if text else None


def _quantity(text: str, element: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Bad(element, f"{text!r} is not a number") from None
    if not value.is_finite():
        raise _Bad(element, f"{text!r} is not a number")
    return value


def _date(text: str, element: int) -> date:
    value = _date_cache.get(text)
    if value is not None:
        return value
    try:
        if len(text) != 8 or not text.isdigit():
            raise ValueError
        value = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise _Bad(element, f"{text!r} is not a date (CCYYMMDD)") from None
    if len(_date_cache) > 100_000:
        _date_cache.clear()
    _date_cache[text] = value
    return value


def _el(elements: list[str], n: int) -> str:
    return elements[n].strip() if n < len(elements) else ""


def _opt(elements: list[str], n: int) -> str | None:
    if n < len(elements):
        value = elements[n].strip()
        return value or None
    return None


def _adjustments(elements: list[str], out: list[Adjustment]) -> None:
    """The up to six (reason, amount, quantity) triples of one CAS segment."""
    n = len(elements)
    group = elements[1].strip() if n > 1 else ""
    if group not in _GROUPS:
        raise _Bad(1, f"{group!r} is not a claim adjustment group code (CO, PR, OA, PI, CR)")
    for k in range(2, min(n, 20), 3):
        reason = elements[k].strip()
        amount = elements[k + 1].strip() if k + 1 < n else ""
        if not reason and not amount:
            continue
        if not 1 <= len(reason) <= 5:
            raise _Bad(k, f"{reason!r} is not a claim adjustment reason code")
        if not amount:
            raise _Bad(k + 1, f"adjustment reason {reason} has no amount")
        values: dict[str, Any] = {"group": group, "reason": reason, "amount": _money(amount, k + 1)}
        quantity = elements[k + 2].strip() if k + 2 < n else ""
        if quantity:
            values["quantity"] = _quantity(quantity, k + 2)
        out.append(_ADJUSTMENT(values))


# the parsed values of segment texts met before: an 835 repeats its CAS and SVC segments
# (the same fee schedule, the same adjustments) far more than it varies them. Only values
# that parsed without a finding are kept; records are immutable and so shared.
_CACHE_SIZE = 50_000
_cas_cache: dict[str, tuple[Adjustment, ...]] = {}
_svc_caches: dict[str, dict[str, dict[str, Any]]] = {}  # per component separator


def _cas_adjustments(text: str, elements: list[str], out: list[Adjustment]) -> None:
    """`_adjustments` of the CAS segment `text` (split into `elements`), once per text.

    The text alone decides them: its fourth character is the element separator (the
    segment id is CAS), and no CAS element is a composite."""
    found = _cas_cache.get(text)
    if found is None:
        built: list[Adjustment] = []
        _adjustments(elements, built)
        found = tuple(built)
        if len(_cas_cache) >= _CACHE_SIZE:
            _cas_cache.clear()
        _cas_cache[text] = found
    out.extend(found)


# ------------------------------------------------------------------ reading


def read_835(source: str | _Readable) -> tuple[list[Remittance], list[Finding]]:
    """Every 835 transaction set in `source` as a `Remittance`, with the findings of reading.

    Transaction sets of other types are skipped with a warning. Raises `X12Error` only when
    the input cannot be read as X12 at all.
    """
    findings: list[Finding] = []
    remittances = list(iter_835(source, findings))
    return remittances, findings


def iter_835(
    source: str | _Readable, findings: list[Finding] | None = None
) -> Iterator[Remittance]:
    """Stream the remittances of `source` one transaction set at a time.

    Findings (the envelope's and the 835's) are appended to `findings`. No segment is kept
    once read: a set's memory is its claim records.
    """
    return _READS.reading(_read_835(source, findings))


def _forget_read_caches() -> int:
    """Empty the caches a read fills (see `ReadCaches`: validating a 100,000-claim 835 just
    after reading it took 3.4 s of CPU instead of 3.1 s); how many entries they held."""
    held = len(_money_cache) + len(_date_cache) + len(_cas_cache)
    held += sum(len(cache) for cache in _svc_caches.values())
    _money_cache.clear()
    _date_cache.clear()
    _cas_cache.clear()
    _svc_caches.clear()
    return held


_READS = ReadCaches(_forget_read_caches)


def _read_835(source: str | _Readable, findings: list[Finding] | None) -> Iterator[Remittance]:
    sink: list[Finding] = findings if findings is not None else []
    reader = EnvelopeReader(source)
    seen = 0
    for ts, segments in reader.sets():
        if ts.transaction_type == "835":
            try:
                with collector_paused():
                    remittance = _Reader(ts, sink).read(segments)
            except ValidationError as error:  # a value no record takes: the set is unusable
                first = error.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                remittance = None
                sink.append(
                    Finding(
                        code="X12-835-BAD-VALUE",
                        severity=Severity.ERROR,
                        message=f"835 {ts.control_number} was not read: {where} {first['msg']}",
                        segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST", element=1),
                    )
                )
        else:
            remittance = None
            sink.append(
                Finding(
                    code="X12-WRONG-TRANSACTION",
                    severity=Severity.WARNING,
                    message=f"transaction set {ts.control_number} is a {ts.transaction_type}, not an 835",
                    segment=SegmentRef(segment_index=1, segment_id="ST", loop="ST", element=1),
                )
            )
        for _ in segments:
            pass
        sink.extend(reader.findings[seen:])
        seen = len(reader.findings)
        if remittance is not None:
            yield remittance
    sink.extend(reader.findings[seen:])


class _Reader:
    """Reads one 835 transaction set."""

    def __init__(self, ts: TransactionSet, findings: list[Finding]) -> None:
        self.ts = ts
        self.first = ts.header.index
        self.findings = findings
        self.component = ts.delimiters.component
        svc_cache = _svc_caches.get(self.component)
        if svc_cache is None:
            svc_cache = _svc_caches[self.component] = {}
        self.svc_cache = svc_cache

    def finding(
        self,
        code: str,
        message: str,
        at: tuple[int, str],
        loop: str | None,
        element: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """A finding about the segment `at` ``(position in the input, segment id)``."""
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                segment=SegmentRef(
                    segment_index=at[0] - self.first + 1,
                    segment_id=at[1][:3],
                    loop=loop,
                    element=element,
                ),
            )
        )

    def read(self, runs: Iterable[tuple[list[str], int]]) -> Remittance | None:
        """The remittance of the set whose body segments come as runs ``(texts, first)``."""
        head: dict[str, Any] = {"control_number": self.ts.control_number}
        payer: dict[str, Any] | None = None
        payee: dict[str, Any] | None = None
        party: dict[str, Any] | None = None
        claims: list[ClaimPayment] = []
        plbs: list[ProviderLevelAdjustments] = []
        claim: _Claim | None = None
        loop = "HEADER"
        bpr_at: tuple[int, str] | None = None
        el = self.ts.delimiters.element
        for rows, first in runs:
            for pos, text in enumerate(rows, first):
                e = text.split(el)
                sid = e[0]
                seg = (pos, sid)
                try:
                    if claim is not None:
                        if sid in _CLAIM_SEGMENTS:
                            claim.add(seg, e, sid, text)
                            continue
                        self.close(claim, claims)
                        claim = None
                    if sid == "CLP":
                        claim = _Claim(self, seg, e)
                        loop = "2100"
                    elif sid == "LX":
                        loop = "2000"
                    elif sid in ("TS3", "TS2"):
                        continue
                    elif sid == "PLB":
                        plb = self.plb(e)
                        last = plbs[-1] if plbs else None
                        if (
                            last is not None
                            and last.provider_id == plb.provider_id
                            and last.fiscal_period_date == plb.fiscal_period_date
                        ):  # a provider's seventh adjustment and on continue in a further PLB
                            plb = last.model_copy(
                                update={"adjustments": last.adjustments + plb.adjustments}
                            )
                            plbs[-1] = plb
                        else:
                            plbs.append(plb)
                        loop = "PLB"
                    elif sid == "BPR":
                        bpr_at = seg
                        self.bpr(e, head)
                    elif sid == "TRN":
                        head["trace_number"] = _el(e, 2)
                        head["payer_trace_id"] = _opt(e, 3)
                    elif sid == "DTM" and _el(e, 1) == "405":
                        head["production_date"] = _date(_el(e, 2), 2)
                    elif sid == "N1":
                        entity = _el(e, 1)
                        party = {"name": _el(e, 2)}
                        if _opt(e, 4):
                            party["identifier"] = _el(e, 4)
                            party["identifier_qualifier"] = _opt(e, 3)
                        if entity == "PR":
                            payer, loop = party, "1000A"
                        elif entity == "PE":
                            payee, loop = party, "1000B"
                        else:
                            party = None
                    elif sid == "N3" and party is not None:
                        party["address_line"] = _opt(e, 1)
                    elif sid == "N4" and party is not None:
                        party["city"] = _opt(e, 1)
                        party["state"] = _opt(e, 2)
                        party["zip_code"] = _opt(e, 3)
                    elif (
                        sid == "REF" and party is not None and party is payer and _el(e, 1) == "2U"
                    ):
                        if "identifier" not in party:
                            party["identifier"] = _el(e, 2)
                    elif (
                        sid == "PER" and party is not None and party is payer and _el(e, 1) == "BL"
                    ):
                        party["contact_name"] = _opt(e, 2)
                        for k in (3, 5, 7):
                            if _el(e, k) == "TE":
                                party["contact_phone"] = _opt(e, k + 1)
                                break
                    elif sid == "CUR" and _el(e, 2) not in ("", "USD"):
                        self.finding(
                            "X12-835-CURRENCY",
                            f"amounts are in {_el(e, 2)}, not US dollars; they are read as they stand",
                            seg,
                            "HEADER",
                            2,
                            Severity.WARNING,
                        )
                    elif sid in ("REF", "DTM", "PER", "CUR", "RDM"):
                        continue
                    else:
                        self.finding(
                            "X12-835-UNEXPECTED-SEGMENT",
                            f"{sid[:3]} is not expected here in an 835 (loop {loop})",
                            seg,
                            loop,
                            severity=Severity.WARNING,
                        )
                except _Bad as bad:
                    self.finding("X12-835-BAD-VALUE", bad.message, seg, loop, bad.element)
                except ValidationError as error:  # a value our records refuse (a 1-digit DFI id)
                    self.finding("X12-835-BAD-VALUE", f"{sid}: {_first_error(error)}", seg, loop)
        if claim is not None:
            self.close(claim, claims)
        return self.remittance(head, payer, payee, claims, plbs, bpr_at)

    def bpr(self, e: list[str], head: dict[str, Any]) -> None:
        head["handling_code"] = _el(e, 1)
        head["total_paid_amount"] = _money(_el(e, 2), 2)
        head["credit_debit"] = _el(e, 3)
        method = _el(e, 4)
        if method not in _METHODS:
            raise _Bad(4, f"{method!r} is not a payment method (ACH, CHK, NON, FWT, BOP)")
        head["payment_method"] = _METHODS[method]
        if _opt(e, 7) and _opt(e, 9):
            head["payer_account"] = BankAccount(
                dfi_qualifier=_el(e, 6) or "01",
                dfi_id=_el(e, 7),
                account_qualifier=_el(e, 8) or "DA",
                account_number=_el(e, 9),
            )
        head["payer_company_id"] = _opt(e, 10)
        if _opt(e, 13) and _opt(e, 15):
            head["payee_account"] = BankAccount(
                dfi_qualifier=_el(e, 12) or "01",
                dfi_id=_el(e, 13),
                account_qualifier=_el(e, 14) or "DA",
                account_number=_el(e, 15),
            )
        head["payment_date"] = _date(_el(e, 16), 16)

    def plb(self, e: list[str]) -> ProviderLevelAdjustments:
        adjustments = []
        n = len(e)
        for k in range(3, min(n, 15), 2):
            if not e[k].strip():
                continue
            reason, _, reference = e[k].strip().partition(self.component)
            if len(reason) != 2:
                raise _Bad(k, f"{reason!r} is not a provider adjustment reason code")
            amount = _money(_el(e, k + 1), k + 1)
            adjustments.append(
                ProviderAdjustment(reason=reason, reference=reference or None, amount=amount)
            )
        return ProviderLevelAdjustments(
            provider_id=_el(e, 1), fiscal_period_date=_date(_el(e, 2), 2), adjustments=adjustments
        )

    def close(self, claim: _Claim, claims: list[ClaimPayment]) -> None:
        built = claim.build()
        if built is not None:
            claims.append(built)

    def remittance(
        self,
        head: dict[str, Any],
        payer: dict[str, Any] | None,
        payee: dict[str, Any] | None,
        claims: list[ClaimPayment],
        plbs: list[ProviderLevelAdjustments],
        bpr_at: tuple[int, str] | None,
    ) -> Remittance | None:
        header = (self.ts.header.index, "ST")
        missing = [
            name
            for name, present in (
                ("BPR", "total_paid_amount" in head and "payment_date" in head),
                ("TRN", bool(head.get("trace_number"))),
                ("N1*PR", payer is not None),
                ("N1*PE", payee is not None),
            )
            if not present
        ]
        if missing:
            self.finding(
                "X12-835-MISSING-SEGMENT",
                f"transaction set {self.ts.control_number} lacks {', '.join(missing)}; "
                "it cannot be read as a remittance",
                header,
                "HEADER",
            )
            return None
        try:
            remittance = Remittance(
                **head,
                payer=Party(**payer),  # type: ignore[arg-type]
                payee=Party(**payee),  # type: ignore[arg-type]
                claims=(),
                provider_adjustments=tuple(plbs),
            )
        except ValidationError as error:
            self.finding(
                "X12-835-INVALID",
                f"transaction set {self.ts.control_number}: {_first_error(error)}",
                header,
                "HEADER",
            )
            return None
        remittance = remittance.model_copy(update={"claims": tuple(claims)})
        if not remittance.is_balanced and bpr_at is not None:
            self.finding(
                "X12-835-UNBALANCED",
                f"BPR02 {remittance.total_paid_amount} is not the claim payments "
                f"{remittance.claims_paid_total} less the provider adjustments "
                f"{remittance.provider_adjustment_total}",
                bpr_at,
                "HEADER",
                2,
            )
        return remittance


_CLAIM_SEGMENTS = frozenset(
    {"CAS", "NM1", "MIA", "MOA", "REF", "DTM", "PER", "AMT", "QTY", "SVC", "LQ"}
)


class _Claim:
    """Collects one 2100 loop (CLP and what follows it) into a `ClaimPayment`."""

    __slots__ = ("adjustments", "bad", "clp", "line", "lines", "reader", "values")

    def __init__(self, reader: _Reader, seg: tuple[int, str], e: list[str]) -> None:
        self.reader = reader
        self.clp = seg
        self.bad = False
        self.adjustments: list[Adjustment] = []
        self.lines: list[ServicePayment] = []
        self.line: _Line | None = None
        try:
            status = _STATUS.get(_el(e, 2))
            if status is None:
                raise _Bad(2, f"{_el(e, 2)!r} is not a claim status code (CLP02)")
            pcn = _el(e, 1)
            if not pcn:
                raise _Bad(1, "CLP01, the patient control number, is empty")
            values: dict[str, Any] = {
                "patient_control_number": pcn,
                "status": status,
                "charge_amount": _money(_el(e, 3), 3),
                "paid_amount": _money(_el(e, 4), 4),
            }
            n = len(e)
            if n > 5 and e[5]:
                values["patient_responsibility_amount"] = _money(e[5].strip(), 5)
            if n > 6:
                values["claim_filing_indicator"] = _opt(e, 6)
                values["payer_claim_control_number"] = _opt(e, 7)
                values["facility_code"] = _opt(e, 8)
                values["frequency_code"] = _opt(e, 9)
                values["drg"] = _opt(e, 11)
            self.values = values
        except _Bad as bad:
            self.values = {}
            self.fail(seg, "2100", bad)

    def fail(self, seg: tuple[int, str], loop: str, bad: _Bad) -> None:
        self.bad = True
        self.reader.finding("X12-835-BAD-VALUE", bad.message, seg, loop, bad.element)

    def add(self, seg: tuple[int, str], e: list[str], sid: str, text: str) -> None:
        if self.bad:
            return
        line = self.line
        try:
            if sid == "SVC":
                if line is not None:
                    self.close_line()
                self.line = _Line(_svc_values(self.reader, text, e))
            elif line is not None:
                if sid == "CAS":
                    _cas_adjustments(text, e, line.adjustments)
                else:
                    line.add(e, sid, self.reader, seg)
            elif sid == "CAS":
                _cas_adjustments(text, e, self.adjustments)
            elif sid == "NM1":
                self.name(e)
            elif sid == "MOA":
                self.remarks(e, range(3, 8))
            elif sid == "MIA":
                self.remarks(e, (5, 20, 21, 22, 23))
            elif sid == "DTM":
                qualifier = _el(e, 1)
                field = _CLAIM_DATES.get(qualifier)
                if field is not None:
                    self.values[field] = _date(_el(e, 2), 2)
            elif sid == "AMT":
                field = _CLAIM_AMOUNTS.get(_el(e, 1))
                if field is not None:
                    self.values[field] = _money(_el(e, 2), 2)
        except _Bad as bad:
            self.fail(seg, "2110" if self.line is not None else "2100", bad)

    def remarks(self, e: list[str], positions: Iterable[int]) -> None:
        found = [code for k in positions if (code := _el(e, k))]
        if found:
            self.values["remark_codes"] = self.values.get("remark_codes", ()) + tuple(found)

    def name(self, e: list[str]) -> None:
        entity = _el(e, 1)
        values = self.values
        if entity == "QC":
            values["patient_last_name"] = _opt(e, 3)
            values["patient_first_name"] = _opt(e, 4)
            if _opt(e, 9):
                values["member_id"] = _el(e, 9)
        elif entity == "IL":
            if "member_id" not in values and _opt(e, 9):
                values["member_id"] = _el(e, 9)
        elif entity == "82":
            if _el(e, 8) == "XX":
                values["rendering_npi"] = _opt(e, 9)
        elif entity == "TT":
            values["crossover_payer_name"] = _opt(e, 3)
            values["crossover_payer_id"] = _opt(e, 9)
        elif entity == "PR":
            values["corrected_priority_payer_name"] = _opt(e, 3)
            values["corrected_priority_payer_id"] = _opt(e, 9)

    def close_line(self) -> None:
        line = self.line
        self.line = None
        if line is None:
            return
        built = line.build()
        if built is None:
            self.bad = True
            return
        self.lines.append(built)

    def build(self) -> ClaimPayment | None:
        if not self.bad and self.line is not None:
            self.close_line()
        if self.bad:
            return None
        values = self.values
        if self.adjustments:
            values["adjustments"] = tuple(self.adjustments)
        if self.lines:
            values["lines"] = tuple(self.lines)
        claim = _CLAIM(values)
        self.check_balance(claim)
        return claim

    def check_balance(self, claim: ClaimPayment) -> None:
        adjusted = sum((a.amount for a in claim.adjustments), Decimal(0))
        for line in claim.lines:
            line_adjusted = sum((a.amount for a in line.adjustments), Decimal(0))
            adjusted += line_adjusted
        if claim.charge_amount - claim.paid_amount != adjusted:
            self.reader.finding(
                "X12-835-CLAIM-BALANCE",
                f"claim {claim.patient_control_number}: charge {claim.charge_amount} less paid "
                f"{claim.paid_amount} is not the {adjusted} adjusted by CAS",
                self.clp,
                "2100",
                severity=Severity.WARNING,
            )


_CLAIM_DATES = {
    "232": "statement_from",
    "233": "statement_to",
    "050": "received_date",
    "036": "coverage_expiration_date",
}
_CLAIM_AMOUNTS = {"AU": "coverage_amount", "I": "interest_amount"}


class _Line:
    """Collects one 2110 loop (SVC and what follows it) into a `ServicePayment`."""

    __slots__ = ("adjustments", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.adjustments: list[Adjustment] = []

    @staticmethod
    def parse(component: str, e: list[str]) -> dict[str, Any]:
        """The values of the SVC segment `e`."""
        n = len(e)
        if n < 4:
            raise _Bad(n, "SVC needs its procedure (SVC01), charge (SVC02) and payment (SVC03)")
        composite = e[1].strip().split(component)
        if len(composite) < 2 or not composite[1].strip():
            raise _Bad(1, "SVC01 has no procedure code")
        values: dict[str, Any] = {
            "procedure_qualifier": composite[0].strip(),
            "procedure": composite[1].strip(),
            "charge_amount": _money(e[2].strip(), 2),
            "paid_amount": _money(e[3].strip(), 3),
        }
        if len(composite) > 2:
            values["modifiers"] = tuple(m.strip() for m in composite[2:6] if m.strip())
        if n > 4:
            if e[4]:
                values["revenue_code"] = _opt(e, 4)
            if n > 5 and e[5].strip():
                values["units"] = _quantity(e[5].strip(), 5)
            if n > 6 and e[6].strip():
                original = e[6].strip().split(component)
                values["original_procedure"] = original[1].strip() if len(original) > 1 else None
            if n > 7 and e[7].strip():
                values["original_units"] = _quantity(e[7].strip(), 7)
        return values

    def add(self, e: list[str], sid: str, reader: _Reader, seg: tuple[int, str]) -> None:
        values = self.values
        if sid == "CAS":
            _adjustments(e, self.adjustments)
        elif sid == "DTM":
            qualifier = e[1].strip() if len(e) > 1 else ""
            if qualifier in ("472", "150"):
                values["service_date"] = _date(_el(e, 2), 2)
            elif qualifier == "151":
                values["service_date_end"] = _date(_el(e, 2), 2)
        elif sid == "REF":
            if _el(e, 1) == "6R":
                values["line_control_number"] = _opt(e, 2)
        elif sid == "AMT":
            if _el(e, 1) == "B6":
                values["allowed_amount"] = _money(_el(e, 2), 2)
        elif sid == "LQ":
            if _el(e, 1) == "HE" and _el(e, 2):
                values["remark_codes"] = (*values.get("remark_codes", ()), _el(e, 2))
        elif sid not in ("QTY",):
            reader.finding(
                "X12-835-UNEXPECTED-SEGMENT",
                f"{sid[:3]} is not expected in a service payment loop",
                seg,
                "2110",
                severity=Severity.WARNING,
            )

    def build(self) -> ServicePayment:
        if self.adjustments:
            self.values["adjustments"] = tuple(self.adjustments)
        return _LINE(self.values)


def _svc_values(reader: _Reader, text: str, e: list[str]) -> dict[str, Any]:
    """`_Line.parse` of the SVC segment `text`, once per text and component separator (the
    line adds to the copy it gets)."""
    cache = reader.svc_cache
    values = cache.get(text)
    if values is None:
        values = _Line.parse(reader.component, e)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[text] = values
    return values.copy()


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


# ------------------------------------------------------------------ writing


def write_835(
    remittances: Iterable[Remittance],
    header: InterchangeHeader,
    *,
    provider_summary: bool = False,
) -> str:
    """One interchange (GS01 HP) with one 835 transaction set per remittance.

    `provider_summary` adds a TS3 to the LX loop, totalling the claims (count and charges)
    with the payee's identifier and the first claim's facility code.
    """
    with collector_paused():  # writing makes many small acyclic objects
        bodies = [
            TransactionBody(
                "835",
                _body(r, header, provider_summary),
                IMPLEMENTATION,
                control_number=r.control_number,
            )
            for r in remittances
        ]
        text = write_interchange(
            bodies, header, functional_id=FUNCTIONAL_ID, version=IMPLEMENTATION
        )
        del bodies
    # X221A1 marks ST03 "not used"; the envelope writes it for every guide, so drop it here,
    # in one pass over the text (a replace per set would copy the text once per set)
    e, t = re.escape(header.delimiters.element), re.escape(header.delimiters.segment)
    st03 = re.compile(f"(ST{e}835{e}[^{e}{t}]*){e}{re.escape(IMPLEMENTATION)}(?={t})")
    return st03.sub(r"\1", text)


def _name(value: str | None, width: int) -> str | None:
    return x12_text(value)[:width] if value else None


def _body(r: Remittance, header: InterchangeHeader, provider_summary: bool) -> list[str]:
    w = SegmentWriter(header.delimiters)
    add = w.add
    payer_account = r.payer_account
    payee_account = r.payee_account
    add(
        "BPR",
        r.handling_code,
        x12_amount(r.total_paid_amount),
        r.credit_debit,
        r.payment_method.value,
        "CCP" if r.payment_method is PaymentMethod.ACH else None,
        payer_account.dfi_qualifier if payer_account else None,
        payer_account.dfi_id if payer_account else None,
        payer_account.account_qualifier if payer_account else None,
        payer_account.account_number if payer_account else None,
        r.payer_company_id,
        None,
        payee_account.dfi_qualifier if payee_account else None,
        payee_account.dfi_id if payee_account else None,
        payee_account.account_qualifier if payee_account else None,
        payee_account.account_number if payee_account else None,
        x12_date(r.payment_date),
    )
    add("TRN", "1", r.trace_number, r.payer_trace_id)
    if r.production_date is not None:
        add("DTM", "405", x12_date(r.production_date))
    _party(w, "PR", r.payer)
    _party(w, "PE", r.payee)
    if r.claims:
        add("LX", "1")
        if provider_summary:
            add(
                "TS3",
                r.payee.identifier or "",
                r.claims[0].facility_code or "11",
                x12_date(date(r.payment_date.year, 12, 31)),
                str(len(r.claims)),
                x12_amount(sum((c.charge_amount for c in r.claims), Decimal(0))),
            )
        for claim in r.claims:
            _claim(w, claim)
    for plb in r.provider_adjustments:
        for start in range(0, len(plb.adjustments), 6):
            elements: list[str | tuple[str | None, ...] | None] = [
                plb.provider_id,
                x12_date(plb.fiscal_period_date),
            ]
            for adj in plb.adjustments[start : start + 6]:
                elements.append((adj.reason, adj.reference))
                elements.append(x12_amount(adj.amount))
            add("PLB", *elements)
    return w.segments


def _party(w: SegmentWriter, entity: str, party: Party) -> None:
    if entity == "PR":
        qualifier = party.identifier_qualifier if party.identifier_qualifier == "XV" else None
        w.add("N1", "PR", _name(party.name, 60), qualifier, party.identifier if qualifier else None)
    else:
        w.add("N1", "PE", _name(party.name, 60), party.identifier_qualifier, party.identifier)
    if party.address_line:
        w.add("N3", _name(party.address_line, 55))
    if party.city or party.state or party.zip_code:
        w.add("N4", _name(party.city, 30), party.state, party.zip_code)
    if entity == "PR":
        if party.identifier and party.identifier_qualifier != "XV":
            w.add("REF", "2U", party.identifier)
        w.add(
            "PER",
            "BL",
            _name(party.contact_name, 60),
            "TE" if party.contact_phone else None,
            party.contact_phone,
        )


def _cas(w: SegmentWriter, adjustments: Sequence[Adjustment]) -> None:
    """One CAS per run of adjustments with the same group code, at most six per segment."""
    i = 0
    n = len(adjustments)
    while i < n:
        group = adjustments[i].group
        elements: list[str | None] = [group]
        taken = 0
        while i < n and adjustments[i].group == group and taken < 6:
            a = adjustments[i]
            elements.append(a.reason)
            elements.append(x12_amount(a.amount))
            elements.append(x12_decimal(a.quantity) if a.quantity is not None else None)
            i += 1
            taken += 1
        w.add("CAS", *elements)


def _claim(w: SegmentWriter, c: ClaimPayment) -> None:
    add = w.add
    add(
        "CLP",
        c.patient_control_number,
        c.status.value,
        x12_amount(c.charge_amount),
        x12_amount(c.paid_amount),
        x12_amount(c.patient_responsibility_amount)
        if c.patient_responsibility_amount is not None
        else None,
        c.claim_filing_indicator,
        c.payer_claim_control_number,
        c.facility_code,
        c.frequency_code,
        None,
        c.drg,
    )
    _cas(w, c.adjustments)
    add(
        "NM1",
        "QC",
        "1",
        _name(c.patient_last_name, 60),
        _name(c.patient_first_name, 35),
        None,
        None,
        None,
        "MI" if c.member_id else None,
        c.member_id,
    )
    if c.rendering_npi:
        add("NM1", "82", "1", None, None, None, None, None, "XX", c.rendering_npi)
    if c.crossover_payer_name:
        add(
            "NM1", "TT", "2", _name(c.crossover_payer_name, 60), None, None, None, None, "PI",
            c.crossover_payer_id,
        )  # fmt: skip
    if c.corrected_priority_payer_name:
        add(
            "NM1", "PR", "2", _name(c.corrected_priority_payer_name, 60), None, None, None, None,
            "PI", c.corrected_priority_payer_id,
        )  # fmt: skip
    if c.remark_codes:
        add("MOA", None, None, *c.remark_codes[:5])
    if c.statement_from is not None:
        add("DTM", "232", x12_date(c.statement_from))
    if c.statement_to is not None:
        add("DTM", "233", x12_date(c.statement_to))
    if c.coverage_expiration_date is not None:
        add("DTM", "036", x12_date(c.coverage_expiration_date))
    if c.received_date is not None:
        add("DTM", "050", x12_date(c.received_date))
    if c.coverage_amount is not None:
        add("AMT", "AU", x12_amount(c.coverage_amount))
    if c.interest_amount is not None:
        add("AMT", "I", x12_amount(c.interest_amount))
    for line in c.lines:
        _line(w, line)


def _line(w: SegmentWriter, s: ServicePayment) -> None:
    add = w.add
    add(
        "SVC",
        (s.procedure_qualifier, s.procedure, *s.modifiers),
        x12_amount(s.charge_amount),
        x12_amount(s.paid_amount),
        s.revenue_code,
        x12_decimal(s.units) if s.units != 1 else None,
        (s.procedure_qualifier, s.original_procedure) if s.original_procedure else None,
        x12_decimal(s.original_units) if s.original_units is not None else None,
    )
    if s.service_date is not None:
        if s.service_date_end is not None:
            add("DTM", "150", x12_date(s.service_date))
            add("DTM", "151", x12_date(s.service_date_end))
        else:
            add("DTM", "472", x12_date(s.service_date))
    _cas(w, s.adjustments)
    if s.line_control_number:
        add("REF", "6R", s.line_control_number)
    if s.allowed_amount is not None:
        add("AMT", "B6", x12_amount(s.allowed_amount))
    for code in s.remark_codes:
        add("LQ", "HE", code)
