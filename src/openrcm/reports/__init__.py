"""Reports: the numbers a practice manager watches.

`facts` defines `ClaimFacts`, one claim's history reduced to what the reports need (the
service layer derives it from the ledger and the claim's status history); `kpis` computes
days in A/R, clean-claim, first-pass resolution, denial and net collection rates and charge
lag from those facts; `aging` buckets open balances by payer or patient; `invoice` bills a
billing service's client practices; `charts` draws bar charts as SVG and PNG.
"""

from openrcm.domain.aging import AGING_BUCKETS
from openrcm.reports.aging import AgingRow, ar_aging
from openrcm.reports.charts import BarChart, bar_chart_png, bar_chart_svg
from openrcm.reports.facts import ClaimFacts
from openrcm.reports.kpis import Kpis, compute_kpis

__all__ = [
    "AGING_BUCKETS",
    "AgingRow",
    "BarChart",
    "ClaimFacts",
    "Kpis",
    "ar_aging",
    "bar_chart_png",
    "bar_chart_svg",
    "compute_kpis",
]
