"""The 837 loops professional (X222A1) and institutional (X223A2) claims share, read and written.

`t837p` and `t837i` are thin: they pick a `Layout` and call `write_837` (`t837_write`) /
`iter_837` (`t837_read`); the layout and the canonical form are in `t837_layout`.
The loop layout lives in one place so that the reader and the writer change together:

    ST BHT
    1000A  NM1*41 PER            submitter            (Submitter)
    1000B  NM1*40                receiver             (Receiver)
    2000A  HL*n**20*1 PRV*BI     billing provider level, one per billing provider
      2010AA NM1*85 N3 N4 REF*EI|SY
    2000B  HL*n*a*22*0|1 SBR     subscriber level, one per (payer, subscriber, member id)
      2010BA NM1*IL N3 N4 DMG
      2010BB NM1*PR N3 N4
    2000C  HL*n*b*23*0 PAT       patient level, only when the patient is not the subscriber
      2010CA NM1*QC N3 N4 DMG
    2300   CLM DTP REF NTE (CL1) HI...                        one per claim
      2310x  NM1 providers (P: DN referring, 82 rendering, 77 facility, DQ supervising;
                            I: 71 attending, 72 operating, 82 rendering, 77 facility, DN)
      2320   SBR CAS AMT*D OI        other payer (coordination of benefits)
        2330A NM1*IL N3 N4           other subscriber
        2330B NM1*PR N3 N4 DTP*573 REF*F8   other payer
      2400   LX SV1|SV2 DTP*472 REF*G1      one per service line
        2410 LIN CTP                 drug (NDC)
        2420A NM1*82 PRV             line rendering provider
        2430 SVD CAS DTP*573         earlier payers' line adjudication

What the 837 does not carry is filled in by convention on reading, and `canonical_837`
applies the same conventions to any claim, so `read(write(c)) == canonical_837(c)`:
provider ids are their NPIs and roles the loop they came from; a patient id is the member
id (the subscriber) or ``member:last:first:birthdate`` (a dependent); a coverage id is
``payer:member`` and its effective date the first date of service; an other payer's
subscriber takes the birth date and sex of the claim's subscriber or patient with the
same name (2330A has no DMG); adjustments are grouped by group code (one CAS per group).

Speed. Reading takes unsplit segment texts from `EnvelopeReader.rows()` and, for each
professional claim, checks every value against what the domain records' validators check
(patterns, lengths, bounds, Decimal places, model validators); a claim that passes is built
with `domain.trusted` (no second validation), records that repeat (providers, payers,
diagnoses, adjustments) are built once per file, and anything else takes the full way
(pydantic validation), so bad data yields the same findings either way (`iter_837(...,
fast=False)` is the full way; tests compare both on mutated files). The cyclic collector is
off while the reader works out a claim (`gcpause.paused_while_working`): its records hold
no cycles, and collections started by its own allocations walked its caches and the
caller's records for nothing (a tenth of reading 100,000 claims). Writing builds each
claim's segments as one string, formats what repeats in a file (providers, payers, names,
dates) once, and groups claims into HL loops by comparing each with the first loop of its
member id, hashing records only when that differs.
"""

from openrcm.x12.t837_layout import (
    INSTITUTIONAL,
    PROFESSIONAL,
    UNKNOWN_BIRTH_DATE,
    Layout,
    Receiver,
    Submitter,
    canonical_837,
)
from openrcm.x12.t837_read import is_institutional, is_professional, iter_837
from openrcm.x12.t837_write import write_837

__all__ = [
    "INSTITUTIONAL",
    "PROFESSIONAL",
    "UNKNOWN_BIRTH_DATE",
    "Layout",
    "Receiver",
    "Submitter",
    "canonical_837",
    "is_institutional",
    "is_professional",
    "iter_837",
    "write_837",
]
