"""The browser tests use the API tests' fixtures (an app on SQLite and PostgreSQL, a seeded world)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from api_fixtures import *  # noqa: F403
