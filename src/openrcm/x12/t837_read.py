"""Reading 837P and 837I transaction sets into `domain.Claim` (see `openrcm.x12.t837`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from pydantic import ValidationError

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    ClaimId,
    ClaimKind,
    Diagnosis,
    DiagnosisKind,
    LineAdjudication,
    OtherPayer,
    ServiceLine,
)
from openrcm.domain.finding import Finding, SegmentRef, Severity
from openrcm.domain.identifiers import US_STATES
from openrcm.domain.party import (
    Address,
    ClaimFilingIndicator,
    Coverage,
    CoveragePriority,
    EntityType,
    Patient,
    PatientId,
    Payer,
    PayerId,
    Person,
    PersonName,
    Provider,
    ProviderId,
    ProviderRole,
    Relationship,
    Sex,
)
from openrcm.domain.trusted import trusted_call
from openrcm.gcpause import ReadCaches, paused_while_working
from openrcm.x12.envelope import (
    EnvelopeReader,
    TransactionSet,
)
from openrcm.x12.segments import (
    parse_amount,
    parse_date,
    parse_date_range,
    x12_date,
)
from openrcm.x12.t837_layout import (
    FILING,
    INSTITUTIONAL,
    PRIORITY,
    PROFESSIONAL,
    RELATIONSHIP,
    ROLE_OF,
    SEX,
    UNKNOWN_BIRTH_DATE,
    Layout,
    borrow_birth,
    coverage_id,
    dependent_id,
)
from openrcm.x12.tokenizer import _Readable

_T = TypeVar("_T")
# ====================================================================== reading


@dataclass(slots=True)
class _Named:
    """An NM1 loop being read: the name segment's elements (and text) and its
    N3/N4/REF/PRV/DMG. `refs` and `dtp` are made when a REF or DTP comes (most loops have
    none: two empty dicts per NM1 were a tenth of the drafting)."""

    nm1: list[str]
    index: int
    text: str
    n3: list[str] | None = None
    n4: list[str] | None = None
    refs: dict[str, str] | None = None
    prv: str | None = None
    dmg: list[str] | None = None
    dtp: dict[str, str] | None = None


@dataclass(slots=True)
class _OtherDraft:
    sbr: list[str]
    cas: list[str] = field(default_factory=list)  # CAS segment texts
    paid: str | None = None
    subscriber: _Named | None = None
    payer: _Named | None = None


@dataclass(slots=True)
class _LineDraft:
    """A 2400 loop being read. Only its DTP*472 and REF*G1 are read (the last of each),
    so they are kept alone instead of in dicts; `svd` is made when an SVD comes."""

    lx: list[str]
    index: int
    service: list[str] | None = None
    dtp472: list[str] | None = None
    g1: str | None = None
    lin: list[str] | None = None
    ctp: list[str] | None = None
    rendering: _Named | None = None
    svd: list[tuple[list[str], list[str], str]] | None = None  # with their CAS texts


@dataclass(slots=True)
class _ClaimDraft:
    clm: list[str]
    index: int
    dtp: dict[str, list[str]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    hi: list[list[str]] = field(default_factory=list)
    cl1: list[str] | None = None
    providers: dict[str, _Named] = field(default_factory=dict)
    others: list[_OtherDraft] = field(default_factory=list)
    lines: list[_LineDraft] = field(default_factory=list)


def _g(e: list[str], i: int) -> str:
    return e[i] if i < len(e) else ""


class _Reader837:
    """Reads the claims of one 837 transaction set; findings go to `findings`.

    With a `memo` (a dict shared by the sets of one file) the reader takes the fast way:
    records that repeat (providers, people, payers, diagnoses, adjustments) are built once
    by full validation and shared (they are immutable), and claims, lines and coverages
    whose every value passes the checks in `_fast_claim` are built without validating
    them again (`domain.trusted`). A claim that fails any fast check is built the full way,
    so bad data yields the same findings either way. Without a memo, everything is built
    by full validation (the reference the tests compare the fast way with).
    """

    def __init__(
        self,
        ts: TransactionSet,
        layout: Layout,
        findings: list[Finding],
        memo: dict[Any, Any] | None = None,
    ) -> None:
        self.ts = ts
        self.layout = layout
        self.findings = findings
        self.memo = memo
        self.component = ts.delimiters.component
        self.repetition = ts.delimiters.repetition
        self.pointers = _POINTERS.setdefault(self.component, {})
        self.element = ts.delimiters.element
        # HI values read before, with their diagnosis (None: not one); per component separator
        self.hi_values: dict[str, object] = (
            memo.setdefault(("hi-values", self.component), {}) if memo is not None else {}
        )
        self.cas_cache: dict[str, tuple[Adjustment, ...]] = (
            memo.setdefault("cas-segments", {}) if memo is not None else {}
        )
        self.procedures = _PROCEDURES.setdefault(self.component, {})
        self.adjudicated = _ADJUDICATED.setdefault(self.component, {})
        self.last_coverage = ("", "", "")  # (payer id, member id, coverage id); none empty
        self.billing: _Named | None = None
        self.billing_prv: str | None = None
        self.billing_cache: Provider | None = None
        self.sbr: list[str] | None = None
        self.subscriber: _Named | None = None
        self.payer: _Named | None = None
        self.subscriber_cache: tuple[Person, Payer] | None = None
        self.pat: list[str] | None = None
        self.patient: _Named | None = None
        self.patient_cache: tuple[Relationship, Patient] | None = None

    def finding(
        self,
        code: str,
        message: str,
        index: int,
        segment_id: str,
        loop: str | None,
        element: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                severity=severity,
                message=message,
                segment=SegmentRef(
                    segment_index=index, segment_id=segment_id, loop=loop, element=element
                ),
            )
        )

    def claims(self, runs: Iterable[tuple[list[str], int]]) -> Iterator[Claim]:
        """The claims of the set whose body segments come as runs ``(texts, first_index)``.

        Each claim is yielded as soon as it is built: holding claims back (to read a run
        with the cyclic GC paused, say) makes every collection walk them, and costs more
        than it saves once a file has thousands of claims.
        """
        base = self.ts.header.index - 1
        claim: _ClaimDraft | None = None
        loop = ""  # the loop the last NM1/SBR/LX/SVD opened
        named: _Named | None = None
        other: _OtherDraft | None = None
        line: _LineDraft | None = None
        svd: tuple[list[str], list[str], str] | None = None
        # where a CAS goes now (the open SVD's, or the other payer's before its NM1s), else
        # None: a CAS is kept as its text, so it is taken before the segment is split
        cas_texts: list[str] | None = None
        cas = "CAS" + self.ts.delimiters.element
        provider_codes = {nm101 for nm101, _a, _l, _p in self.layout.providers}
        build = self.build
        el = self.ts.delimiters.element
        for rows, first in runs:
            for pos, text in enumerate(rows, first - base):
                if cas_texts is not None and text.startswith(cas):
                    cas_texts.append(text)
                    continue
                e = text.split(el)
                sid = e[0]
                if claim is not None:
                    # ---------------------------------------------- inside a line
                    if line is not None:
                        if sid == "SV1" or sid == "SV2":
                            line.service = e
                            continue
                        if sid == "DTP" and svd is None and named is None:
                            if len(e) > 1 and e[1] == "472":
                                line.dtp472 = e
                            continue
                        if sid == "LX":
                            # positional: keywords cost half as much again
                            line = _LineDraft(e, pos)
                            claim.lines.append(line)
                            named, svd, cas_texts = None, None, None
                            loop = "2400"
                            continue
                        if sid == "SVD":
                            svd = (e, [], "")
                            if line.svd is None:
                                line.svd = [svd]
                            else:
                                line.svd.append(svd)
                            named, cas_texts = None, svd[1]
                            loop = "2430"
                            continue
                        if sid == "HL" or sid == "CLM":
                            pass  # handled below
                        elif svd is not None:
                            if sid == "CAS":
                                svd[1].append(text)
                            elif sid == "DTP" and (e[1] if len(e) > 1 else "") == "573":
                                line.svd[-1] = svd = (  # type: ignore[index]
                                    svd[0],
                                    svd[1],
                                    (e[3] if len(e) > 3 else ""),
                                )
                            continue
                        elif sid == "NM1":
                            named = _Named(e, pos, text)
                            if (e[1] if len(e) > 1 else "") == "82" and line.rendering is None:
                                line.rendering = named
                            loop = "2420"
                            continue
                        elif named is not None:
                            _attach(named, e)
                            continue
                        elif sid == "REF":
                            if len(e) > 1 and e[1] == "G1":
                                line.g1 = e[2] if len(e) > 2 else ""
                            continue
                        elif sid == "LIN":
                            line.lin = e
                            continue
                        elif sid == "CTP":
                            line.ctp = e
                            continue
                        else:
                            continue
                    # -------------------------------------------------- inside a claim
                    elif sid == "LX":
                        line = _LineDraft(e, pos)
                        claim.lines.append(line)
                        named, svd, cas_texts = None, None, None
                        loop = "2400"
                        continue
                    elif sid == "HL" or sid == "CLM":
                        pass  # handled below
                    elif other is None and sid == "HI":
                        claim.hi.append(e)
                        continue
                    elif other is None and sid == "DTP":
                        claim.dtp[(e[1] if len(e) > 1 else "")] = e
                        continue
                    elif other is None and sid == "REF" and named is None:
                        claim.refs[(e[1] if len(e) > 1 else "")] = e[2] if len(e) > 2 else ""
                        continue
                    elif other is None and sid == "NTE":
                        claim.note = e[2] if len(e) > 2 else ""
                        continue
                    elif sid == "CL1":
                        claim.cl1 = e
                        continue
                    elif sid == "SBR":
                        other = _OtherDraft(e)
                        claim.others.append(other)
                        named, cas_texts = None, other.cas
                        loop = "2320"
                        continue
                    elif sid == "NM1":
                        code = e[1] if len(e) > 1 else ""
                        named, cas_texts = _Named(e, pos, text), None
                        if other is not None:
                            if code == "IL":
                                other.subscriber = named
                                loop = "2330A"
                            elif code == "PR":
                                other.payer = named
                                loop = "2330B"
                            else:
                                loop = "2330?"
                        elif code in provider_codes and code not in claim.providers:
                            claim.providers[code] = named
                            loop = "2310"
                        else:
                            loop = "2310?"
                        continue
                    elif other is not None and named is None:
                        if sid == "CAS":
                            other.cas.append(text)
                        elif sid == "AMT" and (e[1] if len(e) > 1 else "") == "D":
                            other.paid = e[2] if len(e) > 2 else ""
                        continue
                    elif named is not None:
                        _attach(named, e)
                        continue
                    else:
                        continue
                if sid == "HL":
                    if claim is not None:
                        built = build(claim)
                        if built is not None:
                            yield built
                        claim = None
                    level = e[3] if len(e) > 3 else ""
                    named, other, line, svd, cas_texts = None, None, None, None, None
                    if level == "20":
                        self.billing, self.billing_prv, self.billing_cache = None, None, None
                        loop = "2000A"
                    elif level == "22":
                        self.sbr, self.subscriber, self.payer = None, None, None
                        self.subscriber_cache = None
                        self.pat, self.patient, self.patient_cache = None, None, None
                        loop = "2000B"
                    elif level == "23":
                        self.pat, self.patient, self.patient_cache = None, None, None
                        loop = "2000C"
                    else:
                        loop = "HL?"
                elif sid == "CLM":
                    if claim is not None:
                        built = build(claim)
                        if built is not None:
                            yield built
                    claim = _ClaimDraft(e, pos)
                    named, other, line, svd, cas_texts = None, None, None, None, None
                    loop = "2300"
                # ---------------------------------------------- 2000A/B/C levels
                elif sid == "NM1":
                    code = e[1] if len(e) > 1 else ""
                    named = _Named(e, pos, text)
                    if code == "85":
                        self.billing = named
                        loop = "2010AA"
                    elif code == "IL":
                        self.subscriber = named
                        loop = "2010BA"
                    elif code == "PR":
                        self.payer = named
                        loop = "2010BB"
                    elif code == "QC":
                        self.patient = named
                        loop = "2010CA"
                    else:
                        loop = "other"
                elif sid == "N3":
                    if named is not None:
                        named.n3 = e
                elif sid == "N4":
                    if named is not None:
                        named.n4 = e
                elif sid == "DMG":
                    if named is not None:
                        named.dmg = e
                elif sid in ("REF", "PER"):
                    if named is not None:
                        _attach(named, e)
                elif sid == "PRV" and loop == "2000A":
                    self.billing_prv = e[3] if len(e) > 3 else ""
                elif sid == "SBR":
                    self.sbr = e
                elif sid == "PAT":
                    self.pat = e
        if claim is not None:
            built = build(claim)
            if built is not None:
                yield built

    # ------------------------------------------------------------------ building
    def build(self, draft: _ClaimDraft) -> Claim | None:
        if self.memo is not None:
            try:
                fast = self._fast_claim(draft)
            except _NOT_FAST:
                fast = None
            if fast is not None:
                return fast
        try:
            return self._build(draft)
        except (ValidationError, ValueError, IndexError, KeyError, TypeError) as exc:
            pcn = _g(draft.clm, 1)
            reason = _reason(exc)
            self.finding(
                "X12-CLAIM-UNREADABLE",
                f"claim {pcn!r} cannot be read into a claim: {reason}",
                draft.index,
                "CLM",
                "2300",
            )
            return None

    def cached(self, key: Any, make: Callable[[], _T]) -> _T:
        """``make()``, built once per `key` when the reader has a memo (records are immutable)."""
        memo = self.memo
        if memo is None:
            return make()
        value = memo.get(key)
        if value is None:
            value = make()
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = value
        return value

    def _billing_provider(self) -> Provider:
        if self.billing_cache is None:
            if self.billing is None:
                raise ValueError("the billing provider (2010AA NM1*85) is missing")
            self.billing_cache = self.provider(
                self.billing, ProviderRole.BILLING, self.billing_prv, True
            )
        return self.billing_cache

    def _subscriber_and_payer(self) -> tuple[Person, Payer]:
        if self.subscriber_cache is None:
            if self.subscriber is None or self.payer is None or self.sbr is None:
                raise ValueError("the subscriber loop (2000B SBR, 2010BA, 2010BB) is incomplete")
            person = self.person(self.subscriber)
            payer = self.payer_from(self.payer, _g(self.sbr, 9))
            self.subscriber_cache = (person, payer)
        return self.subscriber_cache

    def _patient(self, subscriber: Person, member_id: str) -> tuple[Relationship, Patient]:
        """The claim's patient: the 2000C patient when there is one, else the subscriber."""
        if self.patient_cache is None:
            if self.patient is not None and self.pat is not None:
                relationship = RELATIONSHIP.get(_g(self.pat, 1), Relationship.OTHER)
                person = self.person(self.patient)
                patient = self.patient_record(
                    dependent_id(member_id, person.name, person.birth_date), person
                )
            else:
                relationship = Relationship.SELF
                patient = self.patient_record(PatientId(member_id), subscriber)
            self.patient_cache = (relationship, patient)
        return self.patient_cache

    def patient_record(self, patient_id: PatientId, person: Person) -> Patient:
        """The patient `person` is, under `patient_id`."""
        # a Person's fields are valid Patient fields; the id is the member id as the file
        # has it, which the record strips (this may run before the fast way checks it)
        if self.memo is not None and patient_id == patient_id.strip():
            return _PATIENT(patient_id, person.name, person.birth_date, person.sex, person.address)
        return Patient(
            id=patient_id,
            name=person.name,
            birth_date=person.birth_date,
            sex=person.sex,
            address=person.address,
        )

    # --------------------------------------------------------- shared records (memoised)
    def provider(
        self,
        named: _Named,
        role: ProviderRole,
        taxonomy: str | None,
        with_address: bool,
        keep_tin: bool = True,
    ) -> Provider:
        if self.memo is None:
            return _provider(named, role, taxonomy, with_address, keep_tin)
        fast = _fast_provider(named, role, taxonomy, with_address, keep_tin)
        if fast is not None:
            return fast
        refs = named.refs or _NONE
        key = (
            "provider",
            tuple(named.nm1),
            (_tuple(named.n3), _tuple(named.n4)) if with_address else None,
            (refs.get("EI"), refs.get("SY")) if keep_tin else None,
            taxonomy,
            role,
        )
        return self.cached(key, lambda: _provider(named, role, taxonomy, with_address, keep_tin))

    def person(self, named: _Named) -> Person:
        if self.memo is None:
            return _person_from(named)
        fast = _fast_person(named)
        if fast is not None:
            return fast
        key = ("person", tuple(named.nm1), _tuple(named.n3), _tuple(named.n4), _tuple(named.dmg))
        return self.cached(key, lambda: _person_from(named))

    def payer_from(self, named: _Named, filing: str) -> Payer:
        if self.memo is None:
            return _payer_from(named, filing)
        # the NM1 text with the separator it is split with: one string instead of a tuple
        n3, n4 = named.n3, named.n4
        key = (
            "payer",
            self.element,
            named.text,
            None if n3 is None else tuple(n3),
            None if n4 is None else tuple(n4),
            filing,
        )
        found = self.memo.get(key)  # looked up here first: a call per payer saved
        if found is not None:
            return found  # type: ignore[no-any-return]
        return self.cached(key, lambda: _fast_payer(named, filing) or _payer_from(named, filing))

    def adjustments(self, cas_segments: list[str]) -> tuple[Adjustment, ...]:
        """The adjustments of the CAS segments (texts) of a line or other payer."""
        if self.memo is None:
            return _adjustments([text.split(self.element) for text in cas_segments])
        known = self.cas_cache  # looked up here first: a call per CAS saved
        if len(cas_segments) == 1:
            text = cas_segments[0]
            return known.get(text) or self._cas(text)
        out: list[Adjustment] = []
        for text in cas_segments:
            out.extend(known.get(text) or self._cas(text))
        return tuple(out)

    def _cas(self, text: str) -> tuple[Adjustment, ...]:
        """The adjustments of one CAS segment, once per file for the same text (a file
        repeats its adjustments). The text alone decides them: its fourth character is the
        element separator, and no CAS element is a composite."""
        found = self.cas_cache.get(text)
        if found is None:
            found = self._cas_adjustments(text.split(self.element))
            if len(self.cas_cache) >= _MEMO_SIZE:
                self.cas_cache.clear()
            self.cas_cache[text] = found
        return found

    def _cas_adjustments(self, cas: list[str]) -> tuple[Adjustment, ...]:
        out = []
        group = _g(cas, 1)
        for k in range(2, len(cas), 3):
            reason = cas[k]
            if not reason:
                continue
            amount = _g(cas, k + 1)
            quantity = _g(cas, k + 2)
            fast = _fast_adjustment(group, reason, amount, quantity)
            if fast is not None:
                out.append(fast)
                continue
            out.append(
                self.cached(
                    ("adjustment", group, reason, amount, quantity),
                    partial(_one_adjustment, group, reason, amount, quantity),
                )
            )
        return tuple(out)

    def diagnosis(self, code: str, kind: DiagnosisKind, poa: str | None = None) -> Diagnosis:
        if self.memo is None:
            return Diagnosis(code=code, kind=kind, present_on_admission=poa)
        found = self.memo.get(("dx", code, kind, poa))
        if found is not None:
            return found  # type: ignore[no-any-return]
        return self.cached(
            ("dx", code, kind, poa),
            lambda: Diagnosis(code=code, kind=kind, present_on_admission=poa),
        )

    # ------------------------------------------------------------------ full way
    def _build(self, d: _ClaimDraft) -> Claim:
        layout = self.layout
        c = d.clm
        comp = self.component
        subscriber, payer = self._subscriber_and_payer()
        sbr = self.sbr or []
        member_id = _g(self.subscriber.nm1, 9) if self.subscriber else ""
        relationship, patient = self._patient(subscriber, member_id)
        clm05 = _g(c, 5).split(comp)
        # ---- lines
        lines = []
        for ld in d.lines:
            lines.append(self._line(ld, layout, comp))
        first = min(line.service_date for line in lines) if lines else None
        statement = None
        if layout is INSTITUTIONAL:
            dtp434 = d.dtp.get("434")
            statement = parse_date_range(_g(dtp434, 3)) if dtp434 else None
            if statement is not None:
                first = statement[0] if first is None else min(first, statement[0])
                lines = [
                    ln
                    if ln.service_date is not _NO_DATE
                    else ln.model_copy(update={"service_date": statement[0]})
                    for ln in lines
                ]
        if first is None:
            raise ValueError("the claim has no service lines")
        coverage = Coverage(
            id=coverage_id(payer.id, member_id),
            patient_id=patient.id,
            payer_id=payer.id,
            priority=PRIORITY.get(_g(sbr, 1), CoveragePriority.PRIMARY),
            subscriber=subscriber,
            relationship=relationship,
            member_id=member_id,
            group_number=_g(sbr, 3) or None,
            group_name=_g(sbr, 4) or None,
            effective_date=first,
        )
        fields: dict[str, Any] = {
            "id": ClaimId(_g(c, 1)),
            "kind": layout.kind,
            "patient_control_number": _g(c, 1),
            "total_charge_amount": parse_amount(_g(c, 2)),
            "frequency_code": clm05[2] if len(clm05) > 2 and clm05[2] else "1",
            "assignment": _g(c, 7) or "A",
            "benefits_assigned": _g(c, 8) != "N",
            "release_of_information": _g(c, 9) or "Y",
            "billing_provider": self._billing_provider(),
            "patient": patient,
            "coverage": coverage,
            "payer": payer,
            "lines": tuple(lines),
            "payer_claim_control_number": d.refs.get("F8") or None,
            "prior_authorization": d.refs.get("G1") or None,
            "referral_number": d.refs.get("9F") or None,
            "note": d.note or None,
        }
        if layout is PROFESSIONAL:
            fields["place_of_service"] = clm05[0] or None
            fields["provider_signature"] = _g(c, 6) != "N"
            onset = d.dtp.get("431")
            if onset:
                fields["onset_date"] = parse_date(_g(onset, 3))
            fields["diagnoses"] = tuple(self._professional_diagnoses(d.hi))
        else:
            fields["type_of_bill"] = clm05[0] + fields["frequency_code"]
            if statement is not None:
                fields["statement_from"], fields["statement_to"] = statement
            admission = d.dtp.get("435")
            if admission:
                fields["admission_date"] = parse_date(_g(admission, 3)[:8])
            if d.cl1:
                fields["admission_type"] = _g(d.cl1, 1) or None
                fields["admission_source"] = _g(d.cl1, 2) or None
                fields["patient_status"] = _g(d.cl1, 3) or None
            self._institutional_codes(d.hi, fields)
        self._claim_parties(d, layout, fields, subscriber, patient)
        return Claim(**fields)

    def _claim_parties(
        self,
        d: _ClaimDraft,
        layout: Layout,
        fields: dict[str, Any],
        subscriber: Person,
        patient: Patient,
    ) -> None:
        """The claim's 2310 providers and 2320 other payers, into `fields` (the full way;
        `_fast_claim` passes them to its builder)."""
        providers = d.providers
        if providers:
            for nm101, attribute, _loop, _prv in layout.providers:
                named = providers.get(nm101)
                if named is not None:
                    fields[attribute] = self.provider(
                        named,
                        ROLE_OF[attribute],
                        named.prv,
                        attribute == "service_facility",
                        False,  # keep_tin
                    )
        others = d.others
        fields["other_payers"] = (
            tuple([self._other(o, subscriber, patient) for o in others]) if others else ()
        )

    def _line(self, ld: _LineDraft, layout: Layout, comp: str) -> ServiceLine:
        sv = ld.service
        if sv is None:
            raise ValueError(f"service line {_g(ld.lx, 1)} has no {layout.service_segment}")
        fields: dict[str, Any] = {"number": int(_g(ld.lx, 1))}
        if layout is PROFESSIONAL:
            procedure = _g(sv, 1).split(comp)
            fields["charge_amount"] = parse_amount(_g(sv, 2))
            fields["unit_basis"] = _g(sv, 3) or "UN"
            units = parse_amount(_g(sv, 4))
            if units is not None:
                fields["units"] = units
            fields["place_of_service"] = _g(sv, 5) or None
            pointers = _g(sv, 7)
            if pointers:
                fields["diagnosis_pointers"] = tuple(int(p) for p in pointers.split(comp) if p)
        else:
            fields["revenue_code"] = _g(sv, 1) or None
            procedure = _g(sv, 2).split(comp) if _g(sv, 2) else ["NU", _g(sv, 1)]
            fields["charge_amount"] = parse_amount(_g(sv, 3))
            fields["unit_basis"] = _g(sv, 4) or "UN"
            units = parse_amount(_g(sv, 5))
            if units is not None:
                fields["units"] = units
        fields["procedure_qualifier"] = procedure[0]
        fields["procedure"] = _g(procedure, 1)
        fields["modifiers"] = tuple(m for m in procedure[2:6] if m)
        dtp = ld.dtp472
        if dtp is not None:
            if _g(dtp, 2) == "RD8":
                span = parse_date_range(_g(dtp, 3))
                if span is None:
                    raise ValueError(
                        f"line {fields['number']}: DTP*472 {_g(dtp, 3)!r} is not a date range"
                    )
                fields["service_date"], fields["service_date_end"] = span
            else:
                fields["service_date"] = parse_date(_g(dtp, 3))
        elif layout is INSTITUTIONAL:
            fields["service_date"] = _NO_DATE
        if ld.g1:
            fields["prior_authorization"] = ld.g1
        if ld.lin is not None:
            fields["ndc"] = _g(ld.lin, 3) or None
            if ld.ctp is not None:
                fields["ndc_quantity"] = parse_amount(_g(ld.ctp, 4))
                fields["ndc_unit"] = _g(ld.ctp, 5).split(comp)[0] or None
        if ld.rendering is not None:
            fields["rendering_provider"] = self.provider(
                ld.rendering, ProviderRole.RENDERING, ld.rendering.prv, False, False
            )
        adjudications = []
        for svd, cas, day in ld.svd or ():
            proc = _g(svd, 3).split(comp)
            adjudication: dict[str, Any] = {
                "payer_id": _g(svd, 1),
                "paid_amount": parse_amount(_g(svd, 2)),
                "procedure": _g(proc, 1),
                "modifiers": tuple(m for m in proc[2:6] if m),
                "adjustments": self.adjustments(cas),
                "adjudication_date": parse_date(day),
            }
            units = parse_amount(_g(svd, 5))
            if units is not None:
                adjudication["units"] = units
            adjudications.append(LineAdjudication(**adjudication))
        fields["adjudications"] = tuple(adjudications)
        return ServiceLine(**fields)

    def _professional_diagnoses(self, his: list[list[str]]) -> list[Diagnosis]:
        out: list[Diagnosis] = []
        if self.memo is not None:  # each HI value's diagnosis, once per file
            known = self.hi_values
            for hi in his:
                for value in hi[1:]:
                    found = known.get(value, _MISSING)
                    if found is _MISSING:
                        found = self._diagnoses_of([["HI", value]])
                        found = found[0] if found else None
                        if len(known) >= _MEMO_SIZE:
                            known.clear()
                        known[value] = found
                    if found is not None:
                        out.append(found)  # type: ignore[arg-type]
            return out
        return self._diagnoses_of(his)

    def _diagnoses_of(self, his: list[list[str]]) -> list[Diagnosis]:
        out = []
        comp = self.component
        for hi in his:
            for value in hi[1:]:
                parts = value.split(comp)
                qualifier = parts[0]
                if qualifier in {"ABK", "BK"}:
                    out.append(self.diagnosis(_g(parts, 1), DiagnosisKind.PRINCIPAL))
                elif qualifier in {"ABF", "BF"}:
                    out.append(self.diagnosis(_g(parts, 1), DiagnosisKind.OTHER))
        return out

    def _institutional_codes(self, his: list[list[str]], fields: dict[str, Any]) -> None:
        comp = self.component
        diagnoses: list[Diagnosis] = []
        occurrences: list[tuple[str, date]] = []
        values: list[tuple[str, Decimal]] = []
        conditions: list[str] = []
        kinds = _INSTITUTIONAL_KINDS
        for hi in his:
            for value in hi[1:]:
                parts = value.split(comp)
                qualifier = parts[0]
                kind = kinds.get(qualifier)
                if kind is not None:
                    poa = _g(parts, 8) or None
                    diagnoses.append(self.diagnosis(_g(parts, 1), kind, poa))
                elif qualifier == "BH":
                    day = parse_date(_g(parts, 3))
                    if day is not None:
                        occurrences.append((_g(parts, 1), day))
                elif qualifier == "BE":
                    amount = parse_amount(_g(parts, 4))
                    if amount is not None:
                        values.append((_g(parts, 1), amount))
                elif qualifier == "BG":
                    conditions.append(_g(parts, 1))
                elif qualifier == "DR":
                    fields["drg"] = _g(parts, 1) or None
        fields["diagnoses"] = tuple(diagnoses)
        fields["occurrence_codes"] = tuple(occurrences)
        fields["value_codes"] = tuple(values)
        fields["condition_codes"] = tuple(conditions)

    def _other(self, o: _OtherDraft, subscriber: Person, patient: Patient) -> OtherPayer:
        if o.subscriber is None or o.payer is None:
            raise ValueError("an other-payer loop (2320) lacks its 2330A or 2330B")
        if self.memo is not None:
            fast = self._fast_other(o, subscriber, patient)
            if fast is not None:
                return fast
        name = _name_from(o.subscriber.nm1)
        birth, sex = borrow_birth(name, subscriber, patient)
        other_subscriber = Person(
            name=name, birth_date=birth, sex=sex, address=_address(o.subscriber)
        )
        fields: dict[str, Any] = {
            "payer": self.payer_from(o.payer, _g(o.sbr, 9)),
            "subscriber": other_subscriber,
            "member_id": _g(o.subscriber.nm1, 9),
            "priority": _g(o.sbr, 1),
            "relationship": RELATIONSHIP.get(_g(o.sbr, 2), Relationship.OTHER),
            "group_number": _g(o.sbr, 3) or None,
            "paid_amount": parse_amount(o.paid) if o.paid else None,
            "adjustments": self.adjustments(o.cas),
            "adjudication_date": parse_date((o.payer.dtp or _NONE).get("573", ""))
            if (o.payer.dtp or _NONE).get("573")
            else None,
            "payer_claim_control_number": (o.payer.refs or _NONE).get("F8") or None,
        }
        return OtherPayer(**fields)

    # ------------------------------------------------------------------ fast way
    def _fast_other(
        self, o: _OtherDraft, subscriber: Person, patient: Patient
    ) -> OtherPayer | None:
        """`_other` without validating twice, or None (see `_fast_claim`)."""
        assert o.subscriber is not None and o.payer is not None
        name = _fast_name(o.subscriber.nm1)
        if name is None:
            return None
        address = None
        if o.subscriber.n3 is not None and o.subscriber.n4 is not None:
            address = _fast_address(o.subscriber.n3, o.subscriber.n4)
            if address is None:
                return None
        if name is subscriber.name:  # names are shared (`_fast_name`): no record comparison
            birth, sex = subscriber.birth_date, subscriber.sex
        else:
            birth, sex = borrow_birth(name, subscriber, patient)
        member_id = _g(o.subscriber.nm1, 9)
        priority = _g(o.sbr, 1)
        group_number = _g(o.sbr, 3) or None
        reference = (o.payer.refs or _NONE).get("F8") or None
        paid = None
        if o.paid:
            paid = _signed_money_text(o.paid)
            if paid is None:
                return None
        if (
            priority not in _PRIORITIES
            or member_id != member_id.strip()
            or (group_number is not None and group_number != group_number.strip())
            or (reference is not None and reference != reference.strip())
        ):
            return None
        day = (o.payer.dtp or _NONE).get("573")
        return _OTHER_PAYER(
            self.payer_from(o.payer, _g(o.sbr, 9)),
            _PERSON(name, birth, sex, address),  # the other subscriber
            member_id,
            priority,
            RELATIONSHIP.get(_g(o.sbr, 2), Relationship.OTHER),
            group_number,
            paid,
            self.adjustments(o.cas),
            parse_date(day) if day else None,  # adjudication date
            reference,  # payer claim control number
        )

    def _fast_claim(self, d: _ClaimDraft) -> Claim | None:
        """The claim `_build` would return, built without validating it twice, or None when
        a value fails a check here (the caller then takes the full way).

        Every check mirrors a field constraint or validator of `Claim`, `ServiceLine`,
        `LineAdjudication` or `Coverage`; the other records come from `cached` full
        validation. Only professional claims take this way.
        """
        if self.layout is not PROFESSIONAL:
            return None
        c = d.clm
        comp = self.component
        n = len(c)
        subscriber, payer = self._subscriber_and_payer()
        sbr = self.sbr or []
        member_id = _g(self.subscriber.nm1, 9) if self.subscriber else ""
        relationship, patient = self._patient(subscriber, member_id)
        billing = self._billing_provider()
        # ---- diagnoses (cached full records), at most 12 on a professional claim
        diagnoses = self._professional_diagnoses(d.hi)
        count = len(diagnoses)
        if not 1 <= count <= 12:
            return None
        # ---- lines
        lines = []
        number = 0
        first: date | None = None
        for ld in d.lines:
            number += 1
            line = self._fast_line(ld, comp, number, count)
            if line is None:
                return None
            day = line.__dict__["service_date"]
            if first is None or day < first:
                first = day
            lines.append(line)
        if not 1 <= number <= 999 or first is None:
            return None
        # ---- the claim's own elements
        pcn = c[1] if n > 1 else ""
        if not 1 <= len(pcn) <= 38 or pcn != pcn.strip():
            return None
        total = _money_text(c[2] if n > 2 else "")
        if total is None:
            return None
        clm05 = (c[5] if n > 5 else "").split(comp)
        frequency = clm05[2] if len(clm05) > 2 and clm05[2] else "1"
        assignment = (c[7] if n > 7 else "") or "A"
        release = (c[9] if n > 9 else "") or "Y"
        pos = clm05[0] or None
        if (
            frequency not in _FREQUENCIES
            or assignment not in _ASSIGNMENTS
            or release not in _RELEASES
            or (pos is not None and not _two_digits(pos))
        ):
            return None
        refs = d.refs
        f8 = refs.get("F8") or None
        g1 = refs.get("G1") or None
        referral = refs.get("9F") or None
        note = d.note or None
        for text in (f8, g1, referral):
            if text is not None and text != text.strip():
                return None
        if note is not None and (len(note) > 80 or note != note.strip()):
            return None
        if frequency in {"7", "8"} and not f8:
            return None
        if patient.birth_date > first:
            return None
        # ---- the coverage
        group_number = _g(sbr, 3) or None
        group_name = _g(sbr, 4) or None
        if (
            not _MEMBER_ID.fullmatch(member_id)
            or (group_number is not None and not _bare(group_number, 50))
            or (group_name is not None and not _bare(group_name, 60))
        ):
            return None
        coverage = _COVERAGE(
            self._coverage_id(payer.id, member_id),
            patient.id,
            payer.id,
            PRIORITY.get(_g(sbr, 1), CoveragePriority.PRIMARY),
            subscriber,
            relationship,
            member_id,
            group_number,
            group_name,
            first,  # effective date
        )
        # the optional fields as in `_fast_line`: a bit of `shape` each when given
        shape = 0
        onset_date = None
        onset = d.dtp.get("431")
        if onset:
            onset_date = parse_date(_g(onset, 3))
            shape = 1
        providers: list[Provider | None] = [None, None, None, None]  # _CLAIM_PROVIDERS'
        if d.providers:
            for k, (nm101, attribute, _loop, _prv) in enumerate(PROFESSIONAL.providers):
                named = d.providers.get(nm101)
                if named is not None:
                    providers[k] = self.provider(
                        named, ROLE_OF[attribute], named.prv, attribute == "service_facility", False
                    )
                    shape |= 2 << k
        others = d.others
        make = _CLAIM_SHAPES[shape] or _claim_builder(shape)
        return make(  # in the order of _CLAIM_KEYS
            pcn,  # the id
            ClaimKind.PROFESSIONAL,
            pcn,
            total,
            frequency,
            assignment,
            (c[8] if n > 8 else "") != "N",  # benefits assigned
            release,
            billing,
            patient,
            coverage,
            payer,
            tuple(lines),
            f8,
            g1,
            referral,
            note,
            pos,
            (c[6] if n > 6 else "") != "N",  # provider signature
            tuple(diagnoses),
            tuple([self._other(o, subscriber, patient) for o in others]) if others else (),
            onset_date,
            providers[0],
            providers[1],
            providers[2],
            providers[3],
        )

    def _coverage_id(self, payer_id: str, member_id: str) -> str:
        """`coverage_id`, kept for the claims that follow of the same member (a digest is
        dear; a file's claims of one member come together, under one subscriber loop)."""
        last = self.last_coverage
        if last[1] == member_id and last[0] == payer_id:
            return last[2]
        found = coverage_id(payer_id, member_id)
        self.last_coverage = (payer_id, member_id, found)
        return found

    def _fast_line(
        self, ld: _LineDraft, comp: str, number: int, diagnoses: int
    ) -> ServiceLine | None:
        """A professional line checked here (see `_fast_claim`), or None."""
        sv = ld.service
        lx = ld.lx
        if sv is None or len(lx) < 2 or lx[1] != _NUMBERS[number]:
            return None  # LX01 must be this line's number, 1, 2, 3... (the claim's rule)
        k = len(sv)
        composite = sv[1] if k > 1 else ""
        procedure = self.procedures.get(composite)
        if procedure is None:
            procedure = _procedure(composite, comp, self.procedures)
            if procedure is None:
                return None
        text = sv[2] if k > 2 else ""
        charge = _money_cache.get(text)
        if charge is None:
            charge = _money_text(text)
            if charge is None:
                return None
        basis = (sv[3] if k > 3 else "") or "UN"
        if basis not in _UNIT_BASES:
            return None
        pos = (sv[5] if k > 5 else "") or None
        if pos is not None and pos not in _TWO_DIGITS:
            return None
        dtp = ld.dtp472
        if dtp is None:
            return None
        n = len(dtp)
        day_text = dtp[3] if n > 3 else ""
        if n > 2 and dtp[2] == "RD8":
            start, dash, end = day_text.partition("-")
            day = _date_text(start)
            last = _date_text(end)
            if not dash or day is None or last is None or last < day:
                return None
        else:
            last = None
            day = _date_cache.get(day_text)
            if day is None:
                day = _date_text(day_text)
                if day is None:
                    return None
        adjudications: tuple[LineAdjudication, ...] = ()
        if ld.svd:
            made = []
            for svd, cas, svd_day in ld.svd:
                adjudication = self._fast_adjudication(svd, cas, svd_day, comp)
                if adjudication is None:
                    return None
                made.append(adjudication)
            adjudications = tuple(made)
        # the optional fields: the line's value, or the field's default when it has none
        # (then its bit is not in `shape`, and it is not in the record's fields-set)
        shape = 0 if last is None else 1
        text = sv[4] if k > 4 else ""
        units = _LINE_UNITS
        if text:
            units = _units_cache.get(text)
            if units is None:
                units = _units_text(text)
                if units is None:
                    return None
            shape |= 2
        text = sv[7] if k > 7 else ""
        pointers = _LINE_POINTERS
        if text:
            found = self.pointers.get(text)
            if found is None:
                found = _pointers(text, comp, self.pointers)
                if found is None:
                    return None
            if found[1] > diagnoses:
                return None
            pointers = found[0]
            shape |= 4
        elif diagnoses < 1:
            return None
        g1 = ld.g1 or None
        if g1 is not None:
            if g1 != g1.strip():
                return None
            shape |= 8
        ndc = ndc_quantity = ndc_unit = None
        if ld.lin is not None:
            ndc = _g(ld.lin, 3) or None
            if ndc is not None and not (len(ndc) == 11 and ndc.isascii() and ndc.isdigit()):
                return None
            shape |= 16
            if ld.ctp is not None:
                ndc_quantity = parse_amount(_g(ld.ctp, 4))
                ndc_unit = _g(ld.ctp, 5).split(comp)[0] or None
                if ndc_unit is not None and ndc_unit not in _NDC_UNITS:
                    return None
                shape |= 32
        rendering = None
        if ld.rendering is not None:
            rendering = self.provider(
                ld.rendering, ProviderRole.RENDERING, ld.rendering.prv, False, False
            )
            shape |= 64
        make = _LINE_SHAPES[shape] or _line_builder(shape)
        return make(  # in the order of _LINE_KEYS
            number,
            charge,
            basis,
            pos,
            procedure[0],
            procedure[1],
            procedure[2],
            day,
            adjudications,
            last,
            units,
            pointers,
            g1,
            ndc,
            ndc_quantity,
            ndc_unit,
            rendering,
        )

    def _fast_adjudication(
        self, svd: list[str], cas: list[str], day_text: str, comp: str
    ) -> LineAdjudication | None:
        n = len(svd)
        payer_id = svd[1] if n > 1 else ""
        text = svd[2] if n > 2 else ""
        paid = _signed_cache.get(text)
        if paid is None:
            paid = _signed_money_text(text)
        text = svd[3] if n > 3 else ""
        procedure = self.adjudicated.get(text)
        if procedure is None:
            proc = text.split(comp)
            code = proc[1] if len(proc) > 1 else ""
            modifiers = tuple(m for m in proc[2:6] if m)
            if code != code.strip():
                return None
            for m in modifiers:
                if m != m.strip():
                    return None
            procedure = (code, modifiers)
            if len(self.adjudicated) < _MEMO_SIZE:
                self.adjudicated[text] = procedure
        day = _date_cache.get(day_text)
        if day is None:
            day = _date_text(day_text)
        if paid is None or day is None or payer_id != payer_id.strip():
            return None
        adjustments = self.adjustments(cas)
        text = svd[5] if n > 5 else ""
        if text:
            units = _units_cache.get(text)
            if units is None:
                units = _units_text(text)
                if units is None:
                    return None
            return _ADJUDICATION_UNITS(
                payer_id, paid, procedure[0], procedure[1], adjustments, day, units
            )
        return _ADJUDICATION_PLAIN(payer_id, paid, procedure[0], procedure[1], adjustments, day)


