"""Request pools for the locust users, built once per process from the shared data sets by the
benchmark's payload builders (the same bodies the benchmark sends).

Environment:

* ``ADSERVE_DATA_DIR``: the shared data sets (default ``../shared/data``).
* ``ADSERVE_LOADTEST_IDS``: ``model`` (default) takes user and item ids from the local copy of the
  served recommend model (``BENTOML_HOME``) when there is one; ``data`` always uses raw customer
  numbers and stock codes from the transactions (for a deployed server whose model is not local).
* ``ADSERVE_LOADTEST_POOL``: distinct bodies per endpoint (default 200).
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from scripts.bench.payloads.context import PayloadContext
from scripts.bench.registry import endpoint

POOL_SIZE = int(os.environ.get("ADSERVE_LOADTEST_POOL", "200"))


@cache
def context() -> PayloadContext:
    from services.core.settings import get_settings

    ctx = PayloadContext(get_settings().data_dir)
    if os.environ.get("ADSERVE_LOADTEST_IDS", "model") == "data":
        ctx.models["recommend_model"] = None
    return ctx


@cache
def json_pool(key: str) -> list[bytes]:
    """Encoded JSON bodies of a registered endpoint (``recommend.recommend``, ``vision.embed`` ...)."""
    bodies: list[dict[str, Any]] = endpoint(key).payload(context(), POOL_SIZE)
    return [json.dumps(b, separators=(",", ":")).encode() for b in bodies]


@cache
def photo_pool() -> list[bytes]:
    """JPEG product photos for the multipart image tools."""
    from scripts.bench.payloads.creative import product_photo_bytes

    return product_photo_bytes(context(), min(POOL_SIZE, 64))
