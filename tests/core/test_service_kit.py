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


def test_batch_capable_apis_whether_batched_or_not() -> None:
    from services.core.service_kit import batch_capable
    from services.recommend.service import RecommendService
    from services.vision.service import VisionService

    for api in ("recommend", "similar_items", "recommend_for_profile"):
        assert batch_capable(RecommendService.apis[api])
    assert batch_capable(VisionService.apis["embed"]) and not batch_capable(VisionService.apis["similar_products"])
    assert not batch_capable(RecommendService.apis["noop"])


@pytest.mark.parametrize(
    ("settings", "default", "expected"),
    [
        (PlatformSettings(), True, True),
        (PlatformSettings(), False, False),
        (PlatformSettings(inline_apis="vision.embed"), False, True),
        (PlatformSettings(inline_apis="recommend.recommend"), True, False),
        (PlatformSettings(inline_apis="none"), True, False),
        (PlatformSettings(inline_apis=""), True, False),
    ],
)
def test_per_api_inline_switch(settings: PlatformSettings, default: bool, expected: bool) -> None:
    assert settings.inline("vision.embed", default) is expected


def test_inline_api_is_a_coroutine_for_bentoml_with_the_same_signature_and_function() -> None:
    """BentoML awaits a coroutine function on the loop and sends any other to its thread
    (``ServiceAppFactory.api_endpoint``, which tests ``get_original_func``); the request schema it
    derives must be the function's own, and the plain function stays callable in-process."""
    import inspect

    from bentoml._internal.utils import get_original_func

    from services.core.service_kit import api_function, runs_inline
    from services.recommend.service import RecommendService

    for name in ("recommend", "similar_items"):  # unbatched by default, inline by default
        api = RecommendService.apis[name]
        assert runs_inline(api) and not api.batchable
        assert inspect.iscoroutinefunction(get_original_func(api.func))
        assert list(api.input_spec.model_fields) == ["requests"]
        assert not inspect.iscoroutinefunction(api_function(api))
    profile = RecommendService.apis["recommend_for_profile"]  # batched by default: on the API thread
    assert profile.batchable and not runs_inline(profile)
    assert not inspect.iscoroutinefunction(get_original_func(profile.func))
    assert not runs_inline(RecommendService.apis["catalog_items"]), "writes to the catalog log: never inline"