def _fast_name(nm1: list[str]) -> PersonName | None:
    """`_name_from` for names that need no cleaning, or None."""
    n = len(nm1)
    last = nm1[3] if n > 3 else ""
    first = nm1[4] if n > 4 else ""
    middle = (nm1[5] if n > 5 else "") or None
    suffix = (nm1[7] if n > 7 else "") or None
    key = (last, first, middle, suffix)
    found = _NAMES.get(key)  # a file names the same people again and again
    if found is not None:
        return found
    if (
        not 1 <= len(last) <= 60
        or not 1 <= len(first) <= 35
        or last != last.strip()
        or first != first.strip()
        or (middle is not None and not _bare(middle, 25))
        or (suffix is not None and not _bare(suffix, 10))
    ):
        return None
    found = _NAME(last, first, middle, suffix)
    if len(_NAMES) >= _MEMO_SIZE:
        _NAMES.clear()
    _NAMES[key] = found
    return found


def _fast_named_address(named: _Named) -> tuple[bool, Address | None]:
    """A loop's N3/N4 address the fast way: (True, the address, or None when the loop has
    none), or (False, None) when its values need `Address`'s validation."""
    if named.n3 is None or named.n4 is None:
        return True, None
    address = _fast_address(named.n3, named.n4)
    return address is not None, address


