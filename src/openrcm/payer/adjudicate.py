"""The adjudication engine: a claim in, the payer's decision (an 835 claim payment) out.

`Adjudicator.adjudicate(claim, received_date=...)` runs, in order and recording each step
in an explanation trace:

1. reversal: frequency 8 voids and frequency 7 replaces an earlier claim (CLP02 22 with
   every amount negated, accumulators restored);
2. the member: roster or the claim's coverage, the benefit plan, the plan year;
3. line rules (`rules.RULES`): eligibility, timely filing, duplicate, exclusions,
   network, prior authorisation, referral, medical necessity, bundling, visit limits;
4. pricing under the payer's contract (`openrcm.pricing`), the lesser of billed and
   allowed; PFS status T injections bundle into other same-day services;
5. cost sharing per line in line order: copay, deductible, coinsurance, capped by the
   out-of-pocket maximum, embedded individual/family, written to the accumulators;
   or, for a secondary claim, coordination of benefits from the primary's payments;
6. the claim payment: per line allowed, paid and CAS adjustments (CO/PR/OA with CARC and
   RARC), the claim status (1/2 paid, 4 denied, 19 forwarded to a crossover payer, 22
   reversal) and patient responsibility.

Every line balances: charge = paid + adjustments. The engine keeps its state (accumulators,
earlier decisions for duplicates and reversals) in a `PayerState` that the caller owns;
the same claims in the same order give the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from openrcm.domain.claim import Adjustment, Claim, ClaimKind, ServiceLine
from openrcm.domain.finding import Finding, Severity
from openrcm.domain.money import ZERO, allocate
from openrcm.domain.party import Address, CoveragePriority, PlanType
from openrcm.domain.remittance import ClaimPayment, ClaimPaymentStatus, Party, ServicePayment
from openrcm.payer.accumulators import Accumulators
from openrcm.payer.configuration import Enrollment, Member, PayerBook, PayerConfig
from openrcm.payer.plans import BenefitPlan, ServiceCategory
from openrcm.payer.rules import RULES, ClaimContext, Denial, LineContext, line_key
from openrcm.pricing.contracts import ContractPrice, LineToPrice, PayerContract, price_lines
from openrcm.pricing.medicare_pfs import NATIONAL, MedicarePfs, UnknownLocality, half_up


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the explanation trace: the stage, the line (None: the claim), what happened."""

    stage: str
    line: int | None
    outcome: str  # "pass", "deny", "price", "share", "status", "info"
    detail: str
    carc: str | None = None


@dataclass(frozen=True, slots=True)
class Adjudication:
    """The payer's decision on one claim: claim payments for the 835 and the trace.

    `payments` holds one claim payment, or two for a replacement (the reversal of the
    original, then the new decision). `outcome` is one of paid, partial, denied,
    forwarded, secondary, reversed.
    """

    patient_control_number: str
    payer_id: str
    payer_name: str
    billing_npi: str
    billing_name: str
    payer: Party  # N1*PR of the 835
    payee: Party  # N1*PE of the 835
    payments: tuple[ClaimPayment, ...]
    outcome: str
    trace: tuple[Step, ...]
    findings: tuple[Finding, ...] = ()

    @property
    def payment(self) -> ClaimPayment:
        """The decision on this claim (the last claim payment)."""
        return self.payments[-1]


@dataclass(slots=True)
class _Decided:
    claim: Claim
    payment: ClaimPayment
    line_keys: tuple[tuple[object, ...], ...]


@dataclass(slots=True)
class PayerState:
    """What the payer remembers between claims: accumulators and earlier decisions."""

    accumulators: Accumulators = field(default_factory=Accumulators)
    decided: dict[str, _Decided] = field(default_factory=dict)  # payer claim control number
    seen_lines: dict[tuple[object, ...], str] = field(default_factory=dict)
    sequence: int = 0

    def next_control_number(self, prefix: str) -> str:
        self.sequence += 1
        return f"{prefix}{self.sequence:010d}"


