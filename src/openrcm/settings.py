"""Settings: one pydantic-settings class, read by the adapters (api, web, cli) only.

Domain code never reads settings; adapters pass plain values down.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from openrcm.datadir import find_data_dir


def default_database_url() -> str:
    """A SQLite file under the user's data directory: the embedded default."""
    folder = Path(platformdirs.user_data_dir("openrcm", appauthor=False))
    return f"sqlite:///{folder / 'openrcm.db'}"


class Settings(BaseSettings):
    """Everything configurable, from OPENRCM_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="OPENRCM_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)
    data_dir: Path | None = None  # reference data; default ../shared/data from the project root
    tenant: str = "demo"  # the tenant CLI commands act for
    environment: str = "development"
    secret_key: str = "development-only-secret"

    def reference_data_dir(self) -> Path:
        return find_data_dir(self.data_dir)

    def model_post_init(self, __context: object) -> None:
        if self.environment != "development" and self.secret_key == "development-only-secret":
            raise ValueError("OPENRCM_SECRET_KEY must be set outside development")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