def _fast_address(n3: list[str], n4: list[str]) -> Address | None:
    """`_address` for N3/N4 values `Address` takes as they are, or None."""
    k = len(n3)
    line1 = n3[1] if k > 1 else ""
    line2 = (n3[2] if k > 2 else "") or None
    k = len(n4)
    city = n4[1] if k > 1 else ""
    state = n4[2] if k > 2 else ""
    zip_code = n4[3] if k > 3 else ""
    if (
        not 1 <= len(line1) <= 55
        or line1 != line1.strip()
        or (line2 is not None and not _bare(line2, 55))
        or not 2 <= len(city) <= 30
        or city != city.strip()
        or state not in US_STATES
        or len(zip_code) not in (5, 9)
        or not (zip_code.isascii() and zip_code.isdigit())  # [0-9]+, without a regex
    ):
        return None
    return _ADDRESS(line1, line2, city, state, zip_code)


def _fast_person(named: _Named) -> Person | None:
    """`_person_from` for values that need no second look, or None."""
    nm1 = named.nm1
    dmg = named.dmg
    if dmg is None:
        if (nm1[1] if len(nm1) > 1 else "") != "IL":
            return None
        birth: date | None = UNKNOWN_BIRTH_DATE
        sex = Sex.UNKNOWN
    else:
        k = len(dmg)
        text = dmg[2] if k > 2 else ""
        birth = _date_cache.get(text)
        if birth is None:
            birth = _date_text(text)
        sex = SEX.get(dmg[3] if k > 3 else "", Sex.UNKNOWN)
    if birth is None:
        return None
    name = _fast_name(nm1)
    if name is None:
        return None
    address = None
    if named.n3 is not None and named.n4 is not None:
        address = _fast_address(named.n3, named.n4)
        if address is None:
            return None
    return _PERSON(name, birth, sex, address)


