"""Writing 837P and 837I transaction sets from `domain.Claim` (see `openrcm.x12.t837`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from openrcm.domain.claim import (
    Adjustment,
    Claim,
    Diagnosis,
    DiagnosisKind,
    ServiceLine,
)
from openrcm.domain.party import (
    Address,
    EntityType,
    Payer,
    PersonName,
    Provider,
    Relationship,
    Sex,
)
from openrcm.gcpause import collector_paused
from openrcm.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    segment_separator,
    write_interchange,
)
from openrcm.x12.segments import (
    SegmentWriter,
    x12_amount,
    x12_date,
    x12_text,
)
from openrcm.x12.t837_layout import (
    MAX_CLAIMS_PER_SET,
    PROFESSIONAL,
    Layout,
    Receiver,
    Submitter,
    default_pos,
    facility_code,
)
from openrcm.x12.tokenizer import Delimiters

# ====================================================================== writing
#
# Segments are built as strings directly (f-strings and joins, one append each), and each
# claim's segments (with the HL loops opened before it) are joined into one string as soon
# as it is written (`TransactionBody.segment_count` counts them), so that few strings live
# until the interchange is joined. What repeats in a file is formatted once per file
# (`_Formats`): dates, free text, names, a provider's segments, a payer's NM1, the DTP of a
# date. What is most often a record's own is not (amounts, addresses, streets, reference
# numbers, birth dates: see `_amount`, `_own_text`, `_date_text`): a memo of every such
# value of a file misses the CPU caches on each look-up and costs more than it saves. For
# the same reason the HL loops are written from what `_hierarchy` kept of their records,
# not from the claim's, which most often have left the caches by then (a set's claims
# take far more memory than the caches hold).
# `SegmentWriter.add` stays for the rarer institutional segments. Rules kept from the
# general builder: no trailing empty element and no trailing empty component. A StrEnum
# formats as its value (f"{sex}" is "F"), which is cheaper than `.value` (a property). The
# output is byte-identical to the straightforward writer's (`bench/x12_write.py --save` /
# `--compare` checks a varied set of files).
#
# Speed (bench/x12.py (f), 100,000 claims of tests/x12/x12_claims, CPU time on a shared
# 2-core machine at load 4-6): about 10,000 claims/s before these memos, this hierarchy and
# the joins per claim; about 18,000-23,000 after, depending on the load. bench/x12_write.py
# (20,000 claims, load about 1): 23,800-25,600 claims/s, then 27,500-29,000 once the
# values most often a record's own were no longer memoised and the loops written from
# `_hierarchy`'s records.

_SELF = Relationship.SELF
_CODE = attrgetter("code")
_PERSON = EntityType.PERSON
_UNCACHED_DATE: Callable[[date], str] = x12_date.__wrapped__
_UNCACHED_TEXT: Callable[[str], str] = x12_text.__wrapped__


def _date_text(value: date) -> str:
    """`x12_date(value)`, about twice as quick for a plain date (CCYY-MM-DD less the dashes).

    Not memoised for birth dates: most are a person's own, and a memo of every birth date
    of a file costs more (a cache miss on each look-up) than it saves.
    """
    if value.__class__ is date:
        return value.isoformat().replace("-", "")
    return _UNCACHED_DATE(value)


# a file naming more providers than this (synthetic ones, each claim its own) gains nothing
# from memoising the others: the memo would only grow (and slow every look-up)
_PROVIDER_MEMO_SIZE = 1024


def _provider_key(provider: Provider, facility: bool) -> Hashable:
    """What a provider's NM1 and PRV are made of; a facility's id(), its address being part.

    By value: a file's claims most often name the same few rendering and referring
    providers each in a record of its own (a record's id() would miss nearly every time,
    and a pydantic record's own hash is slow). A facility record stays alive (its claim
    holds it) while the file is written, so its id() is not reused.
    """
    if facility:
        return id(provider)
    p = provider.__dict__
    return (p["npi"], p["name"], p["first_name"], p["entity_type"], p["taxonomy"])


def _own_text(value: str, text: _Memo) -> str:
    """`x12_text(value)` for a value most often its own (a street, a group or reference number).

    Letters, digits and single spaces (nearly all) are taken as they are (what `x12_text`
    returns for them); only the others go through the `text` memo, which a memo of every
    such value of a file would make larger and slower (a cache miss on each look-up) for
    few hits.
    """
    if value.isascii() and value.replace(" ", "").isalnum() and "  " not in value:
        return value.strip()
    cleaned: str = text[value]
    return cleaned


def _amount(value: Decimal | int) -> str:
    """`x12_amount`, quicker for a Decimal without exponent in its text (nearly all).

    Not a memo: each amount of a claim is most often its own Decimal object, and the first
    hash of a Decimal costs more than formatting it (and a memo of every amount's text of a
    file, a cache miss on each look-up, more than trimming it again).
    """
    if value.__class__ is Decimal:
        text = str(value)  # plain notation unless it holds "E" (or is not a number: "NaN"...)
        if "." in text:
            if "E" not in text:
                if text[-1] != "0":
                    return text
                text = text.rstrip("0").rstrip(".")  # a digit is always left before the point
                return "0" if text == "-0" else text
        elif text.isdigit():  # a whole amount not below zero
            return text
    return x12_amount(value)


class _Memo(dict[Any, Any]):
    """``memo[key]``: ``make(key)``, computed once (a dict that fills itself on a miss)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


