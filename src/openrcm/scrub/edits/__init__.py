"""The scrub edits, one module per family.

`provider` NPIs, TIN, billing address, taxonomy; `patient` member id, demographics and
coverage; `claim` totals, charges, units, dates, place of service and frequency;
`institutional` type of bill, revenue codes, statement period, admission data and POA;
`diagnosis` ICD-10-CM validity, sequencing, Excludes1, MCE age/sex and pointers;
`procedure` code shape, codes in force and add-on codes; `ncci` PTP pairs and MUEs;
`modifiers` modifiers valid for the code and conflicting pairs; `payer` payer rules from
YAML and duplicate claims.
"""
