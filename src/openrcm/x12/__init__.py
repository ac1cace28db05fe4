"""X12 5010: the tokenizer, envelopes and one module per transaction set, read and written.

`errors` holds `X12Error`, raised only for input that cannot be read as X12 at all;
`tokenizer` turns text or a file object into `Segment`s, streaming, with the delimiters
the ISA declares; `envelope` reads ISA/GS/ST envelopes (checking counts and control
numbers as findings) and writes them around transaction-set bodies; `segments` formats
dates, amounts and text and builds segments; `validate` checks a file against the
implementation guides and returns findings; `t837p` and `t837i` read and write
professional and institutional claims (X222A1, X223A2); `t835`, `t999`, `t277ca`, `t270`,
`t271`, `t276` and `t277` the remittance, acknowledgement, eligibility and status sets.
Each transaction module holds `read_<type>` and `write_<type>`, re-exported here.
"""

from openrcm.x12.envelope import (
    ControlNumbers,
    Document,
    EnvelopeReader,
    FunctionalGroup,
    Interchange,
    InterchangeHeader,
    TransactionBody,
    TransactionSet,
    read_envelope,
    write_interchange,
)
from openrcm.x12.errors import X12Error
from openrcm.x12.segments import SegmentWriter
from openrcm.x12.t270 import read_270, write_270
from openrcm.x12.t271 import read_271, write_271
from openrcm.x12.t276 import read_276, write_276
from openrcm.x12.t277 import read_277, write_277
from openrcm.x12.t277ca import read_277ca, write_277ca
from openrcm.x12.t835 import iter_835, read_835, write_835
from openrcm.x12.t837 import Receiver, Submitter, canonical_837
from openrcm.x12.t837i import iter_837i, read_837i, write_837i
from openrcm.x12.t837p import iter_837p, read_837p, write_837p
from openrcm.x12.t999 import (
    ReceivedGroup,
    ReceivedSet,
    acknowledge,
    read_999,
    received_groups,
    write_999,
)
from openrcm.x12.tokenizer import Delimiters, Segment, read_delimiters, tokenize

__all__ = [  # noqa: RUF022 - 835, 999 and 27x names follow the 837 ones
    "ReceivedGroup",
    "ReceivedSet",
    "acknowledge",
    "iter_835",
    "read_270",
    "read_271",
    "read_276",
    "read_277",
    "read_277ca",
    "read_835",
    "read_999",
    "received_groups",
    "write_270",
    "write_271",
    "write_276",
    "write_277",
    "write_277ca",
    "write_835",
    "write_999",
    "ControlNumbers",
    "Delimiters",
    "Document",
    "EnvelopeReader",
    "FunctionalGroup",
    "Interchange",
    "InterchangeHeader",
    "Receiver",
    "Segment",
    "SegmentWriter",
    "Submitter",
    "TransactionBody",
    "TransactionSet",
    "X12Error",
    "canonical_837",
    "iter_837i",
    "iter_837p",
    "read_837i",
    "read_837p",
    "read_delimiters",
    "read_envelope",
    "tokenize",
    "write_837i",
    "write_837p",
    "write_interchange",
]