def _trimmed(e: str, parts: list[str]) -> str:
    """`parts` joined by `e` without trailing empty elements (the id always stays)."""
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return e.join(parts)


class _Formats:
    """Formatted values and segments of one file (for given delimiters), each made once."""

    __slots__ = (
        "abf",
        "c",
        "date",
        "dtp472",
        "dtp573",
        "e",
        "lx",
        "names",
        "payers",
        "pointers",
        "providers",
        "text",
    )

    def __init__(self, delimiters: Delimiters) -> None:
        e = self.e = delimiters.element
        c = self.c = delimiters.component
        dates = self.date = _Memo(_date_text)
        text = self.text = _Memo(_UNCACHED_TEXT)
        self.lx = _Memo(lambda n: f"LX{e}{n}")
        self.abf = f"{e}ABF{c}"  # between HI diagnoses
        self.dtp472 = _Memo(lambda d: f"DTP{e}472{e}D8{e}{dates[d]}")
        self.dtp573 = _Memo(lambda d: f"DTP{e}573{e}D8{e}{dates[d]}")
        self.pointers = _Memo(lambda p: c.join(map(str, p)))

        def name(key: tuple[str, str, str | None, str | None]) -> tuple[str, str]:
            # NM103..NM107 as (with every element, for NM108/NM109 to follow; trimmed)
            last, first, middle, suffix = key
            parts = [
                text[last],
                text[first],
                text[middle] if middle else "",
                "",
                text[suffix] if suffix else "",
            ]
            full = e.join(parts)
            while parts and not parts[-1]:
                parts.pop()
            return full, e.join(parts) if parts else ""

        self.names = _Memo(name)
        # 2010BB/2330B NM1*PR by (name, id)
        self.payers = _Memo(lambda k: f"NM1{e}PR{e}2{e}{text[k[0]]}{e}{e}{e}{e}{e}PI{e}{k[1]}")
        # Addresses are not cached: most are a person's own, and a dict of every address of
        # 100,000 claims cost more (a cache miss on each look-up) than it saved.
        # by (NM101 + PRV01, a facility), then by `_provider_key`
        self.providers: dict[tuple[str, bool], dict[Hashable, tuple[str, ...]]] = {}


