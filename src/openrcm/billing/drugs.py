"""Drugs on a claim: which codes are drugs, and NDCs in the 11-digit form claims carry.

Payers (every Medicaid program, for the drug rebate, and many others) want the NDC
(National Drug Code) of a physician-administered drug on its line, in loop 2410: LIN with
the 11-digit 5-4-2 code and CTP with the quantity and its unit. Packages print NDCs as 10
digits in three layouts (4-4-2, 5-3-2, 5-4-1); `normalize_ndc` pads the short segment
with a leading zero. `is_drug_code` says which HCPCS/CPT codes are drugs: the J codes,
the biosimilar Q codes and the CPT vaccine and immune globulin products.
"""

from __future__ import annotations

import re

_HYPHENATED = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")


def normalize_ndc(text: str) -> str:
    """The 11-digit 5-4-2 form of an NDC; raises ValueError for anything else.

    Accepts 11 digits (with or without hyphens, 5-4-2) and the three 10-digit hyphenated
    layouts. Ten digits without hyphens are ambiguous (which segment is short?) and refused.
    """
    value = text.strip().replace(" ", "")
    if re.fullmatch(r"\d{11}", value):
        return value
    found = _HYPHENATED.match(value)
    if found is None:
        raise ValueError(
            f"{text!r} is not an NDC: give 11 digits or the hyphenated 4-4-2, 5-3-2 or 5-4-1 form"
        )
    labeler, product, package = found.groups()
    if len(labeler) + len(product) + len(package) not in (10, 11):
        raise ValueError(f"{text!r} is not an NDC: it has neither 10 nor 11 digits")
    return labeler.zfill(5) + product.zfill(4) + package.zfill(2)


def format_ndc(ndc: str) -> str:
    """An 11-digit NDC as people read it: 00003-0293-05."""
    return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"


def is_drug_code(code: str) -> bool:
    """True for codes that bill a drug: HCPCS J codes, biosimilars (Q5101-Q5999), CPT
    immune globulins (90281-90399) and vaccine products (90476-90759)."""
    code = code.upper()
    if len(code) != 5:
        return False
    if code[0] == "J" and code[1:].isdigit():
        return True
    if code[0] == "Q" and code[1:].isdigit():
        return 5101 <= int(code[1:]) <= 5999
    if code.isdigit():
        number = int(code)
        return 90281 <= number <= 90399 or 90476 <= number <= 90759
    return False
