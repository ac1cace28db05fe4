"""Visit scenarios by specialty: what a family physician, a dermatologist or a therapist bills.

Each scenario is a function that codes one `Visit`: it adds diagnoses and lines with
their modifiers (25, 59/XS, LT/RT, 26/TC, 50, GP, F-finger), units and pointers. `SPECIALTIES`
maps each specialty to its taxonomy, the patients it sees and its weighted scenarios.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from openrcm.synth import codebook as cb
from openrcm.synth.visit import Visit

Scenario = Callable[[Visit], None]


def _preventive_code(visit: Visit) -> str:
    age = visit.patient.age
    band = 1 if age < 1 else 2 if age < 5 else 3 if age < 12 else 4 if age < 18 else 5
    if band == 5:
        band = 5 if age < 40 else 6 if age < 65 else 7
    return f"9938{band}" if visit.patient.is_new else f"9939{band}"


def _exam_dx(visit: Visit) -> int:
    abnormal = visit.rng.random() < 0.2
    if visit.patient.age < 18:
        return visit.add_dx("Z00121" if abnormal else "Z00129")
    return visit.add_dx("Z0001" if abnormal else "Z0000")


def _acute(visit: Visit) -> int:
    pool = cb.ACUTE_CHILD if visit.patient.age < 18 else cb.ACUTE_ADULT
    return visit.pick(pool)


# primary care ---------------------------------------------------------------------------


def sick_visit(visit: Visit) -> None:
    if visit.rng.random() < 0.12:
        visit.pos, visit.site = "02", "telehealth"
    _acute(visit) or visit.chronic(2)
    visit.em()


def chronic_followup(visit: Visit) -> None:
    if visit.rng.random() < 0.15:
        visit.pos, visit.site = "02", "telehealth"
    if not visit.chronic(4):
        _acute(visit)
    visit.g2211 = visit.rng.random() < 0.4
    visit.em(intensity=1)


def preventive_visit(visit: Visit) -> None:
    exam = _exam_dx(visit)
    p, rng = visit.patient, visit.rng
    if p.medicare:
        visit.line("G0438" if p.is_new or rng.random() < 0.2 else "G0439", ptr=exam)
        if rng.random() < 0.15:
            visit.line("99497", "33", ptr=visit.add_dx("Z7189"))
    else:
        visit.line(_preventive_code(visit), ptr=exam)
    smoker = any(d.code == "F17210" for d in p.chronic)
    if smoker and rng.random() < 0.5:
        visit.line("99406", ptr=visit.add_dx("F17210"))
    elif p.age >= 12 and not p.medicare and rng.random() < 0.3:
        visit.line("96127", ptr=visit.add_dx("Z1331"))  # NCCI: never with an AWV or 99406
    if rng.random() < 0.18:
        problem = _acute(visit) or (visit.chronic(1) or (0,))[0]
        if problem:
            visit.line("99213", "25", ptr=problem)
    if p.age < 18:
        visit_billed = any(line.code == "99213" for line in visit.lines)
        if p.age <= 5 and rng.random() < 0.5:
            visit.line("96110", ptr=exam)
        if p.age >= 3 and not visit_billed and rng.random() < 0.4:
            visit.line("99173", ptr=exam)  # NCCI: bundled into a problem-oriented visit
        if p.age < 6 and rng.random() < 0.4:
            visit.line("99188", ptr=visit.add_dx("Z293"))


def office_procedure(visit: Visit) -> None:
    rng, age = visit.rng, visit.patient.age
    choice = rng.random()
    if choice < 0.35 and age >= 45:
        side = visit.side(bilateral=0.2)
        pointer = visit.add_dx(cb.KNEE_OA[side])
        visit.line("20610", side, ptr=pointer)
    elif choice < 0.55:
        side = visit.side(bilateral=0.4)
        visit.line("69210", ptr=visit.add_dx(cb.CERUMEN[side]))
    elif choice < 0.7:
        visit.line("17110", ptr=visit.pick(cb.WARTS))
    elif choice < 0.85 and age >= 12:
        side = visit.side()
        visit.line("10060", ptr=visit.add_dx(cb.ABSCESS[side]))
    else:
        visit.line("11102", ptr=visit.pick(cb.SKIN_LESION))
    visit.em()


def ecg_visit(visit: Visit) -> None:
    pointer = visit.pick(cb.CARDIAC)
    visit.em()
    visit.line("93000", ptr=pointer)


def chest_xray_visit(visit: Visit) -> None:
    pointer = visit.pick(cb.IMAGING_CHEST)
    visit.em()
    visit.line("71046", ptr=pointer)


def care_management(visit: Visit) -> None:
    pointers = visit.chronic(4)
    if len(pointers) < 2 or not visit.patient.medicare:
        chronic_followup(visit)
        return
    visit.line("99490", ptr=pointers)


def transitional_care(visit: Visit) -> None:
    if not visit.patient.medicare:
        chronic_followup(visit)
        return
    reason = visit.pick(cb.HOSPITAL)
    visit.chronic(3)
    visit.line(visit.rng.choice(("99495", "99496")), ptr=reason)


def well_child(visit: Visit) -> None:
    preventive_visit(visit)


def nebulizer_visit(visit: Visit) -> None:
    pointer = visit.add_dx("J45901")
    visit.em()
    visit.line("94640", ptr=pointer)


def cerumen_visit(visit: Visit) -> None:
    side = visit.side(bilateral=0.5)
    visit.line("69210", ptr=visit.add_dx(cb.CERUMEN[side]))
    visit.em()


# cardiology --------------------------------------------------------------------------------


def cardiology_office(visit: Visit) -> None:
    visit.needs_referring = visit.rng.random() < 0.5
    pointer = visit.pick(cb.CARDIAC_DISEASE) or visit.pick(cb.CARDIAC)
    symptom = visit.pick(cb.CARDIAC) if visit.rng.random() < 0.4 else 0
    visit.em(intensity=1)
    if visit.rng.random() < 0.6:
        visit.line("93000", ptr=(pointer, symptom))


def echo(visit: Visit) -> None:
    visit.needs_referring = True
    pointer = visit.pick(cb.CARDIAC_DISEASE) or visit.pick(cb.CARDIAC)
    if visit.rng.random() < 0.3:
        visit.pos, visit.site = "22", "hospital"
        visit.line("93306", "26", ptr=pointer)
    else:
        visit.line("93306", ptr=pointer)


def stress_test(visit: Visit) -> None:
    visit.needs_referring = True
    visit.needs_prior_auth = visit.patient.program in {"commercial", "hmo"}
    pointer = visit.pick(cb.pool("R07.9", "R07.89", "I25.10"))
    if visit.rng.random() < 0.5:
        visit.pos, visit.site = "22", "hospital"
        visit.line("93016", ptr=pointer)
        visit.line("93018", ptr=pointer)
        visit.line("78452", "26", ptr=pointer)
    else:
        visit.line("93015", ptr=pointer)
        visit.line("78452", ptr=pointer)


def holter(visit: Visit) -> None:
    visit.line("93224", ptr=visit.pick(cb.pool("R00.2", "I49.9", "R42")))


def device_check(visit: Visit) -> None:
    device = visit.add_dx("Z950")
    rhythm = visit.pick(cb.DEVICE)
    visit.line("93288", ptr=(rhythm, device))


def carotid(visit: Visit) -> None:
    visit.needs_referring = True
    visit.line("93880", ptr=visit.add_dx("I6523"))


def hospital_stay(visit: Visit, *, heart: bool = False) -> None:
    visit.pos, visit.site = "21", "hospital"
    rng = visit.rng
    if heart:
        first = visit.add_dx("I110")
        visit.add_dx("I5023")
    else:
        first = visit.pick(cb.HOSPITAL)
    visit.chronic(3)
    days = rng.choices(range(1, 11), (10, 22, 22, 16, 10, 7, 5, 4, 2, 2))[0]
    visit.line(rng.choices(("99221", "99222", "99223"), (15, 45, 40))[0], ptr=first)
    for offset in range(1, days):
        code = rng.choices(("99231", "99232", "99233"), (25, 55, 20))[0]
        visit.line(code, day=visit.day + timedelta(days=offset))
    visit.line(
        rng.choice(("99238", "99239")),
        ptr=first,
        day=visit.day + timedelta(days=days),
    )


def cardiology_stay(visit: Visit) -> None:
    hospital_stay(visit, heart=True)


# orthopaedics ------------------------------------------------------------------------------


def knee_injection(visit: Visit) -> None:
    side = visit.side(bilateral=0.15)
    table = cb.KNEE_OA if visit.patient.age >= 40 or side == "50" else cb.KNEE_PAIN
    pointer = visit.add_dx(table[side])
    visit.em()
    visit.line("20610", side, ptr=pointer)
    if side != "50" and visit.rng.random() < 0.3:
        visit.line("73562", side, ptr=pointer)


def shoulder_injection(visit: Visit) -> None:
    side = visit.side()
    table = cb.IMPINGEMENT if visit.rng.random() < 0.5 else cb.SHOULDER
    pointer = visit.add_dx(table[side])
    visit.em()
    visit.line("20610", side, ptr=pointer)
    if visit.rng.random() < 0.4:
        visit.line("73030", side, ptr=pointer)


def two_injections(visit: Visit) -> None:
    """A knee and an elbow injected at one visit: the second site bypasses NCCI with XS."""
    side = visit.side()
    knee = visit.add_dx((cb.KNEE_OA if visit.patient.age >= 40 else cb.KNEE_PAIN)[side])
    elbow = visit.add_dx(cb.ELBOW[side])
    visit.em()
    visit.line("20610", side, ptr=knee)
    visit.line("20551", "XS", side, ptr=elbow)


def trigger_thumb(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx(cb.TRIGGER_THUMB[side])
    visit.em()
    visit.line("20550", "F5" if side == "RT" else "FA", ptr=pointer)


def bursitis(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx(cb.BURSITIS[side])
    visit.em()
    visit.line("20610", side, ptr=pointer)


def tennis_elbow(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx(cb.ELBOW[side])
    visit.em()
    visit.line("20551", side, ptr=pointer)


def ankle_sprain(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx(cb.ANKLE_SPRAIN[side])
    visit.em()
    visit.line("73610", side, ptr=pointer)


def plantar_fasciitis(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx("M722")
    visit.add_dx(cb.FOOT_PAIN[side])
    visit.em()
    visit.line("20550", side, ptr=pointer)


def carpal_tunnel(visit: Visit) -> None:
    side = visit.side()
    pointer = visit.add_dx(cb.CARPAL_TUNNEL[side])
    visit.em()
    visit.line("20526", side, ptr=pointer)


def ortho_followup(visit: Visit) -> None:
    side = visit.side()
    table = visit.rng.choice((cb.KNEE_PAIN, cb.SHOULDER_PAIN, cb.HIP_OA, cb.FOOT_PAIN))
    visit.add_dx(table[side])
    visit.em()


def arthroscopy(visit: Visit) -> None:
    visit.pos, visit.site = "22", "hospital"
    visit.needs_prior_auth = visit.patient.program != "medicare"
    side = visit.side()
    visit.line("29881", side, ptr=visit.add_dx(cb.MENISCUS[side]))


def knee_replacement(visit: Visit) -> None:
    if visit.patient.age < 50:
        knee_injection(visit)
        return
    visit.pos, visit.site = "21", "hospital"
    visit.needs_prior_auth = visit.patient.program != "medicare"
    side = visit.side()
    visit.line("27447", side, ptr=visit.add_dx(cb.KNEE_OA[side]))


# dermatology -------------------------------------------------------------------------------


def actinic_keratoses(visit: Visit) -> None:
    pointer = visit.add_dx("L570")
    lesions = visit.rng.choices(range(1, 15), (20, 14, 12, 10, 9, 8, 6, 5, 4, 4, 3, 2, 2, 1))[0]
    if visit.rng.random() < 0.5:
        visit.em()
    visit.line("17000", ptr=pointer)
    if lesions > 1:
        visit.line("17003", units=lesions - 1, ptr=pointer)


def skin_biopsy(visit: Visit) -> None:
    pointer = visit.pick(cb.SKIN_LESION)
    if visit.rng.random() < 0.6:
        visit.em()
    visit.line("11102", ptr=pointer)
    extra = visit.rng.choices((0, 1, 2, 3), (60, 25, 10, 5))[0]
    if extra:
        second = visit.pick(cb.SKIN_LESION) or pointer
        visit.line("11103", units=extra, ptr=(second, pointer))


def biopsy_and_destruction(visit: Visit) -> None:
    keratosis = visit.add_dx("L570")
    lesion = visit.pick(cb.SKIN_LESION)
    visit.em()
    visit.line("11102", ptr=lesion)
    # NCCI: 17000 is column two of 11102; separate lesions bypass with XS (or 59).
    visit.line("17000", "XS" if visit.rng.random() < 0.6 else "59", ptr=keratosis)


def warts_and_biopsy(visit: Visit) -> None:
    wart = visit.pick(cb.WARTS)
    lesion = visit.pick(cb.SKIN_LESION)
    visit.line("17110", ptr=wart)
    visit.line("11102", "59" if visit.rng.random() < 0.5 else "XS", ptr=lesion)


def warts(visit: Visit) -> None:
    pointer = visit.pick(cb.WARTS)
    if visit.rng.random() < 0.3:
        visit.em()
    visit.line("17110", ptr=pointer)


def derm_medical(visit: Visit) -> None:
    visit.pick(cb.SKIN_MEDICAL)
    visit.em()


def excision(visit: Visit) -> None:
    visit.line(visit.rng.choice(("11402", "11403")), ptr=visit.pick(cb.CYST))


def shave(visit: Visit) -> None:
    pointer = visit.pick(cb.pool("L82.1", "L82.0"))
    visit.line(visit.rng.choice(("11300", "11301")), ptr=pointer)


# obstetrics and gynaecology ----------------------------------------------------------------


def annual_gyn(visit: Visit) -> None:
    exam = visit.add_dx("Z01419")
    if visit.patient.medicare:  # Z12.4 is Excludes1 with the exam: one code serves both
        visit.line("G0101", ptr=exam)
        visit.line("Q0091", ptr=exam)
    else:
        visit.line(_preventive_code(visit), ptr=exam)


def gyn_problem(visit: Visit) -> None:
    if visit.patient.age >= 45 and visit.rng.random() < 0.4:
        visit.add_dx("N951")
    elif visit.rng.random() < 0.25:
        visit.add_dx(cb.OVARIAN_CYST[visit.side()])
    else:
        visit.pick(cb.GYN_PROBLEM) or visit.chronic(1)
    visit.em()


def pelvic_ultrasound(visit: Visit) -> None:
    if visit.rng.random() < 0.5:
        pointer = visit.add_dx(cb.OVARIAN_CYST[visit.side()])
    else:
        pointer = visit.pick(cb.GYN_PROBLEM)
    if not pointer:
        pointer = visit.add_dx(cb.OVARIAN_CYST["RT"])
    visit.line("76830", ptr=pointer)


def prenatal(visit: Visit) -> None:
    if not 16 <= visit.patient.age <= 44 or visit.patient.medicare:
        gyn_problem(visit)
        return
    trimester = visit.rng.choice((1, 2, 3))
    supervision, weeks = cb.PRENATAL[trimester]
    first = visit.add_dx(supervision.code)
    week = visit.add_dx(visit.rng.choice(weeks).replace(".", ""))
    if trimester == 2 and visit.rng.random() < 0.6:
        visit.line("76805", ptr=(first, week))
    elif visit.rng.random() < 0.5:
        visit.line("76815", ptr=(first, week))
    else:
        visit.line("59425", ptr=(first, week))


def iud(visit: Visit) -> None:
    if not 16 <= visit.patient.age <= 45:
        gyn_problem(visit)
        return
    visit.line("58300", ptr=visit.add_dx("Z30430"))


def colposcopy(visit: Visit) -> None:
    visit.line("57454", ptr=visit.add_dx("R87610"))


def endometrial_biopsy(visit: Visit) -> None:
    if visit.patient.age < 50:
        gyn_problem(visit)
        return
    visit.line("58100", ptr=visit.add_dx("N950"))


def contraception(visit: Visit) -> None:
    if not 16 <= visit.patient.age <= 45:
        gyn_problem(visit)
        return
    visit.add_dx("Z30011")
    visit.em()


# urology -----------------------------------------------------------------------------------


def bph(visit: Visit) -> None:
    if visit.patient.sex != "M" or visit.patient.age < 45:
        overactive_bladder(visit)
        return
    first = visit.add_dx("N401")
    symptom = visit.add_dx("R351")
    visit.em()
    if visit.rng.random() < 0.6:
        visit.line("51798", ptr=(first, symptom))


def hematuria(visit: Visit) -> None:
    visit.needs_referring = visit.rng.random() < 0.6
    pointer = visit.add_dx("R319")
    visit.em()
    if visit.rng.random() < 0.4:
        visit.line("52000", ptr=pointer)
    elif visit.rng.random() < 0.5:
        visit.line("76770", ptr=pointer)


def kidney_stone(visit: Visit) -> None:
    pointer = visit.add_dx("N200")
    visit.em()
    if visit.rng.random() < 0.5:
        visit.line("76770", ptr=pointer)


def overactive_bladder(visit: Visit) -> None:
    pointer = visit.add_dx("N3281")
    visit.em()
    if visit.rng.random() < 0.5:
        visit.line("51798", ptr=pointer)


def prostate_biopsy(visit: Visit) -> None:
    if visit.patient.sex != "M" or visit.patient.age < 45:
        hematuria(visit)
        return
    visit.needs_prior_auth = visit.patient.program in {"commercial", "hmo"}
    pointer = visit.add_dx("R9720")
    visit.line("55700", ptr=pointer)
    visit.line("76872", ptr=pointer)


def prostate_cancer(visit: Visit) -> None:
    if visit.patient.sex != "M" or visit.patient.age < 55:
        kidney_stone(visit)
        return
    visit.add_dx("C61")
    visit.em(intensity=1)


def erectile(visit: Visit) -> None:
    if visit.patient.sex != "M":
        overactive_bladder(visit)
        return
    visit.add_dx("N529")
    visit.em()


def vasectomy(visit: Visit) -> None:
    if visit.patient.sex != "M" or visit.patient.age > 55:
        kidney_stone(visit)
        return
    visit.line("55250", ptr=visit.add_dx("Z302"))


def hospital_cystoscopy(visit: Visit) -> None:
    visit.pos, visit.site = "22", "hospital"
    visit.line(visit.rng.choice(("52000", "52204")), ptr=visit.add_dx("R319"))


# physical therapy --------------------------------------------------------------------------


def _therapy_dx(visit: Visit) -> tuple[int, ...]:
    roll = visit.rng.random()
    if roll < 0.25:
        side = visit.side()
        first = visit.add_dx(cb.KNEE_PAIN[side])
    elif roll < 0.4 and visit.patient.age >= 55:
        side = visit.side()
        first = visit.add_dx("Z471")
        return (first, visit.add_dx(cb.KNEE_REPLACED[side]))
    elif roll < 0.6:
        first = visit.add_dx(cb.SHOULDER_PAIN[visit.side()])
    else:
        first = visit.pick(cb.THERAPY)
    second = visit.pick(cb.pool("M62.81", "R26.89")) if visit.rng.random() < 0.5 else 0
    return (first, second)


def _session(visit: Visit, pointers: tuple[int, ...], day: date | None = None) -> None:
    rng = visit.rng
    codes = rng.sample(("97110", "97140", "97530", "97112", "97116"), rng.choice((2, 2, 3, 3, 4)))
    if visit.patient.medicare and rng.random() < 0.3:
        codes.append("G0283")
    for code in sorted(codes):
        units = {"97110": rng.choice((1, 2, 2, 3)), "97530": rng.choice((1, 2))}.get(code, 1)
        visit.line(code, "GP", units=units, ptr=pointers, day=day)


def therapy_evaluation(visit: Visit) -> None:
    visit.needs_referring = True
    pointers = _therapy_dx(visit)
    visit.line(visit.rng.choice(("97161", "97162", "97163")), "GP", ptr=pointers)
    visit.line("97110", "GP", units=visit.rng.choice((1, 2)), ptr=pointers)


def therapy_session(visit: Visit) -> None:
    visit.needs_referring = True
    _session(visit, _therapy_dx(visit))


def therapy_month(visit: Visit) -> None:
    """A month of therapy on one claim: one line per code per session, the long tail."""
    visit.needs_referring = True
    pointers = _therapy_dx(visit)
    # Four to twenty sessions; past 50 lines a biller splits the month (837P: 50 lines a claim).
    sessions = visit.rng.choices(
        range(4, 21), (6, 8, 10, 12, 14, 12, 10, 9, 8, 6, 5, 4, 3, 3, 2, 2, 2)
    )[0]
    day = visit.day
    for _ in range(sessions):
        _session(visit, pointers, day)
        day += timedelta(days=visit.rng.choice((1, 2, 2, 3, 3, 4)))


# radiology (professional component read in the hospital) -----------------------------------


def _reading(visit: Visit) -> None:
    visit.needs_referring = True
    if visit.rng.random() < 0.3:
        visit.pos, visit.site = "21", "hospital"
    else:
        visit.pos, visit.site = "22", "hospital"


def chest_imaging(visit: Visit) -> None:
    _reading(visit)
    visit.line(visit.rng.choice(("71046", "71045")), "26", ptr=visit.pick(cb.IMAGING_CHEST))


def head_ct(visit: Visit) -> None:
    _reading(visit)
    visit.line("70450", "26", ptr=visit.pick(cb.IMAGING_HEAD))


def abdomen_ct(visit: Visit) -> None:
    _reading(visit)
    pointer = visit.pick(cb.IMAGING_ABDOMEN)
    stone = visit.diagnoses[-1:] == ["N200"]
    visit.line("74176" if stone else "74177", "26", ptr=pointer)


def spine_mri(visit: Visit) -> None:
    _reading(visit)
    visit.needs_prior_auth = visit.patient.program != "medicare"
    visit.line("72148", "26", ptr=visit.pick(cb.SPINE))


def knee_mri(visit: Visit) -> None:
    _reading(visit)
    visit.needs_prior_auth = visit.patient.program != "medicare"
    side = visit.side()
    table = cb.MENISCUS if visit.rng.random() < 0.5 else cb.KNEE_PAIN
    visit.line("73721", "26", side, ptr=visit.add_dx(table[side]))


def mammogram(visit: Visit) -> None:
    if visit.patient.sex != "F" or visit.patient.age < 40:
        chest_imaging(visit)
        return
    _reading(visit)
    visit.line("77067", "26", ptr=visit.add_dx("Z1231"))


def renal_ultrasound(visit: Visit) -> None:
    _reading(visit)
    visit.line("76770", "26", ptr=visit.pick(cb.pool("N28.1", "N20.0", "R31.9")))


def trauma_series(visit: Visit) -> None:
    """Several studies read for one emergency patient on one day."""
    _reading(visit)
    studies = [
        ("71045", cb.IMAGING_CHEST),
        ("70450", cb.IMAGING_HEAD),
        ("72040", cb.pool("M54.2")),
        ("74177", cb.pool("R10.9")),
        ("72100", cb.pool("M54.50")),
    ]
    for code, candidates in visit.rng.sample(studies, visit.rng.choice((2, 3, 3, 4, 5))):
        pointer = visit.pick(candidates)
        visit.line(code, "26", ptr=pointer or 1)


# hospital medicine and allergy -------------------------------------------------------------


def inpatient_day(visit: Visit) -> None:
    visit.pos, visit.site = "21", "hospital"
    visit.pick(cb.HOSPITAL)
    visit.chronic(3)
    visit.line(visit.rng.choices(("99231", "99232", "99233"), (25, 55, 20))[0])


def allergy_testing(visit: Visit) -> None:
    pointer = visit.pick(cb.ALLERGY)
    visit.em()
    visit.line("95004", units=visit.rng.randint(20, 60), ptr=pointer)
    if visit.rng.random() < 0.15:
        visit.line("95024", units=visit.rng.randint(5, 20), ptr=pointer)


def immunotherapy(visit: Visit) -> None:
    pointer = visit.pick(cb.ALLERGY)
    visit.line("95165", units=visit.rng.randint(5, 30), ptr=pointer)
    if visit.rng.random() < 0.5:
        visit.line("95117", ptr=pointer)


def spirometry(visit: Visit) -> None:
    pointer = visit.add_dx("J4520") if visit.patient.age >= 5 else visit.pick(cb.ALLERGY)
    visit.em()
    visit.line("94060", ptr=pointer)


def allergy_medical(visit: Visit) -> None:
    visit.pick(cb.ALLERGY if visit.rng.random() < 0.6 else cb.ALLERGY_SKIN)
    visit.em()


@dataclass(frozen=True, slots=True)
class Specialty:
    """A specialty: NUCC taxonomy, who it sees, and its scenarios with their weights."""

    key: str
    taxonomy: str
    label: str
    patients: tuple[tuple[str, int], ...]  # (patient group, weight)
    scenarios: tuple[tuple[Scenario, int], ...]
    primary_care: bool = False
    volume: int = 10  # relative claims per provider


PRIMARY_CARE_SCENARIOS: tuple[tuple[Scenario, int], ...] = (
    (sick_visit, 30),
    (chronic_followup, 28),
    (preventive_visit, 14),
    (office_procedure, 12),
    (ecg_visit, 6),
    (chest_xray_visit, 4),
    (care_management, 4),
    (transitional_care, 2),
)

SPECIALTIES = {
    s.key: s
    for s in (
        Specialty(
            "family",
            "207Q00000X",
            "Family Medicine",
            (("child", 20), ("adult_f", 25), ("adult_m", 22), ("senior", 33)),
            PRIMARY_CARE_SCENARIOS,
            primary_care=True,
            volume=14,
        ),
        Specialty(
            "internal",
            "207R00000X",
            "Internal Medicine",
            (("adult_f", 25), ("adult_m", 25), ("senior", 50)),
            PRIMARY_CARE_SCENARIOS,
            primary_care=True,
            volume=13,
        ),
        Specialty(
            "pediatrics",
            "208000000X",
            "Pediatrics",
            (("child", 1),),
            (
                (well_child, 35),
                (sick_visit, 45),
                (nebulizer_visit, 8),
                (cerumen_visit, 5),
                (chronic_followup, 7),
            ),
            primary_care=True,
            volume=14,
        ),
        Specialty(
            "therapy",
            "225100000X",
            "Physical Therapist",
            (("child", 5), ("adult_f", 30), ("adult_m", 30), ("senior", 35)),
            ((therapy_evaluation, 20), (therapy_session, 52), (therapy_month, 28)),
            volume=10,
        ),
        Specialty(
            "cardiology",
            "207RC0000X",
            "Cardiovascular Disease",
            (("adult_f", 15), ("adult_m", 20), ("senior", 65)),
            (
                (cardiology_office, 40),
                (echo, 15),
                (stress_test, 8),
                (holter, 6),
                (device_check, 6),
                (carotid, 5),
                (cardiology_stay, 6),
            ),
        ),
        Specialty(
            "orthopaedics",
            "207X00000X",
            "Orthopaedic Surgery",
            (("child", 5), ("adult_f", 30), ("adult_m", 30), ("senior", 35)),
            (
                (knee_injection, 24),
                (shoulder_injection, 14),
                (trigger_thumb, 6),
                (two_injections, 3),
                (bursitis, 6),
                (tennis_elbow, 5),
                (ankle_sprain, 8),
                (plantar_fasciitis, 5),
                (carpal_tunnel, 4),
                (ortho_followup, 20),
                (arthroscopy, 4),
                (knee_replacement, 3),
            ),
        ),
        Specialty(
            "dermatology",
            "207N00000X",
            "Dermatology",
            (("child", 10), ("adult_f", 30), ("adult_m", 25), ("senior", 35)),
            (
                (actinic_keratoses, 22),
                (skin_biopsy, 20),
                (biopsy_and_destruction, 8),
                (warts_and_biopsy, 3),
                (warts, 10),
                (derm_medical, 26),
                (excision, 6),
                (shave, 6),
            ),
        ),
        Specialty(
            "obgyn",
            "207V00000X",
            "Obstetrics & Gynecology",
            (("adult_f", 85), ("senior_f", 15)),
            (
                (annual_gyn, 25),
                (gyn_problem, 25),
                (pelvic_ultrasound, 12),
                (prenatal, 18),
                (iud, 6),
                (colposcopy, 5),
                (endometrial_biopsy, 5),
                (contraception, 4),
            ),
        ),
        Specialty(
            "urology",
            "208800000X",
            "Urology",
            (("adult_m", 35), ("senior_m", 40), ("adult_f", 12), ("senior", 13)),
            (
                (bph, 25),
                (hematuria, 12),
                (kidney_stone, 10),
                (overactive_bladder, 10),
                (prostate_biopsy, 8),
                (prostate_cancer, 8),
                (erectile, 6),
                (vasectomy, 4),
                (hospital_cystoscopy, 5),
            ),
        ),
        Specialty(
            "radiology",
            "2085R0202X",
            "Diagnostic Radiology",
            (("child", 5), ("adult_f", 30), ("adult_m", 28), ("senior", 37)),
            (
                (chest_imaging, 30),
                (head_ct, 12),
                (abdomen_ct, 15),
                (spine_mri, 10),
                (knee_mri, 8),
                (mammogram, 12),
                (renal_ultrasound, 6),
                (trauma_series, 7),
            ),
            volume=16,
        ),
        Specialty(
            "hospitalist",
            "208M00000X",
            "Hospitalist",
            (("adult_f", 20), ("adult_m", 20), ("senior", 60)),
            ((hospital_stay, 70), (inpatient_day, 30)),
            volume=8,
        ),
        Specialty(
            "allergy",
            "207K00000X",
            "Allergy & Immunology",
            (("child", 30), ("adult_f", 30), ("adult_m", 25), ("senior", 15)),
            ((allergy_testing, 30), (immunotherapy, 38), (spirometry, 15), (allergy_medical, 17)),
        ),
    )
}

CORE_SPECIALTIES = ("family", "internal", "pediatrics", "therapy")
"""Every synthetic practice has these; it adds a seeded choice of the others."""

OPTIONAL_SPECIALTIES = tuple(key for key in SPECIALTIES if key not in CORE_SPECIALTIES)


def procedure_codes() -> frozenset[str]:
    """Every procedure code a scenario may bill (for the fee table and for tests)."""
    return frozenset(
        {f"9938{n}" for n in range(1, 8)}
        | {f"9939{n}" for n in range(1, 8)}
        | {"99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"}
        | set(
            [
                "G0438",
                "G0439",
                "99497",
                "96127",
                "99406",
                "96110",
                "99173",
                "99188",
                "20610",
                "69210",
                "17110",
                "10060",
                "11102",
                "93000",
                "71046",
                "99490",
                "99495",
                "99496",
                "94640",
                "93306",
                "93016",
                "93018",
                "78452",
                "93015",
                "93224",
                "93288",
                "93880",
                "99221",
                "99222",
                "99223",
                "99231",
                "99232",
                "99233",
                "99238",
                "99239",
                "73562",
                "73030",
                "20550",
                "20551",
                "73610",
                "20526",
                "29881",
                "27447",
                "17000",
                "17003",
                "11103",
                "11402",
                "11403",
                "11300",
                "11301",
                "G0101",
                "Q0091",
                "76830",
                "76805",
                "76815",
                "59425",
                "58300",
                "57454",
                "58100",
                "51798",
                "52000",
                "76770",
                "55700",
                "76872",
                "55250",
                "52204",
                "97161",
                "97162",
                "97163",
                "97110",
                "97140",
                "97530",
                "97112",
                "97116",
                "G0283",
                "71045",
                "70450",
                "74176",
                "74177",
                "72148",
                "73721",
                "77067",
                "72040",
                "72100",
                "95004",
                "95024",
                "95165",
                "95117",
                "94060",
                "G2211",
            ]
        )
    )