class _Body:
    """The segments of one 837 transaction set body."""

    __slots__ = (
        "c",
        "e",
        "f",
        "layout",
        "line_rendering_args",
        "out",
        "professional",
        "roles",
        "w",
    )

    def __init__(self, w: SegmentWriter, layout: Layout, formats: _Formats) -> None:
        self.w = w
        self.out = w.segments
        self.e = w.element
        self.c = w.component
        self.layout = layout
        self.professional = layout is PROFESSIONAL
        self.f = formats
        # 2310x: (NM101, claim attribute, PRV01, a service facility, its blocks by provider)
        caches = formats.providers
        self.roles = tuple(
            (
                nm101,
                attribute,
                "" if attribute == "service_facility" else prv,
                attribute == "service_facility",
                caches.setdefault((nm101 + prv, attribute == "service_facility"), {}),
            )
            for nm101, attribute, _loop, prv in layout.providers
        )
        # 2420A: (PRV01, a facility, blocks by provider), shared with 2310B's rendering
        prv = "PE" if self.professional else ""
        self.line_rendering_args = (prv, False, caches.setdefault(("82" + prv, False), {}))

    # ---------------------------------------------------------------- parts
    def address(self, address: Address | None) -> None:
        if address is None:
            return
        e = self.e
        text = self.f.text
        a = address.__dict__
        line1 = _own_text(a["line1"], text)
        line2 = _own_text(a["line2"], text) if a["line2"] else ""
        # no trailing empty element; state and ZIP code are never empty (the record checks them)
        self.out += (
            f"N3{e}{line1}{e}{line2}" if line2 else (f"N3{e}{line1}" if line1 else "N3"),
            f"N4{e}{text[a['city']]}{e}{a['state']}{e}{a['zip_code']}",
        )

    def provider_name(self, nm101: str, provider: Provider) -> str:
        e = self.e
        text = self.f.text
        if provider.entity_type is _PERSON:
            first = text[provider.first_name or ""]
            return f"NM1{e}{nm101}{e}1{e}{text[provider.name]}{e}{first}{e}{e}{e}{e}XX{e}{provider.npi}"
        return f"NM1{e}{nm101}{e}2{e}{text[provider.name]}{e}{e}{e}{e}{e}XX{e}{provider.npi}"

    def provider(
        self,
        nm101: str,
        provider: Provider,
        prv: str,
        facility: bool,
        cache: dict[Hashable, tuple[str, ...]],
    ) -> None:
        """NM1 and PRV*`prv` when the provider has a taxonomy; a `facility` is named as an
        organisation and followed by its address. `cache`: these segments by `_provider_key`."""
        key = _provider_key(provider, facility)
        known = cache.get(key)
        if known is None:
            e = self.e
            if facility:
                name = self.f.text[provider.name]
                block = [f"NM1{e}{nm101}{e}2{e}{name}{e}{e}{e}{e}{e}XX{e}{provider.npi}"]
            else:
                block = [self.provider_name(nm101, provider)]
            if facility and provider.address is not None:
                mark = len(self.out)
                self.address(provider.address)
                block += self.out[mark:]
                del self.out[mark:]
            if prv and provider.taxonomy:
                block.append(f"PRV{e}{prv}{e}PXC{e}{provider.taxonomy}")
            known = tuple(block)
            if len(cache) < _PROVIDER_MEMO_SIZE:
                cache[key] = known
        self.out += known

    def person_name(self, nm101: str, name: PersonName, member_id: str | None) -> str:
        n = name.__dict__
        full, trimmed = self.f.names[(n["last"], n["first"], n["middle"], n["suffix"])]
        e = self.e
        if member_id is not None:
            return f"NM1{e}{nm101}{e}1{e}{full}{e}MI{e}{member_id}"
        if trimmed:
            return f"NM1{e}{nm101}{e}1{e}{trimmed}"
        return f"NM1{e}{nm101}{e}1"

    def cas(self, adjustments: tuple[Adjustment, ...]) -> None:
        """CAS segments: one per group code, at most six adjustments each."""
        e = self.e
        count = len(adjustments)
        if count == 1 or (count == 2 and adjustments[0].group != adjustments[1].group):
            # one adjustment per group: one CAS each
            for a in adjustments:
                quantity = a.quantity
                if quantity is None:
                    self.out.append(f"CAS{e}{a.group}{e}{a.reason}{e}{_amount(a.amount)}")
                else:
                    # the amount and quantity are never empty: nothing to trim
                    self.out.append(
                        f"CAS{e}{a.group}{e}{a.reason}{e}{_amount(a.amount)}{e}{_amount(quantity)}"
                    )
            return
        by_group: dict[str, list[Adjustment]] = {}
        for adjustment in adjustments:
            by_group.setdefault(adjustment.group, []).append(adjustment)
        for group, items in by_group.items():
            for start in range(0, len(items), 6):
                parts = ["CAS", group]
                for a in items[start : start + 6]:
                    parts += (
                        a.reason,
                        _amount(a.amount),
                        _amount(a.quantity) if a.quantity is not None else "",
                    )
                self.out.append(_trimmed(e, parts))

    # ---------------------------------------------------------------- loops
    def billing(self, provider: Provider) -> None:
        e = self.e
        if provider.taxonomy:
            self.out.append(f"PRV{e}BI{e}PXC{e}{provider.taxonomy}")
        self.out.append(self.provider_name("85", provider))
        self.address(provider.address)
        if provider.tin:
            self.out.append(f"REF{e}{'SY' if provider.tin_is_ssn else 'EI'}{e}{provider.tin}")

    def subscriber(self, loop: _Subscriber) -> None:
        """2000B/2010BA/2010BB, from what `_hierarchy` kept of the loop's first claim (its
        coverage and payer, read again, would most often have left the CPU caches)."""
        e = self.e
        out = self.out
        f = self.f
        text = f.text
        is_self = loop.is_self
        group_number = loop.group_number
        group_name = "" if group_number else (text[loop.group_name] if loop.group_name else "")
        group_number = _own_text(group_number, text) if group_number else ""
        payer = loop.payer
        out.append(
            f"SBR{e}{loop.priority}{e}{'18' if is_self else ''}{e}{group_number}{e}"
            f"{group_name}{e}{e}{e}{e}{e}{payer.claim_filing_indicator}"
        )
        subscriber = loop.person
        out.append(self.person_name("IL", subscriber.name, loop.member_id))
        self.address(subscriber.address)
        if is_self:
            out.append(f"DMG{e}D8{e}{_date_text(subscriber.birth_date)}{e}{subscriber.sex}")
        out.append(f.payers[(payer.name, payer.id)])
        self.address(payer.address)

    def patient(self, loop: _Patient) -> None:
        """2000C/2010CA, from what `_hierarchy` kept of the loop's patient (as `subscriber`)."""
        e = self.e
        out = self.out
        out.append(f"PAT{e}{loop.relationship}")
        out.append(self.person_name("QC", loop.name, None))
        self.address(loop.address)
        out.append(f"DMG{e}D8{e}{_date_text(loop.birth_date)}{e}{loop.sex}")

    def other_payers(self, claim: Claim) -> None:
        e = self.e
        out = self.out
        f = self.f
        text = f.text
        for other in claim.other_payers:
            group_number = _own_text(other.group_number, text) if other.group_number else ""
            payer = other.payer
            out.append(
                f"SBR{e}{other.priority}{e}{other.relationship}{e}{group_number}"
                f"{e}{e}{e}{e}{e}{e}{payer.claim_filing_indicator}"
            )
            if other.adjustments:
                self.cas(other.adjustments)
            if other.paid_amount is not None:
                out.append(f"AMT{e}D{e}{_amount(other.paid_amount)}")
            out.append(
                f"OI{e}{e}{e}{'Y' if claim.benefits_assigned else 'N'}{e}{e}{e}"
                f"{claim.release_of_information}"
            )
            out.append(self.person_name("IL", other.subscriber.name, other.member_id))
            self.address(other.subscriber.address)
            out.append(f.payers[(payer.name, payer.id)])
            self.address(payer.address)
            if other.adjudication_date is not None:
                out.append(f.dtp573[other.adjudication_date])
            if other.payer_claim_control_number:
                out.append(f"REF{e}F8{e}{_own_text(other.payer_claim_control_number, text)}")

    def line_adjudications(self, line: ServiceLine) -> None:
        e, c = self.e, self.c
        out = self.out
        dtp573 = self.f.dtp573
        revenue = "" if self.professional else (line.revenue_code or "")
        for adj in line.adjudications:
            a = adj.__dict__
            procedure = a["procedure"]
            modifiers = a["modifiers"]
            if not procedure or (modifiers and not modifiers[-1]):
                procedure = _trimmed(c, ["HC", procedure, *modifiers])
            elif modifiers:
                procedure = c.join(("HC", procedure, *modifiers))
            else:
                procedure = f"HC{c}{procedure}"
            out.append(
                f"SVD{e}{a['payer_id']}{e}{_amount(a['paid_amount'])}{e}{procedure}{e}"
                f"{revenue}{e}{_amount(a['units'])}"
            )
            adjustments = a["adjustments"]
            if len(adjustments) == 2:  # the usual CO and PR: no quantity, one CAS each
                first, second = adjustments[0].__dict__, adjustments[1].__dict__
                if (
                    first["group"] != second["group"]
                    and first["quantity"] is None
                    and second["quantity"] is None
                ):
                    out.append(
                        f"CAS{e}{first['group']}{e}{first['reason']}{e}{_amount(first['amount'])}"
                    )
                    out.append(
                        f"CAS{e}{second['group']}{e}{second['reason']}{e}"
                        f"{_amount(second['amount'])}"
                    )
                else:
                    self.cas(adjustments)
            elif adjustments:
                self.cas(adjustments)
            out.append(dtp573[a["adjudication_date"]])

    def lines(self, claim: Claim) -> None:
        e, c = self.e, self.c
        append = self.out.append
        formats = self.f
        lx = formats.lx
        dtp472 = formats.dtp472
        dates = formats.date
        pointer_texts = formats.pointers
        professional = self.professional
        for line in claim.lines:
            f = line.__dict__  # plain reads of the frozen record's fields
            append(lx[f["number"]])
            modifiers = f["modifiers"]
            if professional:
                if modifiers:
                    procedure = c.join((f["procedure_qualifier"], f["procedure"], *modifiers))
                else:
                    procedure = f"{f['procedure_qualifier']}{c}{f['procedure']}"
                append(
                    f"SV1{e}{procedure}{e}{_amount(f['charge_amount'])}{e}{f['unit_basis']}"
                    f"{e}{_amount(f['units'])}{e}{f['place_of_service'] or ''}{e}{e}"
                    f"{pointer_texts[f['diagnosis_pointers']]}"
                )
            else:
                procedure = (
                    ""
                    if f["procedure_qualifier"] == "NU"
                    else c.join((f["procedure_qualifier"], f["procedure"], *modifiers))
                )
                basis = f["unit_basis"] if f["unit_basis"] in {"UN", "DA"} else "UN"
                append(
                    f"SV2{e}{f['revenue_code'] or '0300'}{e}{procedure}{e}"
                    f"{_amount(f['charge_amount'])}{e}{basis}{e}{_amount(f['units'])}"
                )
            end = f["service_date_end"]
            if end is None:
                append(dtp472[f["service_date"]])
            else:
                append(f"DTP{e}472{e}RD8{e}{dates[f['service_date']]}-{dates[end]}")
            if f["prior_authorization"] and professional:
                append(f"REF{e}G1{e}{_own_text(f['prior_authorization'], formats.text)}")
            if f["ndc"]:
                append(f"LIN{e}{e}N4{e}{f['ndc']}")
                if f["ndc_quantity"] is not None:
                    append(f"CTP{e}{e}{e}{e}{_amount(f['ndc_quantity'])}{e}{f['ndc_unit'] or 'UN'}")
            rendering = f["rendering_provider"]
            if rendering is not None:
                self.provider("82", rendering, *self.line_rendering_args)
            if f["adjudications"]:
                self.line_adjudications(line)

    def claim(self, claim: Claim) -> None:
        e, c = self.e, self.c
        out = self.out
        w = self.w
        formats = self.f
        text = formats.text
        dates = formats.date
        cd = claim.__dict__
        pcn = cd["patient_control_number"]
        if not (pcn.isalnum() and pcn.isascii()):  # letters and digits need no cleaning
            pcn = text[pcn]
        total = _amount(cd["total_charge_amount"])
        assigned = "Y" if cd["benefits_assigned"] else "N"
        if self.professional:
            pos = cd["place_of_service"] or default_pos(claim)
            out.append(
                f"CLM{e}{pcn}{e}{total}{e}{e}{e}{pos}{c}B{c}{cd['frequency_code']}{e}"
                f"{'Y' if cd['provider_signature'] else 'N'}{e}{cd['assignment']}{e}{assigned}"
                f"{e}{cd['release_of_information']}"
            )
            if cd["onset_date"] is not None:
                out.append(f"DTP{e}431{e}D8{e}{dates[cd['onset_date']]}")
        else:
            w.add(
                "CLM",
                pcn,
                total,
                None,
                None,
                (facility_code(claim), "A", claim.frequency_code),
                None,
                claim.assignment,
                assigned,
                claim.release_of_information,
            )
            start = claim.statement_from or claim.first_service_date
            end = claim.statement_to or claim.last_service_date
            if claim.admission_date is not None:
                w.add("DTP", "435", "D8", dates[claim.admission_date])
            w.add("DTP", "434", "RD8", f"{dates[start]}-{dates[end]}")
            if claim.admission_type or claim.admission_source or claim.patient_status:
                w.add(
                    "CL1",
                    claim.admission_type,
                    claim.admission_source,
                    claim.patient_status or "01",
                )
        if cd["payer_claim_control_number"]:
            out.append(f"REF{e}F8{e}{_own_text(cd['payer_claim_control_number'], text)}")
        if cd["prior_authorization"]:
            out.append(f"REF{e}G1{e}{_own_text(cd['prior_authorization'], text)}")
        if cd["referral_number"]:
            out.append(f"REF{e}9F{e}{_own_text(cd['referral_number'], text)}")
        if cd["note"]:
            note = text[cd["note"]]
            if note:
                out.append(f"NTE{e}ADD{e}{note}")
        if self.professional:
            diagnoses = cd["diagnoses"]
            if diagnoses:  # HI*ABK:first*ABF:second...
                out.append(f"HI{e}ABK{c}{formats.abf.join(map(_CODE, diagnoses))}")
            else:
                out.append("HI")
        else:
            _write_institutional_codes(w, claim, dates)
        for nm101, attribute, prv, facility, cache in self.roles:
            provider: Provider | None = cd[attribute]
            if provider is not None and (not facility or provider.address is not None):
                self.provider(nm101, provider, prv, facility, cache)
        if cd["other_payers"]:
            self.other_payers(claim)
        self.lines(claim)


