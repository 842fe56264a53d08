"""Where the feedback store is: ``ADSERVE_FEEDBACK_DSN`` (PostgreSQL) or a local SQLite file.

Unset DSN = the embedded SQLite log under ``ADSERVE_FEEDBACK_DIR`` (one host, one process or a few
on a local disk). In production the DSN comes from the secret store and is never logged.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.core.settings import get_settings


class FeedbackStoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADSERVE_FEEDBACK_", extra="ignore", frozen=True)

    dsn: SecretStr | None = Field(
        None, description="postgresql://user:password@host:5432/db; unset = the embedded SQLite log."
    )
    dir: Path | None = Field(None, description="Folder of the SQLite event log; default <var_dir>/feedback.")
    busy_timeout_ms: int = Field(10_000, ge=100, le=600_000, description="SQLite: wait this long for the writer lock.")
    pool_min_size: int = Field(1, ge=0, le=256, description="PostgreSQL: connections kept open.")
    pool_max_size: int = Field(8, ge=1, le=256, description="PostgreSQL: most connections of one process.")
    pool_timeout_s: float = Field(30.0, gt=0, le=600, description="PostgreSQL: wait this long for a connection.")
    s3_uri: str | None = Field(None, description="s3://bucket/prefix of the Parquet lake; unset = no shipping.")
    ship_batch_size: int = Field(10_000, ge=1, le=1_000_000, description="Events per shipped batch at most.")

    @field_validator("dsn")
    @classmethod
    def _dsn(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("ADSERVE_FEEDBACK_DSN must be a postgresql:// URL")
        return value

    @field_validator("s3_uri")
    @classmethod
    def _s3(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith("s3://") or len(value) <= 5:
            raise ValueError("s3_uri must look like s3://bucket/prefix")
        return value.rstrip("/")

    @property
    def folder(self) -> Path:
        return self.dir if self.dir is not None else get_settings().var_dir / "feedback"

    @property
    def database(self) -> Path:
        return self.folder / "events.sqlite3"


@lru_cache(maxsize=1)
def get_store_settings() -> FeedbackStoreSettings:
    return FeedbackStoreSettings()
