"""Serving variants used for A/B measurements: parsing and their effect on a BentoML service."""

from __future__ import annotations

import bentoml
import pytest

from scripts.bench.variants import apply, parse, variant_target


def test_parse_flags_and_numbers() -> None:
    flags, numbers = parse(["gc-freeze", "workers=2", "max_latency_ms=50"])
    assert flags == {"gc-freeze"} and numbers == {"workers": 2, "max_latency_ms": 50}
    for bad in ("turbo", "workers=0", "workers=two", "gc-freeze=1", "json-media-type"):
        with pytest.raises(ValueError, match="known"):
            parse([bad])


def test_apply_changes_config_and_batching() -> None:
    @bentoml.service(workers=1)
    class Echo:
        @bentoml.api(batchable=True, max_batch_size=8, max_latency_ms=100)
        def echo(self, xs: list[int]) -> list[int]:
            return xs

    apply(Echo, ["workers=2", "threads=3", "max_batch_size=4", "max_latency_ms=20"])
    api = Echo.apis["echo"]
    assert Echo.config["workers"] == 2 and Echo.config["threads"] == 3
    assert (api.max_batch_size, api.max_latency_ms) == (4, 20)


def test_variant_target_keeps_the_class_name() -> None:
    assert variant_target("services.vision.service:VisionService") == "scripts.bench.variants:VisionService"
