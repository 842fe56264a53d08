"""Settings of the data pipeline: which engine cleans the data and where the Parquet lake lives.

Read from ``ADSERVE_DATA_*`` environment variables. pandas is the embedded default; Spark is the
engine for data that outgrows one machine (local mode here, EMR Serverless in the cloud).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.core.settings import get_settings

Engine = Literal["pandas", "spark"]


class DataSettings(BaseSettings):
    """``ADSERVE_DATA_ENGINE``, ``ADSERVE_DATA_LAKE``, ``ADSERVE_DATA_SPARK_*``."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_DATA_", extra="ignore", frozen=True)

    engine: Engine = Field("pandas", description="Engine that cleans the data and writes the lake.")
    lake: str | None = Field(
        None, description="Lake root (a local folder or s3://bucket/prefix); default <ADSERVE_VAR_DIR>/lake."
    )
    spark_master: str = Field("local[2]", description="Spark master for local runs (EMR Serverless sets its own).")
    spark_driver_memory: str = Field("2g", description="Driver memory of a local Spark session.")
    spark_shuffle_partitions: int = Field(4, ge=1, description="Shuffle partitions of a local Spark session.")
    spark_jars: str = Field(
        "", description="Comma-separated extra jars for Spark (the hadoop-aws connector for s3a://, when available)."
    )
    outlier_factor: float | None = Field(
        None, gt=1.0, description="Price-outlier rule: this many times from the median (default: the mapping's)."
    )

    def lake_root(self) -> str:
        return (self.lake or str(get_settings().var_dir / "lake")).rstrip("/")


@lru_cache(maxsize=1)
def get_data_settings() -> DataSettings:
    return DataSettings()