def _fast_payer(named: _Named, filing: str) -> Payer | None:
    """`_payer_from` for values `Payer` takes as they are, or None."""
    nm1 = named.nm1
    k = len(nm1)
    payer_id = nm1[9] if k > 9 else ""
    name = nm1[3] if k > 3 else ""
    if payer_id != payer_id.strip() or not 1 <= len(name) <= 60 or name != name.strip():
        return None
    ok, address = _fast_named_address(named)
    if not ok:
        return None
    return _PAYER(payer_id, name, FILING.get(filing, ClaimFilingIndicator.OTHER), address)


def _npi_ok(npi: str) -> bool:
    """`identifiers.check_npi` passes `npi` unchanged (ASCII digits only here)."""
    if npi in _GOOD_NPIS:
        return True
    if len(npi) != 10 or _ASCII_DIGITS.fullmatch(npi) is None or npi[0] not in "12":
        return False
    if not _npi_luhn(npi):
        return False
    if len(_GOOD_NPIS) >= _MEMO_SIZE:
        _GOOD_NPIS.clear()
    _GOOD_NPIS.add(npi)
    return True


# Luhn's doubled digits by character code ("0"-"9"); the plain digits are summed as their
# codes, which carries 5 * 48 = 240 extra, a multiple of ten
_DOUBLED = [0] * 48 + [2 * d - 9 * (d > 4) for d in range(10)]
_NPI_BASE = 24  # what "80840" adds to the sum


