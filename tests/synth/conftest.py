"""Fixtures for the synthetic data tests: one 2,000-claim practice per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrcm.datadir import DataDirNotFound, find_data_dir
from openrcm.synth import PFS_RELATIVE_PATH, SPECIALTIES, SyntheticPractice, generate_practice


@pytest.fixture(scope="session")
def data_dir() -> Path:
    try:
        return find_data_dir()
    except DataDirNotFound:
        pytest.skip("reference data (../shared/data) not available")


@pytest.fixture(scope="session")
def pfs_path(data_dir: Path) -> Path:
    return data_dir / PFS_RELATIVE_PATH


@pytest.fixture(scope="session")
def practice() -> SyntheticPractice:
    """2,000 claims from seed 5, whose practice has every specialty the generator knows."""
    built = generate_practice(5, claims=2000)
    specialties = set(built.specialties.values())
    assert specialties == set(SPECIALTIES), specialties
    return built