def _write_institutional_codes(w: SegmentWriter, claim: Claim, dates: _Memo) -> None:
    by_kind: dict[DiagnosisKind, list[Diagnosis]] = {}
    for d in claim.diagnoses:
        by_kind.setdefault(d.kind, []).append(d)

    def dx(qualifier: str, d: Diagnosis) -> tuple[str | None, ...]:
        if d.present_on_admission:
            return (qualifier, d.code, None, None, None, None, None, None, d.present_on_admission)
        return (qualifier, d.code)

    principal = by_kind.get(DiagnosisKind.PRINCIPAL, [])
    if principal:
        w.add("HI", dx("ABK", principal[0]))
    for d in by_kind.get(DiagnosisKind.ADMITTING, [])[:1]:
        w.add("HI", ("ABJ", d.code))
    reasons = by_kind.get(DiagnosisKind.REASON_FOR_VISIT, [])[:3]
    if reasons:
        w.add("HI", *[("APR", d.code) for d in reasons])
    external = by_kind.get(DiagnosisKind.EXTERNAL_CAUSE, [])[:12]
    if external:
        w.add("HI", *[dx("ABN", d) for d in external])
    if claim.drg:
        w.add("HI", ("DR", claim.drg))
    others = principal[1:] + by_kind.get(DiagnosisKind.OTHER, [])
    for start in range(0, min(len(others), 24), 12):
        w.add("HI", *[dx("ABF", d) for d in others[start : start + 12]])
    occurrences = list(claim.occurrence_codes)
    for start in range(0, min(len(occurrences), 24), 12):
        w.add(
            "HI",
            *[("BH", code, "D8", dates[day]) for code, day in occurrences[start : start + 12]],
        )
    values = list(claim.value_codes)
    for start in range(0, min(len(values), 24), 12):
        w.add(
            "HI",
            *[
                ("BE", code, None, None, x12_amount(amount))
                for code, amount in values[start : start + 12]
            ],
        )
    conditions = list(claim.condition_codes)
    for start in range(0, min(len(conditions), 24), 12):
        w.add("HI", *[("BG", code) for code in conditions[start : start + 12]])