def _npi_luhn(npi: str) -> bool:
    """``luhn_valid("80840" + npi)`` for ten ASCII digits, without a loop (every provider of
    a file has its NPI checked; `luhn_valid` walks fifteen digits one by one)."""
    d = npi.encode()
    total = (
        _NPI_BASE
        + _DOUBLED[d[0]]
        + d[1]
        + _DOUBLED[d[2]]
        + d[3]
        + _DOUBLED[d[4]]
        + d[5]
        + _DOUBLED[d[6]]
        + d[7]
        + _DOUBLED[d[8]]
        + d[9]
    )
    return total % 10 == 0


def _fast_provider(
    named: _Named,
    role: ProviderRole,
    taxonomy: str | None,
    with_address: bool,
    keep_tin: bool,
) -> Provider | None:
    """`_provider` for values `Provider` takes as they are, or None."""
    nm1 = named.nm1
    k = len(nm1)
    npi = nm1[9] if k > 9 else ""
    if not _npi_ok(npi):
        return None
    person = (nm1[2] if k > 2 else "") == "1"
    name = nm1[3] if k > 3 else ""
    if not 1 <= len(name) <= 60 or name != name.strip():
        return None
    first = None
    if person:
        first = (nm1[4] if k > 4 else "") or None
        if first is None or not _bare(first, 35):
            return None
    taxonomy = taxonomy or None
    if taxonomy is not None and taxonomy not in _GOOD_TAXONOMIES:
        if _TAXONOMY.fullmatch(taxonomy) is None:
            return None
        if len(_GOOD_TAXONOMIES) >= _MEMO_SIZE:
            _GOOD_TAXONOMIES.clear()
        _GOOD_TAXONOMIES.add(taxonomy)
    tin, ssn = None, False
    if keep_tin:
        refs = named.refs or _NONE
        if refs.get("EI"):
            tin = refs["EI"]
        elif refs.get("SY"):
            tin, ssn = refs["SY"], True
        if tin is not None and (
            len(tin) != 9 or _ASCII_DIGITS.fullmatch(tin) is None or len(set(tin)) == 1
        ):
            return None
    ok, address = _fast_named_address(named) if with_address else (True, None)
    if not ok:
        return None
    return _PROVIDER(
        npi,  # the id
        npi,
        EntityType.PERSON if person else EntityType.ORGANISATION,
        name,
        first,
        taxonomy,
        tin,
        ssn,
        address,
        _ROLE_SETS[role],
    )


