"""One hardened server per service (keys and HMAC key configured), shared by the hardening tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.bento_server import BentoServer

from .services import SERVICES, ServiceUnderTest

API_KEY = "hardening-key-5c2b9e71"
HMAC_KEY = "hardening-hmac-8f3a0d44"


@pytest.fixture(scope="module", params=SERVICES, ids=[s.name for s in SERVICES])
def hardened(
    request: pytest.FixtureRequest, base_env: dict[str, str]
) -> Iterator[tuple[ServiceUnderTest, BentoServer]]:
    svc: ServiceUnderTest = request.param
    for fixture in svc.model_fixtures:
        request.getfixturevalue(fixture)
    env = {**base_env, **dict(svc.env), "ADSERVE_API_KEYS": API_KEY, "ADSERVE_PII_HMAC_KEY": HMAC_KEY}
    with BentoServer(svc.target, env) as server:
        yield svc, server