# ---------------------------------------------------------------- the HL hierarchy
#
# Billing provider (2000A) -> subscriber (2000B: payer, subscriber, member id, priority,
# group, self or not) -> patient (2000C: name, birth date, sex, address, relationship; only
# when the patient is not the subscriber). Claims whose records are equal share a loop, in
# the order the loops are first met. A pydantic record's hash walks every nested record in
# Python, so a claim is first compared (identity, then equality) with the first loop of its
# member id (or the first patient of its subscriber loop), which is nearly always the one;
# only the others are found by their hashed key, each record hashed once.


class _Patient:
    __slots__ = ("address", "birth_date", "claims", "name", "relationship", "sex")

    def __init__(
        self,
        name: PersonName,
        birth_date: date,
        sex: Sex,
        address: Address | None,
        relationship: Relationship,
    ) -> None:
        self.name = name
        self.birth_date = birth_date
        self.sex = sex
        self.address = address
        self.relationship = relationship
        self.claims: list[Claim] = []


class _Subscriber:
    __slots__ = (
        "claims",
        "group_name",
        "group_number",
        "is_self",
        "keyed",
        "member_id",
        "patients",
        "payer",
        "person",
        "priority",
    )

    def __init__(self, payer: Payer, coverage: dict[str, Any], is_self: bool) -> None:
        self.payer = payer
        self.person = coverage["subscriber"]
        self.member_id = coverage["member_id"]
        self.priority = coverage["priority"]
        self.group_number = coverage["group_number"]
        self.group_name = coverage["group_name"]
        self.is_self = is_self
        self.claims: list[Claim] = []  # when the patient is the subscriber
        self.patients: list[_Patient] = []  # when not, in order
        self.keyed: dict[tuple[Hashable, ...], _Patient] | None = None  # all but the first


