"""X12 test fixtures; the helpers tests import live in `x12_support`."""

from __future__ import annotations

from pathlib import Path

import pytest
from x12_support import SAMPLES


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("the shared X12 sample corpus is not present")
    return SAMPLES
