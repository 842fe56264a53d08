"""The serving settings every service gets from ``platform_service`` and ``batch_api``."""

from __future__ import annotations

import pytest

from services.core.service_kit import api_key, serving_config
from services.core.settings import PlatformSettings


def test_workers_default_one_per_core_for_cpu_services_and_overridable() -> None:
    plain = PlatformSettings()
    assert serving_config(plain, {"resources": {"cpu": "2"}}, access_log=True)["workers"] == "cpu_count"
    assert serving_config(plain, {"resources": {"gpu": 1}}, access_log=True)["workers"] == 1
    assert serving_config(plain, {"workers": 1}, access_log=True)["workers"] == 1
    assert serving_config(PlatformSettings(workers=3), {"workers": 1}, access_log=True)["workers"] == 3


def test_access_log_default_per_service_and_switch() -> None:
    off = serving_config(PlatformSettings(), {}, access_log=False)
    assert off["logging"] == {"access": {"enabled": False}}
    on = serving_config(PlatformSettings(access_log=True), {}, access_log=False)
    assert on["logging"] == {"access": {"enabled": True}}


def test_traffic_overrides() -> None:
    config = serving_config(
        PlatformSettings(max_concurrency=7, timeout_s=3), {"traffic": {"timeout": 30}}, access_log=True
    )
    assert config["traffic"] == {"timeout": 3, "max_concurrency": 7}


@pytest.mark.parametrize(
    ("settings", "default", "expected"),
    [
        (PlatformSettings(), True, True),
        (PlatformSettings(), False, False),
        (PlatformSettings(batching=False), True, False),
        (PlatformSettings(batching_apis="vision.embed, text.summarize_reviews"), False, True),
        (PlatformSettings(batching_apis="recommend.recommend"), True, False),
        (PlatformSettings(batching_apis="all"), False, True),
        (PlatformSettings(batching_apis=""), True, False),
    ],
)
def test_per_api_batching_switch(settings: PlatformSettings, default: bool, expected: bool) -> None:
    assert settings.batched("vision.embed", default) is expected


def test_api_key_names_capability_and_function() -> None:
    from services.vision.service import VisionService

    assert api_key(VisionService.apis["embed"].func) == "vision.embed"
