"""Where the public reference data lives (CMS files, code lists, X12 samples, CodiEsp).

Looked up in this order: an explicit path, `OPENRCM_DATA_DIR`, then `shared/data` beside
the project root (`../shared/data` from a checkout), found by walking up from this file
and from the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path


class DataDirNotFound(FileNotFoundError):
    """The reference data folder could not be found."""


def _candidates(start: Path) -> list[Path]:
    return [parent / "shared" / "data" for parent in [start, *start.parents]] + [
        parent / "data" for parent in [start, *start.parents] if parent.name == "shared"
    ]


def find_data_dir(explicit: Path | str | None = None) -> Path:
    """The reference data directory; raises DataDirNotFound naming where it looked."""
    if explicit:
        path = Path(explicit)
        if path.is_dir():
            return path
        raise DataDirNotFound(f"reference data directory {path} does not exist")
    env = os.environ.get("OPENRCM_DATA_DIR")
    if env:
        return find_data_dir(env)
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in _candidates(start):
            if (candidate / "cms").is_dir():
                return candidate
    raise DataDirNotFound(
        "reference data not found: set OPENRCM_DATA_DIR or keep ../shared/data beside the project"
    )