def _fast_adjustment(group: str, reason: str, amount: str, quantity: str) -> Adjustment | None:
    """One `_adjustments` triple `Adjustment` takes as it is, or None."""
    if group not in _GROUP_CODES or len(reason) > 5 or reason != reason.strip():
        return None
    value = _signed_money_text(amount) if amount else _ZERO_AMOUNT
    if value is None:
        return None
    return _ADJUSTMENT(group, reason, value, parse_amount(quantity))


def _one_adjustment(group: str, reason: str, amount: str, quantity: str) -> Adjustment:
    return _adjustments([["CAS", group, reason, amount, quantity]])[0]


class _NotFast(Exception):
    """Raised inside the fast way for data it does not take; the full way decides."""


_NOT_FAST = (_NotFast, ValidationError, ValueError, IndexError, KeyError, TypeError)
_MEMO_SIZE = 50_000
# a professional claim's fields: those every claim has, then the optional ones
_CLAIM_PROVIDERS = tuple(attribute for _nm101, attribute, _loop, _prv in PROFESSIONAL.providers)
_CLAIM_KEYS: tuple[str, ...] = (
    "id",
    "kind",
    "patient_control_number",
    "total_charge_amount",
    "frequency_code",
    "assignment",
    "benefits_assigned",
    "release_of_information",
    "billing_provider",
    "patient",
    "coverage",
    "payer",
    "lines",
    "payer_claim_control_number",
    "prior_authorization",
    "referral_number",
    "note",
    "place_of_service",
    "provider_signature",
    "diagnoses",
    "other_payers",
)
_CLAIM_OPTIONAL = ("onset_date", *_CLAIM_PROVIDERS)
_CLAIM_KEYS += _CLAIM_OPTIONAL
# a claim's builder by its shape (bit 0: an onset date; bit k + 1: provider k), made when a
# claim of that shape first comes
_CLAIM_SHAPES: list[Callable[..., Claim] | None] = [None] * (1 << (1 + len(_CLAIM_PROVIDERS)))


