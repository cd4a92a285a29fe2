"""The one settings object. Built by an entry point (CLI, web, worker) and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.cwd() / ".cxlens"


class Settings(BaseSettings):
    """cxlens settings, read from ``CXLENS_*`` environment variables.

    ``database_url`` wins over ``data_dir``: without it cxlens keeps an SQLite file
    (``cxlens.db``) in the data directory.
    """

    model_config = SettingsConfigDict(env_prefix="CXLENS_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    min_n: int = Field(default=30, ge=1, description="below this n a metric is low-confidence")
    timezone: str = "UTC"
    host: str = "127.0.0.1"
    port: int = 8000

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL to use: ``database_url`` or the SQLite file in ``data_dir``."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            elif url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgres://")
            return url
        return f"sqlite:///{(self.data_dir / 'cxlens.db').resolve()}"
