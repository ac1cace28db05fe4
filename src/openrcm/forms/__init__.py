"""Paper forms as PDF, drawn with reportlab from domain records.

`cms1500` draws the CMS-1500 (02/12) professional claim form, every box in place
(`render_cms1500`, with `cms1500_boxes` giving the values by box); `ub04` a UB-04
(CMS-1450) summary of an institutional claim (`render_ub04`, `ub04_fields`); `statement`
the patient statement with its remittance slip.
"""
