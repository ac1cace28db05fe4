"""The 835 reader parses a repeated CAS or SVC text once; the result never leaks across files."""

from pathlib import Path

from openrcm.datadir import find_data_dir
from openrcm.x12.t835 import read_835

SAMPLE = find_data_dir() / "x12" / "samples" / "835" / "albmarin-badX12__X221-era-sample.edi"


def test_reading_again_gives_the_same_remittances() -> None:
    text = Path(SAMPLE).read_text()
    first, first_findings = read_835(text)
    again, again_findings = read_835(text)
    assert again == first
    assert again_findings == first_findings
    lines = [line for r in again for c in r.claims for line in c.lines]
    assert lines and all(line.service_date is not None for line in lines)


def test_an_svc_read_with_one_component_separator_is_not_reused_with_another() -> None:
    text = Path(SAMPLE).read_text()
    assert "*P*:~" in text  # ISA16, the component separator
    remittances, _ = read_835(text)  # the SVC texts are parsed with ":" here
    other = text.replace("*P*:~", "*P*!~")  # the same SVC texts, ":" now plain data
    _, findings = read_835(other)
    assert any(
        f.code == "X12-835-BAD-VALUE"
        and f.segment is not None
        and f.segment.segment_id == "SVC"
        and "no procedure code" in f.message
        for f in findings
    )
    same, _ = read_835(other.replace("AD:", "AD!"))  # and with "!" where ":" was
    assert same == remittances
