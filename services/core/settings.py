"""Platform settings, read from environment variables with the single prefix ``ADSERVE_``.

Defaults need no cloud: models live in the local BentoML model store (``BENTOML_HOME``),
and secrets that are not configured are generated per install under ``var/secrets``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .capabilities import default_model_ref

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _names(listed: str) -> set[str]:
    """The names of a comma-separated setting such as ``ADSERVE_BATCHING_APIS``."""
    return {name.strip() for name in listed.split(",") if name.strip()}


class PlatformSettings(BaseSettings):
    """Settings shared by every service and script."""

    model_config = SettingsConfigDict(env_prefix="ADSERVE_", extra="ignore", frozen=True)

    # --- model store -------------------------------------------------------
    model_store: str = Field(
        "local",
        description="'local' (BentoML model store only) or 's3://bucket/prefix' to publish to and pull from S3.",
    )
    s3_endpoint_url: str | None = Field(None, description="S3-compatible endpoint; None means AWS S3.")
    s3_region: str = "us-east-1"
    s3_max_attempts: int = Field(4, ge=1, le=20, description="Attempts per S3 call, first included (botocore).")
    s3_retry_mode: Literal["standard", "adaptive", "legacy"] = Field(
        "standard", description="botocore's retry mode (exponential back-off with jitter in 'standard')."
    )
    s3_connect_timeout_s: float = Field(5.0, gt=0)
    s3_read_timeout_s: float = Field(30.0, gt=0)

    # --- model references (name:version or name:alias) ---------------------
    # Defaults: <name>:latest of the capability catalog's model for each field (services/catalog.yaml).
    recommend_model: str = Field(default_factory=lambda: default_model_ref("recommend_model"))
    vision_model: str = Field(default_factory=lambda: default_model_ref("vision_model"))
    text_generator_model: str = Field(default_factory=lambda: default_model_ref("text_generator_model"))
    text_summarizer_model: str = Field(default_factory=lambda: default_model_ref("text_summarizer_model"))
    creative_model: str = Field(default_factory=lambda: default_model_ref("creative_model"))

    model_refresh_s: float = Field(
        0.0, ge=0.0, description="Seconds between checks for a moved alias (hot swap of a new version); 0 = off."
    )
    model_load_backoff_s: float = Field(
        2.0, gt=0.0, le=600.0, description="First wait before a failed first model load is tried again (doubles)."
    )
    model_load_backoff_max_s: float = Field(
        300.0, gt=0.0, le=3600.0, description="Longest wait between tries of a failed first model load."
    )

    # --- security ----------------------------------------------------------
    api_keys: SecretStr = Field(
        SecretStr(""),
        description="Comma-separated API keys, each 'name:key' (the name is what logs and metrics show) or a bare "
        "key (named key-1, key-2, ...); empty disables auth (local development).",
    )
    rate_limits: dict[str, tuple[float, int]] = Field(
        default_factory=dict,
        description="Token-bucket quotas per API key and route class, JSON {class: [tokens_per_s, burst]}; classes: "
        "default, generation, feedback (see services.core.quotas); empty = no quotas.",
    )
    pii_hmac_key: SecretStr | None = Field(
        None, description="Key for pseudonymizing customer ids; generated under var/secrets when unset."
    )

    # --- paths and limits --------------------------------------------------
    data_dir: Path = PROJECT_ROOT.parent / "shared" / "data"
    var_dir: Path = PROJECT_ROOT / "var"
    max_concurrency: int | None = Field(None, ge=1, description="Overrides the service's traffic.max_concurrency.")
    timeout_s: float | None = Field(None, gt=0, description="Overrides the service's traffic.timeout (seconds).")
    batching: bool = Field(True, description="Adaptive batching on batchable APIs (off only for benchmarks).")
    batching_apis: str | None = Field(
        None,
        description="Comma-separated '<capability>.<api>' names (e.g. 'vision.embed') served with adaptive batching, "
        "or 'all'; unset = each API's default, chosen from the benchmarks (docs/benchmarks.md).",
    )
    workers: int | None = Field(
        None,
        ge=1,
        le=64,
        description="Worker processes per service. Each worker loads its own copy of the models, so memory grows "
        "with the count (docs/benchmarks.md); unset = one per core for CPU services, the service's own value else.",
    )
    access_log: bool | None = Field(
        None, description="BentoML's access log line per request; unset = off for high-rate services, on for others."
    )
    tracing: bool | None = Field(
        None,
        description="OpenTelemetry spans per request (BentoML's tracing middleware); unset = on only when BentoML's "
        "tracing configuration exports spans (an exporter_type and a sample_rate above 0).",
    )
    inline_apis: str | None = Field(
        None,
        description="Comma-separated '<capability>.<api>' names whose function runs on the worker's event loop "
        "instead of BentoML's API thread, or 'none'; unset = each API's default (the cheap recommend APIs, "
        "docs/benchmarks.md). Applies to unbatched APIs only.",
    )
    batch_wait_ms: float = Field(
        0.0,
        ge=0.0,
        le=1000.0,
        description="Longest a batch is held open for more requests (BentoML's learnt wait, capped); 0 = dispatch "
        "as soon as the model is free, with whatever queued meanwhile (services.core.bentoml_compat).",
    )
    max_request_bytes: int = Field(16 * 1024 * 1024, ge=1024, description="Largest accepted request body.")

    @field_validator("model_store")
    @classmethod
    def _check_store(cls, value: str) -> str:
        if value != "local" and not value.startswith("s3://"):
            raise ValueError("model_store must be 'local' or an s3://bucket/prefix URL")
        return value.rstrip("/")

    def batched(self, api: str, default: bool) -> bool:
        """Whether the API ``<capability>.<name>`` is served with adaptive batching."""
        if not self.batching:
            return False
        if self.batching_apis is None:
            return default
        wanted = _names(self.batching_apis)
        return "all" in wanted or api in wanted

    def inline(self, api: str, default: bool) -> bool:
        """Whether the unbatched API ``<capability>.<name>`` runs on the event loop (no thread hop)."""
        if self.inline_apis is None:
            return default
        wanted = _names(self.inline_apis)
        return "none" not in wanted and api in wanted

    @property
    def uses_s3(self) -> bool:
        return self.model_store.startswith("s3://")

    @property
    def s3_bucket_and_prefix(self) -> tuple[str, str]:
        bucket, _, prefix = self.model_store.removeprefix("s3://").partition("/")
        return bucket, prefix.strip("/")

    @field_validator("rate_limits")
    @classmethod
    def _check_limits(cls, value: dict[str, tuple[float, int]]) -> dict[str, tuple[float, int]]:
        for name, (per_s, burst) in value.items():
            if per_s <= 0 or burst < 1:
                raise ValueError(f"rate limit {name!r} needs tokens_per_s > 0 and burst >= 1")
        return value

    def named_api_keys(self) -> dict[str, str]:
        """Key name -> key. ``name:key`` entries keep their name; bare keys are ``key-<n>``."""
        out: dict[str, str] = {}
        entries = [k.strip() for k in self.api_keys.get_secret_value().split(",") if k.strip()]
        for index, entry in enumerate(entries, start=1):
            name, sep, key = entry.partition(":")
            if sep and _KEY_NAME.fullmatch(name) and key:
                out[name] = key
            else:
                out[f"key-{index}"] = entry
        return out

    def api_key_list(self) -> list[str]:
        return list(self.named_api_keys().values())

    def hmac_key(self) -> bytes:
        """The pseudonymization key: from settings, else a random per-install key file (mode 0600).

        Keys shorter than 32 bytes are refused. The file is created atomically: written in full to
        a private temporary file, then linked into place, so no process ever reads an empty or
        half-written key and two processes starting together agree on one key.
        """
        if self.pii_hmac_key is not None and self.pii_hmac_key.get_secret_value():
            return _long_enough(self.pii_hmac_key.get_secret_value().encode(), "ADSERVE_PII_HMAC_KEY")
        path = self.var_dir / "secrets" / "pii_hmac.key"
        if not path.exists():
            _create_key_file(path)
        return _long_enough(path.read_text().strip().encode(), str(path))

    def hmac_key_fingerprint(self) -> str:
        """An HMAC of a fixed string under the pseudonymization key: identifies the key, reveals nothing."""
        return hmac.new(self.hmac_key(), KEY_FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]

    def secret_values(self) -> list[str]:
        """Every configured secret, for log redaction."""
        values = self.api_key_list()
        if self.pii_hmac_key is not None and self.pii_hmac_key.get_secret_value():
            values.append(self.pii_hmac_key.get_secret_value())
        return values


KEY_FINGERPRINT_MESSAGE = b"adserve/pii-hmac-key-fingerprint/v1"
_KEY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")
MIN_HMAC_KEY_BYTES = 32


def _long_enough(key: bytes, source: str) -> bytes:
    if len(key) < MIN_HMAC_KEY_BYTES:
        raise ValueError(
            f"the pseudonymization key from {source} has {len(key)} bytes; at least {MIN_HMAC_KEY_BYTES} needed"
        )
    return key


def _create_key_file(path: Path) -> None:
    """Write a new random key to ``path`` unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temp, path)  # atomic, and fails if the key already exists
    finally:
        temp.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def get_settings() -> PlatformSettings:
    return PlatformSettings()