class _Billing:
    __slots__ = ("first", "keyed", "provider", "subscribers")

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.subscribers: list[_Subscriber] = []
        self.first: dict[str | None, _Subscriber] = {}  # by member id, the first loop
        self.keyed: dict[tuple[Hashable, ...], _Subscriber] = {}  # the others


def _hierarchy(claims: list[Claim], layout: Layout) -> Iterable[_Billing]:
    """The claims in their HL loops; ValueError for a claim of the other kind."""
    kind = layout.kind
    billings: dict[Provider, _Billing] = {}  # by value
    billing_ids: dict[int, _Billing] = {}  # by identity, each record hashed once
    firsts: dict[int, Any] = {}
    by_value: dict[Any, Any] = {}

    def same(record: Any) -> int:
        """The identity of the first record met equal to `record`."""
        first = firsts.get(id(record))
        if first is None:
            first = firsts[id(record)] = by_value.setdefault(record, record)
        return id(first)

    last: Provider | None = None
    node: _Billing | None = None
    for claim in claims:
        cd = claim.__dict__
        if cd["kind"] is not kind:
            raise ValueError(
                f"claim {claim.patient_control_number} is {claim.kind.value}, not {kind.value}"
            )
        billing = cd["billing_provider"]
        if billing is not last or node is None:
            node = billing_ids.get(id(billing))
            if node is None:
                node = billings.get(billing)
                if node is None:
                    node = billings[billing] = _Billing(billing)
                billing_ids[id(billing)] = node
            last = billing
        coverage = cd["coverage"].__dict__
        payer = cd["payer"]
        person = coverage["subscriber"]
        relationship = coverage["relationship"]
        is_self = relationship is _SELF
        member = coverage["member_id"]
        sub = node.first.get(member)
        if sub is None:
            sub = node.first[member] = _Subscriber(payer, coverage, is_self)
            node.subscribers.append(sub)
        elif not (
            sub.is_self is is_self
            and (sub.person is person or sub.person == person)
            and (sub.payer is payer or sub.payer == payer)
            and sub.priority == coverage["priority"]
            and sub.group_number == coverage["group_number"]
            and sub.group_name == coverage["group_name"]
        ):
            key: tuple[Hashable, ...] = (
                same(payer),
                same(person),
                member,
                coverage["priority"],
                coverage["group_number"],
                coverage["group_name"],
                is_self,
            )
            sub = node.keyed.get(key)
            if sub is None:
                sub = node.keyed[key] = _Subscriber(payer, coverage, is_self)
                node.subscribers.append(sub)
        if is_self:
            sub.claims.append(claim)
            continue
        patient = cd["patient"].__dict__
        name, birth_date, sex, address = (
            patient["name"],
            patient["birth_date"],
            patient["sex"],
            patient["address"],
        )
        patients = sub.patients
        if not patients:
            group = _Patient(name, birth_date, sex, address, relationship)
            patients.append(group)
        else:
            group = patients[0]
            if not (
                (group.name is name or group.name == name)
                and group.sex == sex
                and (group.address is address or group.address == address)
                and group.relationship == relationship
                and group.birth_date == birth_date
            ):
                key = (same(name), birth_date, sex, same(address), relationship)
                if sub.keyed is None:
                    sub.keyed = {}
                known = sub.keyed.get(key)
                if known is None:
                    known = sub.keyed[key] = _Patient(name, birth_date, sex, address, relationship)
                    patients.append(known)
                group = known
        group.claims.append(claim)
    return billings.values()