def _claim_builder(shape: int) -> Callable[..., Claim]:
    """The builder of professional claims whose optional fields are the bits of `shape`."""
    given = _CLAIM_KEYS[: -len(_CLAIM_OPTIONAL)] + tuple(
        key for bit, key in enumerate(_CLAIM_OPTIONAL) if shape >> bit & 1
    )
    make = _CLAIM_SHAPES[shape] = trusted_call(Claim, _CLAIM_KEYS, given)
    return make


_ADJUDICATION_KEYS = (
    "payer_id",
    "paid_amount",
    "procedure",
    "modifiers",
    "adjustments",
    "adjudication_date",
)
_ADJUDICATION_PLAIN = trusted_call(LineAdjudication, _ADJUDICATION_KEYS)
_ADJUDICATION_UNITS = trusted_call(LineAdjudication, (*_ADJUDICATION_KEYS, "units"))
# a professional line's fields: those every line has, then the optional ones
_LINE_KEYS = (
    "number",
    "charge_amount",
    "unit_basis",
    "place_of_service",
    "procedure_qualifier",
    "procedure",
    "modifiers",
    "service_date",
    "adjudications",
    "service_date_end",
    "units",
    "diagnosis_pointers",
    "prior_authorization",
    "ndc",
    "ndc_quantity",
    "ndc_unit",
    "rendering_provider",
)
# the optional fields by their bit in `_fast_line`'s shape
_LINE_OPTIONAL = (
    ("service_date_end",),
    ("units",),
    ("diagnosis_pointers",),
    ("prior_authorization",),
    ("ndc",),
    ("ndc_quantity", "ndc_unit"),
    ("rendering_provider",),
)
_LINE_UNITS = ServiceLine.model_fields["units"].default
_LINE_POINTERS = ServiceLine.model_fields["diagnosis_pointers"].default
# a line's builder by its shape, made when a line of that shape first comes
_LINE_SHAPES: list[Callable[..., ServiceLine] | None] = [None] * (1 << len(_LINE_OPTIONAL))


def _line_builder(shape: int) -> Callable[..., ServiceLine]:
    """The builder of lines whose optional fields are those of the bits of `shape`."""
    given = [*_LINE_KEYS[:9]]
    for bit, keys in enumerate(_LINE_OPTIONAL):
        if shape >> bit & 1:
            given.extend(keys)
    make = _LINE_SHAPES[shape] = trusted_call(ServiceLine, _LINE_KEYS, tuple(given))
    return make


# the records built from their values as arguments, in the order of these keys (`trusted_call`)
_COVERAGE = trusted_call(
    Coverage,
    (
        "id",
        "patient_id",
        "payer_id",
        "priority",
        "subscriber",
        "relationship",
        "member_id",
        "group_number",
        "group_name",
        "effective_date",
    ),
)
_PATIENT = trusted_call(Patient, ("id", "name", "birth_date", "sex", "address"))
_PERSON = trusted_call(Person, ("name", "birth_date", "sex", "address"))
_NAME = trusted_call(PersonName, ("last", "first", "middle", "suffix"))
_ADDRESS = trusted_call(Address, ("line1", "line2", "city", "state", "zip_code"))
_PROVIDER = trusted_call(
    Provider,
    (
        "id",
        "npi",
        "entity_type",
        "name",
        "first_name",
        "taxonomy",
        "tin",
        "tin_is_ssn",
        "address",
        "roles",
    ),
)
_PAYER = trusted_call(Payer, ("id", "name", "claim_filing_indicator", "address"))
_ADJUSTMENT = trusted_call(Adjustment, ("group", "reason", "amount", "quantity"))
_OTHER_PAYER = trusted_call(
    OtherPayer,
    (
        "payer",
        "subscriber",
        "member_id",
        "priority",
        "relationship",
        "group_number",
        "paid_amount",
        "adjustments",
        "adjudication_date",
        "payer_claim_control_number",
    ),
)
_GROUP_CODES = frozenset({"CO", "PR", "OA", "PI", "CR"})
_PRIORITIES = frozenset("PSTABCDEFGHU")
_TAXONOMY = re.compile(r"[0-9A-Z]{9}X")
_ZERO_AMOUNT = Decimal(0)
_GOOD_NPIS: set[str] = set()
_GOOD_TAXONOMIES: set[str] = set()
_FREQUENCIES = frozenset("12345678")
_ASSIGNMENTS = frozenset("ABC")
_RELEASES = frozenset("IY")
_UNIT_BASES = frozenset({"UN", "MJ", "DA", "F2", "GR", "ME", "ML"})
_NDC_UNITS = frozenset({"F2", "GR", "ME", "ML", "UN"})
_NUMBERS = [str(n) for n in range(1000)]
_INSTITUTIONAL_KINDS = {
    "ABK": DiagnosisKind.PRINCIPAL,
    "BK": DiagnosisKind.PRINCIPAL,
    "ABJ": DiagnosisKind.ADMITTING,
    "BJ": DiagnosisKind.ADMITTING,
    "APR": DiagnosisKind.REASON_FOR_VISIT,
    "PR": DiagnosisKind.REASON_FOR_VISIT,
    "ABN": DiagnosisKind.EXTERNAL_CAUSE,
    "BN": DiagnosisKind.EXTERNAL_CAUSE,
    "ABF": DiagnosisKind.OTHER,
    "BF": DiagnosisKind.OTHER,
}
_MEMBER_ID = re.compile(r"[A-Za-z0-9-]{2,80}")
_MONEY = re.compile(r"\d{1,12}(?:\.\d{1,2})?")  # Money, ge=0: at most 14 digits, 2 places
_SIGNED_MONEY = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")
_UNITS = re.compile(r"\d{1,7}(?:\.\d{1,3})?")  # Units: at most 10 digits, 3 places (and > 0)
_ASCII_DIGITS = re.compile(r"[0-9]+")
_money_cache: dict[str, Decimal] = {}
_signed_cache: dict[str, Decimal] = {}
_units_cache: dict[str, Decimal] = {}
_date_cache: dict[str, date] = {}
# SV107 and SV101 texts read before, per component separator (their meaning depends on it)
_POINTERS: dict[str, dict[str, tuple[tuple[int, ...], int]]] = {}
_PROCEDURES: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {}
_ADJUDICATED: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {}  # SVD03
_NAMES: dict[tuple[str, str, str | None, str | None], PersonName] = {}  # checked and built
_MISSING = object()
_NONE: dict[str, str] = {}  # a loop without REF or DTP segments (never written to)
_READ_CACHES: tuple[dict[Any, Any] | set[Any], ...] = (
    _GOOD_NPIS,
    _GOOD_TAXONOMIES,
    _money_cache,
    _signed_cache,
    _units_cache,
    _date_cache,
    _POINTERS,
    _PROCEDURES,
    _ADJUDICATED,
    _NAMES,
)
_ROLE_SETS = {role: frozenset({role}) for role in ProviderRole}  # immutable, so shared
_TWO_DIGITS = frozenset(f"{n:02d}" for n in range(100))  # what `_two_digits` accepts


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _bare(text: str, longest: int) -> bool:
    return len(text) <= longest and text == text.strip()


