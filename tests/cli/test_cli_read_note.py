"""Notes from other systems: UTF-8 with or without a BOM, Windows-1252, and non-text files."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrcm.cli.output import InputError, read_note

NOTE = "Paciente de 67 años con hipertensión; denies chest pain — follow-up in 2 weeks."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_note_reads_the_same_in_each_encoding_other_systems_write(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(NOTE.encode(encoding))
    assert read_note(path) == NOTE


def test_a_file_with_nul_bytes_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"%PDF-1.7\x00\x01\x02 binary")
    with pytest.raises(InputError, match=r"scan\.txt: not a plain-text file"):
        read_note(path)


def test_an_empty_note_is_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_note(path) == ""