def _transaction_body(
    claims: list[Claim],
    layout: Layout,
    submitter: Submitter,
    receiver: Receiver,
    reference: str,
    created_at: datetime,
    formats: _Formats,
    delimiters: Delimiters,
) -> TransactionBody:
    w = SegmentWriter(delimiters)
    w.add(
        "BHT",
        "0019",
        "00",
        reference,
        x12_date(created_at.date()),
        created_at.strftime("%H%M"),
        "CH",
    )
    w.add(
        "NM1",
        "41",
        "2",
        x12_text(submitter.name),
        None,
        None,
        None,
        None,
        "46",
        submitter.identifier,
    )
    w.add("PER", "IC", x12_text(submitter.contact_name or submitter.name), "TE", submitter.phone)
    w.add(
        "NM1", "40", "2", x12_text(receiver.name), None, None, None, None, "46", receiver.identifier
    )
    hl = 0
    body = _Body(w, layout, formats)
    out, e = w.segments, w.element
    # each claim's segments (with the HL loops opened before it) are joined into one string
    # as soon as it is written: far fewer strings live until the interchange is joined
    separator = segment_separator(delimiters)
    runs: list[str] = []
    count = 0
    for billing in _hierarchy(claims, layout):
        hl += 1
        billing_hl = hl
        out.append(f"HL{e}{billing_hl}{e}{e}20{e}1")
        body.billing(billing.provider)
        for sub in billing.subscribers:
            hl += 1
            subscriber_hl = hl
            is_self = sub.is_self
            out.append(f"HL{e}{subscriber_hl}{e}{billing_hl}{e}22{e}{'0' if is_self else '1'}")
            body.subscriber(sub)
            if is_self:
                for claim in sub.claims:
                    body.claim(claim)
                    count += len(out)
                    runs.append(separator.join(out))
                    out.clear()
                continue
            for patient in sub.patients:
                hl += 1
                out.append(f"HL{e}{hl}{e}{subscriber_hl}{e}23{e}0")
                body.patient(patient)
                for claim in patient.claims:
                    body.claim(claim)
                    count += len(out)
                    runs.append(separator.join(out))
                    out.clear()
    return TransactionBody("837", runs, layout.version, segment_count=count)


