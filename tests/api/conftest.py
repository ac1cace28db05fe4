"""The API tests use the fixtures of `api_fixtures` (shared with tests/web and tests/browser)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_fixtures import *  # noqa: F403
