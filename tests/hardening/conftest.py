"""One hardened server per service, shared by all hardening tests of that service.

Keys and the HMAC key are configured, and capacity is small (``ADSERVE_MAX_CONCURRENCY``) so that a
burst of twice the capacity overloads it; the fuzzer's two workers stay well below it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.bento_server import BentoServer
from tests.support.keys import PII_HMAC_KEY

from .services import SERVICES, ServiceUnderTest

CAPACITY = 8
API_KEY = "hardening-key-5c2b9e71"
HMAC_KEY = PII_HMAC_KEY  # the session's key: the recommend model was trained with it


@pytest.fixture(scope="package", params=SERVICES, ids=[s.name for s in SERVICES])
def hardened(
    request: pytest.FixtureRequest, base_env: dict[str, str]
) -> Iterator[tuple[ServiceUnderTest, BentoServer]]:
    svc: ServiceUnderTest = request.param
    models = {fixture: request.getfixturevalue(fixture) for fixture in svc.model_fixtures}
    pinned = {"ADSERVE_RECOMMEND_MODEL": str(models["recommend_model"].tag)} if "recommend_model" in models else {}
    env = {
        **base_env,
        **pinned,
        **dict(svc.env),
        "ADSERVE_API_KEYS": API_KEY,
        "ADSERVE_PII_HMAC_KEY": HMAC_KEY,
        "ADSERVE_MAX_CONCURRENCY": str(CAPACITY),
        "ADSERVE_TIMEOUT_S": "60",
    }
    with BentoServer(svc.target, env) as server:
        yield svc, server
