"""Vision settings, read from ``ADSERVE_VISION_*`` environment variables.

The model itself is chosen by the platform setting ``ADSERVE_VISION_MODEL``; these are the
request limits, batching parameters and the device policy of the vision service.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.core.images import MAX_IMAGE_BYTES, MAX_PIXELS


class VisionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADSERVE_VISION_", extra="ignore", frozen=True)

    max_images_per_request: int = Field(32, ge=1, le=1024, description="Images accepted in one request.")
    max_image_bytes: int = Field(MAX_IMAGE_BYTES, ge=1024, description="Largest encoded image.")
    max_pixels: int = Field(MAX_PIXELS, ge=1, description="Largest declared width x height (bomb guard).")
    working_size: int = Field(
        512,
        ge=32,
        le=4096,
        description="Decoded images are shrunk to fit this square right after validation.",
    )
    max_k: int = Field(100, ge=1, le=1000, description="Largest k for /similar_products.")
    max_batch_size: int = Field(64, ge=2, description="Adaptive batching: most images per model call.")
    max_latency_ms: int = Field(
        10_000, ge=1, description="Adaptive batching: a request queued this long is shed with 503 (not a wait)."
    )
    micro_batch: int = Field(64, ge=1, description="Images per forward pass inside one model call.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto = CUDA when available.")
    fp16: bool = Field(True, description="Half precision on CUDA (never on CPU).")
    torch_threads: int | None = Field(
        1,
        ge=1,
        description=(
            "torch intra-op threads on CPU (None = torch's default, all cores). One thread per worker is the"
            " safe default: on a shared or oversubscribed host, multi-threaded kernels spin-wait and can be"
            " 10-100x slower; raise it on a dedicated host for large batches."
        ),
    )


@lru_cache(maxsize=1)
def get_vision_settings() -> VisionSettings:
    return VisionSettings()