def write_837(
    claims: Iterable[Claim],
    layout: Layout,
    *,
    submitter: Submitter,
    receiver: Receiver,
    created_at: datetime,
    interchange_control_number: int = 1,
    group_control_number: int | None = None,
    usage: str = "P",
    reference: str | None = None,
    delimiters: Delimiters = Delimiters.DEFAULT,
    claims_per_set: int = MAX_CLAIMS_PER_SET,
) -> str:
    """One interchange holding `claims` as 837 transaction sets of at most `claims_per_set` claims."""
    kind_claims = list(claims)  # each claim's kind is checked while its set is built
    if not kind_claims:
        raise ValueError("an 837 needs at least one claim")
    header = InterchangeHeader(
        sender_id=submitter.identifier,
        receiver_id=receiver.identifier,
        sender_qualifier=submitter.qualifier,
        receiver_qualifier=receiver.qualifier,
        interchange_control_number=interchange_control_number,
        group_control_number=group_control_number or interchange_control_number,
        created_at=created_at,
        usage=usage,
        delimiters=delimiters,
    )
    bodies = []
    base = reference or str(interchange_control_number)
    formats = _Formats(delimiters)
    with collector_paused():  # writing makes many small acyclic objects
        for number, start in enumerate(range(0, len(kind_claims), claims_per_set), start=1):
            bodies.append(
                _transaction_body(
                    kind_claims[start : start + claims_per_set],
                    layout,
                    submitter,
                    receiver,
                    f"{base}-{number}" if len(kind_claims) > claims_per_set else base,
                    created_at,
                    formats,
                    delimiters,
                )
            )
        text = write_interchange(bodies, header, functional_id="HC", version=layout.version)
        # freed while the collector is paused: left to the end of the call, the first
        # collection after it resumes would walk every memo and loop still alive
        del bodies, formats
    return text