def _two_digits(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isdigit()


def _cached_decimal(
    text: str, cache: dict[str, Decimal], pattern: re.Pattern[str], positive: bool = False
) -> Decimal | None:
    value = cache.get(text)
    if value is not None:
        return value
    if pattern.fullmatch(text) is None:
        return None
    value = Decimal(text)
    if positive and not value:
        return None
    if len(cache) >= _MEMO_SIZE:
        cache.clear()
    cache[text] = value
    return value


def _money_text(text: str) -> Decimal | None:
    """A non-negative amount of at most two places, as `Money` (ge=0) accepts it, or None."""
    return _cached_decimal(text, _money_cache, _MONEY)


def _signed_money_text(text: str) -> Decimal | None:
    return _cached_decimal(text, _signed_cache, _SIGNED_MONEY)


def _units_text(text: str) -> Decimal | None:
    """Positive units with at most three places (`Units`), or None."""
    return _cached_decimal(text, _units_cache, _UNITS, positive=True)


def _date_text(text: str) -> date | None:
    """`parse_date` for CCYYMMDD with a cache; None for anything else."""
    value = _date_cache.get(text)
    if value is None:
        if len(text) != 8 or _ASCII_DIGITS.fullmatch(text) is None:
            return None
        value = parse_date(text)
        if value is None:
            return None
        if len(_date_cache) >= _MEMO_SIZE:
            _date_cache.clear()
        _date_cache[text] = value
    return value


def _pointers(
    text: str, comp: str, cache: dict[str, tuple[tuple[int, ...], int]]
) -> tuple[tuple[int, ...], int] | None:
    """SV107 as `ServiceLine.diagnosis_pointers` accepts it (1-4 distinct numbers 1-12) and
    the largest, kept in `cache` (the reader's, for its component separator)."""
    parts = [p for p in text.split(comp) if p]
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for p in parts:
        if len(p) > 2 or _ASCII_DIGITS.fullmatch(p) is None:
            return None
        value = int(p)
        if not 1 <= value <= 12:
            return None
        values.append(value)
    if len(set(values)) != len(values):
        return None
    found = (tuple(values), max(values))
    if len(cache) < _MEMO_SIZE:
        cache[text] = found
    return found


def _procedure(
    text: str, comp: str, cache: dict[str, tuple[str, str, tuple[str, ...]]]
) -> tuple[str, str, tuple[str, ...]] | None:
    """SV101 as `ServiceLine` takes it: (qualifier, code, modifiers), kept in `cache` (the
    reader's, for its component separator), or None."""
    procedure = text.split(comp)
    code = procedure[1] if len(procedure) > 1 else ""
    qualifier = procedure[0]
    if not 1 <= len(code) <= 48 or code != code.strip() or qualifier != qualifier.strip():
        return None
    modifiers = tuple(m for m in procedure[2:6] if m)
    for m in modifiers:
        if len(m) != 2 or not m.isalnum() or m.upper() != m:
            return None
    found = (qualifier, code, modifiers)
    if len(cache) < _MEMO_SIZE:
        cache[text] = found
    return found


_NO_DATE = date(1, 1, 1)  # an 837I line without DTP*472 takes the statement start date


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc) or exc.__class__.__name__


def _attach(named: _Named, e: list[str]) -> None:
    sid = e[0]
    if sid == "N3":
        named.n3 = e
    elif sid == "N4":
        named.n4 = e
    elif sid == "REF":
        if named.refs is None:
            named.refs = {}
        named.refs.setdefault(_g(e, 1), _g(e, 2))
    elif sid == "PRV":
        named.prv = _g(e, 3)
    elif sid == "DMG":
        named.dmg = e
    elif sid == "DTP":
        if named.dtp is None:
            named.dtp = {}
        named.dtp[_g(e, 1)] = _g(e, 3)


def _address(named: _Named) -> Address | None:
    if named.n3 is None or named.n4 is None:
        return None
    return Address(
        line1=_g(named.n3, 1),
        line2=_g(named.n3, 2) or None,
        city=_g(named.n4, 1),
        state=_g(named.n4, 2),
        zip_code=_g(named.n4, 3),
    )


def _name_from(nm1: list[str]) -> PersonName:
    return PersonName(
        last=_g(nm1, 3), first=_g(nm1, 4), middle=_g(nm1, 5) or None, suffix=_g(nm1, 7) or None
    )


def _person_from(named: _Named) -> Person:
    dmg = named.dmg
    if dmg is None:
        if _g(named.nm1, 1) == "IL":
            return Person(
                name=_name_from(named.nm1),
                birth_date=UNKNOWN_BIRTH_DATE,
                sex=Sex.UNKNOWN,
                address=_address(named),
            )
        raise ValueError(f"{_g(named.nm1, 1)} {_g(named.nm1, 3)!r} has no DMG (birth date and sex)")
    birth = parse_date(_g(dmg, 2))
    return Person(
        name=_name_from(named.nm1),
        birth_date=birth,
        sex=SEX.get(_g(dmg, 3), Sex.UNKNOWN),
        address=_address(named),
    )


def _payer_from(named: _Named, filing: str) -> Payer:
    return Payer(
        id=PayerId(_g(named.nm1, 9)),
        name=_g(named.nm1, 3),
        claim_filing_indicator=FILING.get(filing, ClaimFilingIndicator.OTHER),
        address=_address(named),
    )


def _provider(
    named: _Named,
    role: ProviderRole,
    taxonomy: str | None,
    with_address: bool,
    keep_tin: bool = True,
) -> Provider:
    nm1 = named.nm1
    person = _g(nm1, 2) == "1"
    tin, ssn = None, False
    if keep_tin:
        refs = named.refs or _NONE
        if refs.get("EI"):
            tin = refs["EI"]
        elif refs.get("SY"):
            tin, ssn = refs["SY"], True
    return Provider(
        id=ProviderId(_g(nm1, 9)),
        npi=_g(nm1, 9),
        entity_type=EntityType.PERSON if person else EntityType.ORGANISATION,
        name=_g(nm1, 3),
        first_name=(_g(nm1, 4) or None) if person else None,
        taxonomy=taxonomy or None,
        tin=tin,
        tin_is_ssn=ssn,
        address=_address(named) if with_address else None,
        roles=frozenset({role}),
    )


def _adjustments(cas_segments: list[list[str]]) -> tuple[Adjustment, ...]:
    out = []
    for cas in cas_segments:
        group = _g(cas, 1)
        for k in range(2, len(cas), 3):
            reason = cas[k]
            if not reason:
                continue
            amount = parse_amount(_g(cas, k + 1))
            quantity = parse_amount(_g(cas, k + 2))
            out.append(
                Adjustment(
                    group=group,
                    reason=reason,
                    amount=amount if amount is not None else Decimal(0),
                    quantity=quantity,
                )
            )
    return tuple(out)


def iter_837(
    source: str | _Readable,
    layout: Layout,
    findings: list[Finding] | None = None,
    accept: Callable[[TransactionSet], bool] | None = None,
    *,
    fast: bool = True,
) -> Iterator[Claim]:
    """Stream the claims of every 837 set in `source` matching `layout`, one claim at a time.

    Findings are appended to `findings`. Nothing of a set is kept once its claims are out.
    ``fast=False`` builds every record by full validation (the same claims and findings,
    slower; the tests compare both ways).
    """
    return _READS.reading(paused_while_working(_read_837(source, layout, findings, accept, fast)))


def _read_837(
    source: str | _Readable,
    layout: Layout,
    findings: list[Finding] | None,
    accept: Callable[[TransactionSet], bool] | None,
    fast: bool,
) -> Iterator[Claim]:
    sink: list[Finding] = findings if findings is not None else []
    reader = EnvelopeReader(source)
    count = 0
    memo: dict[Any, Any] | None = {} if fast else None
    for ts, runs in reader.sets():
        if ts.transaction_type == "837" and (accept is None or accept(ts)):
            yield from _Reader837(ts, layout, sink, memo).claims(runs)
        for _ in runs:
            pass
        sink.extend(reader.findings[count:])
        count = len(reader.findings)
    sink.extend(reader.findings[count:])


def _forget_read_caches() -> int:
    """Empty the caches a read fills (see `ReadCaches`: validating 20,000 claims just after
    reading them took 3.1 s of CPU instead of 2.7 s); how many entries they held.
    `x12_date` is emptied too (the patient ids of a read fill it)."""
    held = sum(map(len, _READ_CACHES)) + x12_date.cache_info().currsize
    for cache in _READ_CACHES:
        cache.clear()
    x12_date.cache_clear()
    return held


_READS = ReadCaches(_forget_read_caches)


def is_institutional(ts: TransactionSet) -> bool:
    """X223 in ST03/GS08 marks an institutional 837."""
    return "X223" in ts.version or "X096" in ts.version


def is_professional(ts: TransactionSet) -> bool:
    """X222 (or 4010 X098) marks a professional 837."""
    return "X222" in ts.version or "X098" in ts.version
