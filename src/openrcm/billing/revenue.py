"""Revenue codes: the department a hospital bills a service under (UB-04 FL 42, SV201).

A hospital's charge master names the revenue code of each line item; when it does not,
`revenue_code_for` falls back on the usual department for the code's CPT/HCPCS range (NUBC
revenue code categories: 030x laboratory, 032x radiology, 035x CT, 061x MRI, 040x other
imaging, 045x emergency room, 036x operating room, 073x EKG, 026x IV therapy, 042x-044x
therapies, 051x clinic, 0636 drugs requiring detailed coding, 0762 observation).
Accommodation (room and board, 010x-021x) is billed by revenue code, without a HCPCS code.
"""

from __future__ import annotations

from openrcm.billing.drugs import is_drug_code

# (first, last, revenue code), the narrower ranges first
_NUMERIC_RANGES: tuple[tuple[int, int, str], ...] = (
    (99281, 99285, "0450"),  # emergency department visits
    (99291, 99292, "0450"),  # critical care (in the emergency department)
    (99202, 99215, "0510"),  # clinic visits
    (36415, 36416, "0300"),  # venipuncture, capillary blood: laboratory
    (36430, 36430, "0391"),  # blood transfusion
    (80047, 80081, "0301"),  # chemistry panels
    (82009, 84999, "0301"),  # chemistry
    (85002, 85999, "0305"),  # hematology
    (86000, 86999, "0302"),  # immunology
    (87003, 87999, "0306"),  # microbiology
    (88000, 88399, "0310"),  # pathology
    (80000, 89398, "0300"),  # other laboratory
    (70450, 70498, "0350"),  # CT head and neck
    (71250, 71275, "0350"),  # CT chest
    (72125, 72133, "0350"),  # CT spine
    (72191, 72194, "0350"),  # CT pelvis
    (73200, 73206, "0350"),  # CT upper extremity
    (73700, 73706, "0350"),  # CT lower extremity
    (74150, 74178, "0350"),  # CT abdomen
    (70540, 70559, "0610"),  # MRI head and neck
    (71550, 71555, "0610"),  # MRI chest
    (72141, 72159, "0610"),  # MRI spine
    (72195, 72198, "0610"),  # MRI pelvis
    (73218, 73225, "0610"),  # MRI upper extremity
    (73718, 73725, "0610"),  # MRI lower extremity
    (74181, 74185, "0610"),  # MRI abdomen
    (76506, 76999, "0402"),  # ultrasound
    (77046, 77067, "0401"),  # mammography
    (70010, 76499, "0320"),  # diagnostic radiology
    (77261, 77799, "0330"),  # radiation therapy
    (78012, 79999, "0340"),  # nuclear medicine
    (90460, 90474, "0771"),  # vaccine administration
    (92507, 92526, "0440"),  # speech therapy
    (93000, 93010, "0730"),  # EKG
    (93015, 93018, "0482"),  # stress test
    (93303, 93356, "0483"),  # echocardiography
    (94010, 94799, "0410"),  # respiratory services
    (96360, 96379, "0260"),  # IV therapy
    (96401, 96549, "0335"),  # chemotherapy administration
    (97165, 97168, "0430"),  # occupational therapy evaluations
    (97010, 97799, "0420"),  # physical therapy
    (10004, 69990, "0360"),  # surgery: operating room services
)
_PT_EVALUATIONS = frozenset({"97161", "97162", "97163", "97164"})
_SPEECH_MODIFIER, _OT_MODIFIER, _PT_MODIFIER = "GN", "GO", "GP"
_HCPCS = {
    "G0378": "0762",  # observation, per hour
    "G0379": "0762",
    "G0463": "0510",  # hospital outpatient clinic visit
    "G0008": "0771",  # influenza vaccine administration
    "G0009": "0771",
    "G0010": "0771",
}


def revenue_code_for(code: str, modifiers: tuple[str, ...] = ()) -> str | None:
    """The usual revenue code for a CPT/HCPCS code, or None when there is no usual one."""
    code = code.upper()
    if is_drug_code(code) and not code.isdigit():
        return "0636"
    if 90476 <= _number(code) <= 90759 or 90281 <= _number(code) <= 90399:
        return "0636"
    if code in _HCPCS:
        return _HCPCS[code]
    number = _number(code)
    if not number:
        return None
    if 97010 <= number <= 97799:  # therapy: the discipline modifier decides the department
        if _SPEECH_MODIFIER in modifiers:
            return "0440"
        if _OT_MODIFIER in modifiers:
            return "0430"
        if _PT_MODIFIER in modifiers or code in _PT_EVALUATIONS:
            return "0420"
    for first, last, revenue in _NUMERIC_RANGES:
        if first <= number <= last:
            return revenue
    return None


def _number(code: str) -> int:
    return int(code) if code.isdigit() and len(code) == 5 else 0