@dataclass(slots=True)
class _Line:
    """A line being adjudicated: its denial or its amounts."""

    line: ServiceLine
    category: ServiceCategory
    in_network: bool
    npi: str
    pos: str
    denial: Denial | None = None
    price: ContractPrice | None = None
    allowed: Decimal = ZERO
    paid: Decimal = ZERO
    adjustments: list[tuple[str, str, Decimal]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    coordinated: bool = False  # secondary: amounts come from coordination of benefits


class Adjudicator:
    """Adjudicates claims for the payers of a `PayerBook`, pricing with Medicare PFS years."""

    def __init__(
        self,
        book: PayerBook,
        schedules: Sequence[MedicarePfs],
        *,
        state: PayerState | None = None,
    ) -> None:
        self.book = book
        self.schedules = tuple(schedules)
        self.state = state if state is not None else PayerState()
        self._plans = dict(book.plan_index)
        self._members = dict(book.member_index)
        self._price_cache: dict[tuple[Any, ...], Any] = {}
        self._categories: dict[tuple[str, str, str], ServiceCategory] = {}

    # ------------------------------------------------------------------ entry point

    def adjudicate(self, claim: Claim, *, received_date: date) -> Adjudication:
        """Decide one claim received on `received_date`; updates `self.state`."""
        trace: list[Step] = []
        payer = self.book.payer_for(claim.payer.id)
        if payer is None:
            trace.append(
                Step("payer", None, "deny", f"payer {claim.payer.id} is not configured", "109")
            )
            return self._whole_claim_denial(
                claim, None, Denial("CO", "109", "not our claim"), trace, received_date
            )
        payments: list[ClaimPayment] = []
        if claim.frequency_code in {"7", "8"}:
            original = self.state.decided.get(claim.payer_claim_control_number or "")
            if original is None:
                trace.append(
                    Step(
                        "reversal",
                        None,
                        "deny",
                        f"no earlier claim {claim.payer_claim_control_number} to "
                        f"{'replace' if claim.frequency_code == '7' else 'void'}",
                        "129",
                    )
                )
                if claim.frequency_code == "8":
                    return self._whole_claim_denial(
                        claim,
                        payer,
                        Denial("CO", "129", "original not found", "N3"),
                        trace,
                        received_date,
                    )
            else:
                payments.append(self._reverse(original, trace))
                if claim.frequency_code == "8":
                    return self._result(claim, payer, tuple(payments), "reversed", trace)
        decision, outcome = self._decide(claim, payer, received_date, trace)
        payments.append(decision)
        return self._result(claim, payer, tuple(payments), outcome, trace)

    # ------------------------------------------------------------------ reversal

    def _reverse(self, original: _Decided, trace: list[Step]) -> ClaimPayment:
        number = original.payment.payer_claim_control_number or ""
        restored = self.state.accumulators.reverse(number)
        for key in original.line_keys:
            if self.state.seen_lines.get(key) == number:
                del self.state.seen_lines[key]
        del self.state.decided[number]
        trace.append(
            Step(
                "reversal",
                None,
                "info",
                f"claim {number} reversed{'; accumulators restored' if restored else ''}",
            )
        )
        return negate(original.payment)

    # ------------------------------------------------------------------ member and plan

    def _member(
        self, claim: Claim, payer: PayerConfig, trace: list[Step]
    ) -> tuple[BenefitPlan, Member | None, date, date | None, str, str] | Denial:
        coverage = claim.coverage
        patient = claim.patient
        identity = f"{coverage.member_id}|{patient.name.last.upper()}|{patient.name.first.upper()}|{patient.birth_date}"
        if payer.enrollment is Enrollment.ROSTER:
            member = self._members.get(coverage.member_id)
            if member is None:
                trace.append(
                    Step(
                        "member",
                        None,
                        "deny",
                        f"member {coverage.member_id} is not on the roster",
                        "31",
                    )
                )
                return Denial("CO", "31", "member not found", "N52")
            plan = self._plans.get(member.plan_id)
            if plan is None:
                return Denial("CO", "31", f"plan {member.plan_id} not configured")
            trace.append(
                Step("member", None, "pass", f"member {member.member_id} on plan {plan.id}")
            )
            return (
                plan,
                member,
                member.effective_date,
                member.termination_date,
                identity,
                f"{member.family}",
            )
        plan_id = coverage.plan_id if coverage.plan_id in self._plans else None
        if plan_id is None and coverage.group_number:
            plan_id = next(
                (p.id for p in self._plans.values() if coverage.group_number in p.group_numbers),
                None,
            )
        plan_id = plan_id or payer.default_plan
        plan = self._plans.get(plan_id or "")
        if plan is None:
            trace.append(
                Step(
                    "member",
                    None,
                    "deny",
                    f"no benefit plan {coverage.plan_id!r} for payer {payer.id}",
                    "31",
                )
            )
            return Denial("CO", "31", "no benefit plan for the coverage")
        trace.append(
            Step(
                "member",
                None,
                "pass",
                f"coverage {coverage.effective_date}..{coverage.termination_date or 'open'} on plan {plan.id}",
            )
        )
        return (
            plan,
            None,
            coverage.effective_date,
            coverage.termination_date,
            identity,
            coverage.member_id,
        )

    # ------------------------------------------------------------------ decision

    def _decide(
        self, claim: Claim, payer: PayerConfig, received: date, trace: list[Step]
    ) -> tuple[ClaimPayment, str]:
        found = self._member(claim, payer, trace)
        if isinstance(found, Denial):
            payment = self._denied_payment(claim, payer, found, received)
            return payment, "denied"
        plan, member, start, end, member_key, family_key = found
        control = self.state.next_control_number(payer.claim_control_prefix)
        ctx = ClaimContext(
            claim=claim,
            payer=payer,
            plan=plan,
            member_key=member_key,
            family_key=family_key,
            coverage_start=start,
            coverage_end=end,
            member=member,
            received_date=received,
            accumulators=self.state.accumulators,
            seen_lines=self.state.seen_lines,
            visits_this_claim={},
        )
        lines = [self._line(claim, payer, plan, line) for line in claim.lines]
        for item in lines:
            line_ctx = LineContext(
                ctx, item.line, item.category, item.in_network, item.npi, item.pos
            )
            for check in RULES.values():
                denial = check.check(line_ctx)
                if denial is not None:
                    item.denial = denial
                    trace.append(
                        Step(check.id.lower(), item.line.number, "deny", denial.reason, denial.carc)
                    )
                    break
            else:
                trace.append(
                    Step(
                        "rules",
                        item.line.number,
                        "pass",
                        f"{item.line.procedure}: {item.category.id} benefit, {'in' if item.in_network else 'out of'} network",
                    )
                )
        self._price(claim, payer, lines, trace)
        secondary = claim.coverage.priority is not CoveragePriority.PRIMARY
        if secondary:
            self._coordinate(claim, lines, trace)
        else:
            self._share(ctx, control, lines, trace)
        for item in lines:
            _close(item)
        keys = []
        if not secondary:
            for item in lines:
                if item.denial is None:
                    key = line_key(member_key, item.line, item.npi)
                    self.state.seen_lines[key] = control
                    keys.append(key)
        status, outcome, crossover = self._status(claim, payer, lines, secondary)
        payment = self._payment(claim, lines, status, control, received, crossover, plan)
        trace.append(
            Step(
                "status",
                None,
                "status",
                f"CLP02 {status.value} ({outcome}): charge {payment.charge_amount}, paid {payment.paid_amount}, "
                f"patient {payment.patient_responsibility_amount}",
            )
        )
        self.state.decided[control] = _Decided(claim, payment, tuple(keys))
        return payment, outcome

    def _line(
        self, claim: Claim, payer: PayerConfig, plan: BenefitPlan, line: ServiceLine
    ) -> _Line:
        provider = line.rendering_provider or claim.rendering_provider or claim.billing_provider
        pos = line.place_of_service or claim.place_of_service or _institutional_pos(claim)
        key = (plan.id, line.procedure, pos)
        category = self._categories.get(key)
        if category is None:
            category = self._categories[key] = plan.category_for(line.procedure, pos)
        in_network = payer.in_network(provider.npi) or category.network_exempt
        return _Line(line, category, in_network, provider.npi, pos)

    # ------------------------------------------------------------------ pricing

    def _locality(self, claim: Claim, payer: PayerConfig) -> str:
        if payer.locality:
            return payer.locality
        for provider in (claim.service_facility, claim.billing_provider):
            if provider is not None and provider.address is not None and self.schedules:
                try:
                    return self.schedules[0].locality_for_zip(provider.address.zip_code)
                except UnknownLocality:
                    continue
        return NATIONAL

    def _price(
        self, claim: Claim, payer: PayerConfig, lines: list[_Line], trace: list[Step]
    ) -> None:
        open_lines = [item for item in lines if item.denial is None]
        if not open_lines:
            return
        locality = self._locality(claim, payer)
        groups: dict[int, tuple[PayerContract, list[_Line]]] = {}
        for item in open_lines:
            contract = (
                payer.contract
                if item.in_network
                else (payer.out_of_network_contract or payer.contract)
            )
            groups.setdefault(id(contract), (contract, []))[1].append(item)
        for contract, members in groups.values():
            to_price = [
                LineToPrice(
                    item.line.number,
                    item.line.procedure,
                    item.line.modifiers,
                    item.line.units,
                    item.line.charge_amount,
                    item.line.service_date,
                    item.pos,
                    item.npi,
                )
                for item in members
            ]
            prices = price_lines(
                to_price, contract, self.schedules, locality=locality, cache=self._price_cache
            )
            for item in members:
                price = prices[item.line.number]
                item.price = price
                if not price.payable:
                    item.denial = Denial("CO", price.carc or "96", price.basis, price.rarc)
                    trace.append(Step("pricing", item.line.number, "deny", price.basis, price.carc))
                else:
                    item.allowed = price.allowed
                    trace.append(
                        Step(
                            "pricing",
                            item.line.number,
                            "price",
                            f"{price.basis} in {locality}: contract {price.contract_amount}, "
                            f"charge {item.line.charge_amount}, allowed {price.allowed}"
                            + (
                                f" (same-day reduction {price.same_day_reduction})"
                                if price.same_day_reduction
                                else ""
                            ),
                        )
                    )
        self._injections(lines, trace)

    @staticmethod
    def _injections(lines: list[_Line], trace: list[Step]) -> None:
        """PFS status T: paid only when nothing else payable under the PFS is billed that day."""
        for item in lines:
            price = item.price
            if (
                item.denial is not None
                or price is None
                or price.pfs is None
                or price.pfs.status_code != "T"
            ):
                continue
            others = [
                o
                for o in lines
                if o is not item
                and o.denial is None
                and o.line.service_date == item.line.service_date
                and o.price is not None
                and o.price.pfs is not None
                and o.price.pfs.priced
                and o.price.pfs.status_code != "T"
            ]
            if others:
                item.denial = Denial(
                    "CO", "97", f"injection bundled into line {others[0].line.number}", "M15"
                )
                item.allowed = ZERO
                trace.append(Step("bundling", item.line.number, "deny", item.denial.reason, "97"))

    # ------------------------------------------------------------------ cost sharing

    def _share(
        self, ctx: ClaimContext, control: str, lines: list[_Line], trace: list[Step]
    ) -> None:
        plan = ctx.plan
        accumulators = self.state.accumulators
        copaid: set[tuple[date, str]] = set()
        for item in lines:
            if item.denial is not None or item.allowed <= 0:
                continue
            day = item.line.service_date
            plan_year = plan.plan_year(day)
            tier = item.in_network
            keys = accumulators.keys(ctx.member_key, ctx.family_key, plan.id, plan_year, tier)
            standing = accumulators.standing(
                keys,
                (plan.deductible.individual.get(tier), plan.deductible.family.get(tier)),
                (
                    plan.out_of_pocket_max.individual.get(tier),
                    plan.out_of_pocket_max.family.get(tier),
                ),
            )
            oop_left = standing.out_of_pocket_left
            rest = item.allowed
            copay = ZERO
            category = item.category
            amount = category.copay if tier else (category.copay_out_of_network or category.copay)
            if amount and (day, category.id) not in copaid:
                copay = _cap(min(amount, rest), oop_left)
                copaid.add((day, category.id))
            rest -= copay
            oop_left = None if oop_left is None else oop_left - copay
            deductible = ZERO
            if category.deductible_applies and standing.deductible_left is not None:
                deductible = _cap(min(rest, standing.deductible_left), oop_left)
            rest -= deductible
            oop_left = None if oop_left is None else oop_left - deductible
            rate = (
                category.coinsurance
                if category.coinsurance is not None
                else plan.coinsurance.get(tier)
            )
            coinsurance = _cap(half_up(rest * rate), oop_left)
            patient = copay + deductible + coinsurance
            accumulators.add(control, keys, deductible=deductible, out_of_pocket=patient)
            if category.visit_limit is not None:
                accumulators.add_visit(
                    control, ctx.member_key, plan.id, plan_year, category.id, day
                )
            item.paid = item.allowed - patient
            for carc, value in (("1", deductible), ("2", coinsurance), ("3", copay)):
                if value:
                    item.adjustments.append(("PR", carc, value))
            if (
                standing.out_of_pocket_left is not None
                and patient == standing.out_of_pocket_left
                and patient < item.allowed - ZERO
            ):
                trace.append(
                    Step("cost-share", item.line.number, "info", "out-of-pocket maximum reached")
                )
            trace.append(
                Step(
                    "cost-share",
                    item.line.number,
                    "share",
                    f"{category.id}: copay {copay}, deductible {deductible} "
                    f"(left before {standing.deductible_left}), coinsurance {coinsurance} at {rate}; "
                    f"plan pays {item.paid}",
                )
            )

    # ------------------------------------------------------------------ coordination of benefits

    def _coordinate(self, claim: Claim, lines: list[_Line], trace: list[Step]) -> None:
        """Secondary: pay up to our allowed less the primary's payment, never more than the
        patient responsibility the primary left."""
        primary = next((p for p in claim.other_payers if p.priority == "P"), None)
        has_lines = any(line.adjudications for line in claim.lines)
        if primary is None or (primary.paid_amount is None and not has_lines):
            trace.append(
                Step(
                    "cob",
                    None,
                    "deny",
                    "secondary claim without the primary payer's adjudication",
                    "22",
                )
            )
            for item in lines:
                if item.denial is None:
                    item.denial = Denial("CO", "22", "primary payer's adjudication missing", "MA04")
                    item.allowed = ZERO
            return
        paid_shares, responsibility_shares = _primary_by_line(claim, primary.payer.id)
        for item in lines:
            number = item.line.number
            primary_paid = paid_shares[number]
            primary_pr = responsibility_shares[number]
            if item.denial is not None:
                continue
            pay = max(min(item.allowed - primary_paid, _total(primary_pr)), ZERO)
            item.paid = pay
            item.coordinated = True
            left = pay
            for carc, amount in primary_pr:
                use = min(left, amount)
                left -= use
                if amount - use:
                    item.adjustments.append(("PR", carc, amount - use))
            trace.append(
                Step(
                    "cob",
                    number,
                    "share",
                    f"allowed {item.allowed}, primary paid {primary_paid}, patient responsibility "
                    f"after primary {_total(primary_pr)}: secondary pays {pay}",
                )
            )

    # ------------------------------------------------------------------ status and payment

    def _status(
        self, claim: Claim, payer: PayerConfig, lines: list[_Line], secondary: bool
    ) -> tuple[ClaimPaymentStatus, str, tuple[str, str] | None]:
        denied = [item for item in lines if item.denial is not None]
        if len(denied) == len(lines):
            return ClaimPaymentStatus.DENIED, "denied", None
        if secondary:
            rank = claim.coverage.priority.rank
            status = ClaimPaymentStatus.SECONDARY if rank == 2 else ClaimPaymentStatus.TERTIARY
            return status, "secondary", None
        crossover_ids = {c.payer_id: c.name for c in payer.crossover}
        for other in claim.other_payers:
            if other.priority in {"S", "T"} and other.payer.id in crossover_ids:
                return (
                    ClaimPaymentStatus.PRIMARY_FORWARDED,
                    "forwarded",
                    (other.payer.id, crossover_ids[other.payer.id]),
                )
        return ClaimPaymentStatus.PRIMARY, "partial" if denied else "paid", None

    def _payment(
        self,
        claim: Claim,
        lines: list[_Line],
        status: ClaimPaymentStatus,
        control: str,
        received: date,
        crossover: tuple[str, str] | None,
        plan: BenefitPlan | None = None,
    ) -> ClaimPayment:
        services = tuple(_service(item) for item in lines)
        paid = sum((s.paid_amount for s in services), ZERO)
        patient = sum((s.adjusted("PR") for s in services), ZERO)
        rendering = claim.rendering_provider.npi if claim.rendering_provider else None
        return _trusted(
            ClaimPayment,
            patient_control_number=claim.patient_control_number,
            status=status,
            charge_amount=claim.total_charge_amount,
            paid_amount=paid,
            patient_responsibility_amount=patient,
            claim_filing_indicator=filing_indicator(claim, plan),
            payer_claim_control_number=control,
            facility_code=_facility_code(claim),
            frequency_code=claim.frequency_code,
            drg=claim.drg,
            adjustments=(),
            patient_last_name=claim.patient.name.last,
            patient_first_name=claim.patient.name.first,
            member_id=claim.coverage.member_id,
            rendering_npi=rendering,
            crossover_payer_name=crossover[1] if crossover else None,
            crossover_payer_id=crossover[0] if crossover else None,
            corrected_priority_payer_name=None,
            statement_from=claim.statement_from or claim.first_service_date,
            statement_to=claim.statement_to or claim.last_service_date,
            received_date=received,
            coverage_expiration_date=None,
            remark_codes=(),
            coverage_amount=sum((item.allowed for item in lines), ZERO),
            interest_amount=None,
            lines=services,
        )

    def _denied_payment(
        self, claim: Claim, payer: PayerConfig | None, denial: Denial, received: date
    ) -> ClaimPayment:
        prefix = payer.claim_control_prefix if payer else "ORC"
        control = self.state.next_control_number(prefix)
        lines = []
        for line in claim.lines:
            item = _Line(line, ServiceCategory(id="medical"), True, "", "")
            item.denial = denial
            _close(item)
            lines.append(item)
        payment = self._payment(claim, lines, ClaimPaymentStatus.DENIED, control, received, None)
        self.state.decided[control] = _Decided(claim, payment, ())
        return payment

    def _whole_claim_denial(
        self,
        claim: Claim,
        payer: PayerConfig | None,
        denial: Denial,
        trace: list[Step],
        received: date,
    ) -> Adjudication:
        payment = self._denied_payment(claim, payer, denial, received)
        trace.append(Step("status", None, "status", f"CLP02 4 (denied): CARC {denial.carc}"))
        return self._result(claim, payer, (payment,), "denied", trace)

    @staticmethod
    def _result(
        claim: Claim,
        payer: PayerConfig | None,
        payments: tuple[ClaimPayment, ...],
        outcome: str,
        trace: list[Step],
    ) -> Adjudication:
        findings = tuple(
            Finding(
                code=f"ADJ-{step.stage.upper()}",
                severity=Severity.WARNING,
                message=step.detail,
                line=step.line,
            )
            for step in trace
            if step.outcome == "deny"
        )
        payer_id = payer.id if payer and payer.id != "*" else claim.payer.id
        payer_name = payer.name if payer and payer.id != "*" else claim.payer.name
        payer_address = (payer.address if payer else None) or claim.payer.address
        billing = claim.billing_provider
        return Adjudication(
            patient_control_number=claim.patient_control_number,
            payer_id=payer_id,
            payer_name=payer_name,
            billing_npi=billing.npi,
            billing_name=billing.display_name,
            payer=_party(
                payer_name,
                payer_id,
                None,
                payer_address,
                contact_name=payer.contact_name if payer else None,
                contact_phone=payer.contact_phone if payer else None,
            ),
            payee=_party(billing.display_name, billing.npi, "XX", billing.address),
            payments=payments,
            outcome=outcome,
            trace=tuple(trace),
            findings=findings,
        )


_R = TypeVar("_R")
_new = object.__new__
_set = object.__setattr__


def _trusted(cls: type[_R], **values: Any) -> _R:
    """A frozen record from values this module built and checked itself, giving every field.

    The same record `cls(**values)` would build, without pydantic validating it again: the
    engine builds thousands of these a second.
    """
    record = _new(cls)
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", set(values))
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def _party(
    name: str,
    identifier: str,
    qualifier: str | None,
    address: Address | None,
    *,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> Party:
    return _trusted(
        Party,
        name=name,
        identifier=identifier,
        identifier_qualifier=qualifier,
        address_line=address.line1 if address else None,
        city=address.city if address else None,
        state=address.state if address else None,
        zip_code=address.zip_code if address else None,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )


CLP06_CODES = frozenset(
    {
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "AM",
        "CH",
        "DS",
        "HM",
        "LM",
        "MA",
        "MB",
        "MC",
        "OF",
        "TV",
        "VA",
        "WC",
        "ZZ",
    }
)
_BY_PLAN_TYPE = {
    PlanType.PPO: "12",
    PlanType.POS: "13",
    PlanType.EPO: "14",
    PlanType.INDEMNITY: "15",
    PlanType.HMO: "HM",
    PlanType.MEDICARE: "MB",
    PlanType.MEDICAID: "MC",
}


def filing_indicator(claim: Claim, plan: BenefitPlan | None) -> str:
    """CLP06: the 835's claim filing indicator, from the plan's network type when known (the
    835 has no CI or BL), else the claim's SBR09 when the 835 allows it, else ZZ."""
    if plan is not None:
        return _BY_PLAN_TYPE[plan.network_type]
    code = claim.payer.claim_filing_indicator.value
    return code if code in CLP06_CODES else "ZZ"


def _cap(value: Decimal, limit: Decimal | None) -> Decimal:
    if limit is None:
        return value
    return max(min(value, limit), ZERO)


def _total(parts: Iterable[tuple[str, Decimal]]) -> Decimal:
    return sum((amount for _, amount in parts), ZERO)


def _institutional_pos(claim: Claim) -> str:
    if claim.kind is ClaimKind.INSTITUTIONAL and claim.type_of_bill:
        bill = claim.type_of_bill.lstrip("0")
        return "21" if bill.startswith("11") else "22"
    return "11"


def _facility_code(claim: Claim) -> str | None:
    if claim.kind is ClaimKind.INSTITUTIONAL and claim.type_of_bill:
        return claim.type_of_bill.lstrip("0")[:2]
    return claim.place_of_service or (claim.lines[0].place_of_service if claim.lines else None)


def _primary_by_line(
    claim: Claim, primary_payer: str
) -> tuple[dict[int, Decimal], dict[int, list[tuple[str, Decimal]]]]:
    """The primary's paid amount and patient-responsibility adjustments per line: from the
    2430 line adjudications when present, else the 2320 claim totals spread by charge."""
    paid: dict[int, Decimal] = defaultdict(Decimal)
    responsibility: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    if any(line.adjudications for line in claim.lines):
        for line in claim.lines:
            for decision in line.adjudications:
                if (
                    decision.payer_id not in {primary_payer, ""}
                    and len({a.payer_id for a in line.adjudications}) > 1
                ):
                    continue
                paid[line.number] += decision.paid_amount
                responsibility[line.number].extend(
                    (a.reason, a.amount) for a in decision.adjustments if a.group == "PR"
                )
        return paid, responsibility
    primary = next(p for p in claim.other_payers if p.priority == "P")
    weights = [
        line.charge_amount if line.charge_amount > 0 else Decimal("0.01") for line in claim.lines
    ]
    paid_parts = allocate(primary.paid_amount or ZERO, weights)
    for line, part in zip(claim.lines, paid_parts, strict=True):
        paid[line.number] = part
    for adjustment in primary.adjustments:
        if adjustment.group != "PR":
            continue
        for line, part in zip(claim.lines, allocate(adjustment.amount, weights), strict=True):
            if part:
                responsibility[line.number].append((adjustment.reason, part))
    return paid, responsibility


def _close(item: _Line) -> None:
    """Finish a line's adjustments so that charge = paid + adjustments."""
    charge = item.line.charge_amount
    if item.denial is not None:
        item.allowed = ZERO
        item.paid = ZERO
        item.adjustments = [(item.denial.group, item.denial.carc, charge)] if charge else []
        if item.denial.rarc:
            item.remarks.append(item.denial.rarc)
        return
    rest = charge - item.paid - sum((a for _, _, a in item.adjustments), ZERO)
    if not rest:
        return
    if item.coordinated:
        # secondary: what neither the primary's payment nor the patient's share explains
        item.adjustments.append(("OA", "23", rest))
        return
    same_day = min(item.price.same_day_reduction, rest) if item.price is not None else ZERO
    if same_day:
        item.adjustments.append(("CO", "59", same_day))
    if rest - same_day:
        item.adjustments.append(("CO", "45", rest - same_day))


def _service(item: _Line) -> ServicePayment:
    line = item.line
    merged: dict[tuple[str, str], Decimal] = {}
    for group, carc, amount in item.adjustments:
        if amount:
            merged[(group, carc)] = merged.get((group, carc), ZERO) + amount
    adjustments = tuple(
        _trusted(Adjustment, group=group, reason=carc, amount=amount, quantity=None)
        for (group, carc), amount in merged.items()
    )
    total = sum((a.amount for a in adjustments), ZERO)
    if item.paid + total != line.charge_amount:
        raise AssertionError(
            f"line {line.number} does not balance: charge {line.charge_amount}, paid {item.paid}, adjustments {total}"
        )
    return _trusted(
        ServicePayment,
        procedure=line.procedure,
        procedure_qualifier=line.procedure_qualifier,
        modifiers=line.modifiers,
        charge_amount=line.charge_amount,
        paid_amount=item.paid,
        revenue_code=line.revenue_code,
        units=line.units,
        original_procedure=None,
        original_units=None,
        service_date=line.service_date,
        service_date_end=line.service_date_end,
        adjustments=adjustments,
        line_control_number=str(line.number),
        allowed_amount=item.allowed,
        remark_codes=tuple(dict.fromkeys(item.remarks)),
    )


def negate(payment: ClaimPayment) -> ClaimPayment:
    """The reversal of a claim payment (CLP02 22): every amount with its sign flipped."""

    def flip(adjustments: tuple[Adjustment, ...]) -> tuple[Adjustment, ...]:
        return tuple(a.model_copy(update={"amount": -a.amount}) for a in adjustments)

    lines = tuple(
        s.model_copy(
            update={
                "charge_amount": -s.charge_amount,
                "paid_amount": -s.paid_amount,
                "adjustments": flip(s.adjustments),
                "allowed_amount": -s.allowed_amount if s.allowed_amount is not None else None,
            }
        )
        for s in payment.lines
    )
    return payment.model_copy(
        update={
            "status": ClaimPaymentStatus.REVERSAL,
            "charge_amount": -payment.charge_amount,
            "paid_amount": -payment.paid_amount,
            "patient_responsibility_amount": -(payment.patient_responsibility_amount or ZERO),
            "coverage_amount": -(payment.coverage_amount or ZERO),
            "adjustments": flip(payment.adjustments),
            "lines": lines,
        }
    )


def adjudicate_claims(
    claims: Iterable[Claim],
    book: PayerBook,
    schedules: Sequence[MedicarePfs],
    *,
    received_date: date,
    state: PayerState | None = None,
) -> list[Adjudication]:
    """Adjudicate claims in order with one shared state."""
    engine = Adjudicator(book, schedules, state=state)
    return [engine.adjudicate(claim, received_date=received_date) for claim in claims]
