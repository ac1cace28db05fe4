"""ICD-10-PCS names for the first characters of a procedure code: section and root operation.

openrcm ships no ICD-10-PCS tables; these names (from the public CMS ICD-10-PCS reference
manual) give a procedure suggestion a readable label such as "Medical and Surgical:
Excision".
"""

from __future__ import annotations

SECTIONS = {
    "0": "Medical and Surgical",
    "1": "Obstetrics",
    "2": "Placement",
    "3": "Administration",
    "4": "Measurement and Monitoring",
    "5": "Extracorporeal or Systemic Assistance and Performance",
    "6": "Extracorporeal or Systemic Therapies",
    "7": "Osteopathic",
    "8": "Other Procedures",
    "9": "Chiropractic",
    "B": "Imaging",
    "C": "Nuclear Medicine",
    "D": "Radiation Therapy",
    "F": "Physical Rehabilitation and Diagnostic Audiology",
    "G": "Mental Health",
    "H": "Substance Abuse Treatment",
    "X": "New Technology",
}

# third character of section 0 (Medical and Surgical)
ROOT_OPERATIONS = {
    "0": "Alteration",
    "1": "Bypass",
    "2": "Change",
    "3": "Control",
    "4": "Creation",
    "5": "Destruction",
    "6": "Detachment",
    "7": "Dilation",
    "8": "Division",
    "9": "Drainage",
    "B": "Excision",
    "C": "Extirpation",
    "D": "Extraction",
    "F": "Fragmentation",
    "G": "Fusion",
    "H": "Insertion",
    "J": "Inspection",
    "K": "Map",
    "L": "Occlusion",
    "M": "Reattachment",
    "N": "Release",
    "P": "Removal",
    "Q": "Repair",
    "R": "Replacement",
    "S": "Reposition",
    "T": "Resection",
    "U": "Supplement",
    "V": "Restriction",
    "W": "Revision",
    "X": "Transfer",
    "Y": "Transplantation",
}

IMAGING_TYPES = {
    "0": "Plain Radiography",
    "1": "Fluoroscopy",
    "2": "Computerized Tomography (CT Scan)",
    "3": "Magnetic Resonance Imaging (MRI)",
    "4": "Ultrasonography",
}


def pcs_label(code: str) -> str:
    """'0DTJ4ZZ' -> 'Medical and Surgical: Resection'; '' for an unknown section."""
    code = code.upper()
    section = SECTIONS.get(code[:1], "")
    if not section or len(code) < 3:
        return section
    if code[0] == "0" and code[2] in ROOT_OPERATIONS:
        return f"{section}: {ROOT_OPERATIONS[code[2]]}"
    if code[0] == "B" and code[2] in IMAGING_TYPES:
        return f"{section}: {IMAGING_TYPES[code[2]]}"
    return section
