"""Status classes, percentiles, the batch-size histogram of /metrics, ratios and targets."""

from __future__ import annotations

import math

import pytest

from scripts.bench.promstats import parse_batch_histogram
from scripts.bench.ratios import endpoint_ratios, reference_level
from scripts.bench.schemas import (
    BatchingConfig,
    CeilingResult,
    EndpointResult,
    Latency,
    PointResult,
    StatusCounts,
)
from scripts.bench.stats import CLIENT_TIMEOUT, CONNECTION_ERROR, count_statuses, latency_summary, only_429_503
from scripts.bench.sweep import merge_bodies, saturating_concurrency

LABELS = 'runner_name="recommend",service_name="recommend",service_version="not available",worker_index="1"'


def metrics_page(method: str, buckets: dict[str, float], count: float, total: float) -> str:
    """A /metrics excerpt as BentoML writes it: cumulative buckets, then count and sum."""
    name = "bentoml_service_adaptive_batch_size"
    lines = [f"# HELP {name} Service adaptive batch size", f"# TYPE {name} histogram"]
    lines += [f'{name}_bucket{{le="{le}",method_name="{method}",{LABELS}}} {v}' for le, v in buckets.items()]
    lines.append(f'{name}_count{{method_name="{method}",{LABELS}}} {count}')
    lines.append(f'{name}_sum{{method_name="{method}",{LABELS}}} {total}')
    return "\n".join(lines) + "\n"


OTHER = metrics_page("similar_items", {"1.0": 9.0, "+Inf": 9.0}, 9.0, 9.0)
METRICS_BEFORE = metrics_page("recommend", {"1.0": 4.0, "2.0": 5.0, "4.0": 5.0, "+Inf": 5.0}, 5.0, 6.0) + OTHER
METRICS_AFTER = metrics_page("recommend", {"1.0": 4.0, "2.0": 6.0, "4.0": 8.0, "+Inf": 8.0}, 8.0, 16.0) + OTHER


def test_status_classes_and_overload_check() -> None:
    counts = count_statuses([200, 201, 400, 404, 429, 503, 504, 500, 502, CLIENT_TIMEOUT, CONNECTION_ERROR])
    assert counts == StatusCounts(
        s2xx=2, s4xx=2, s429=1, s503=1, s504=1, s5xx_other=2, client_timeout=1, connection_error=1
    )
    assert counts.total == 11 and counts.errors == 9
    assert not only_429_503(counts)
    assert only_429_503(count_statuses([200, 429, 503, 200]))
    assert only_429_503(count_statuses([200]))


def test_latency_percentiles_in_ms() -> None:
    lat = latency_summary([i / 1000 for i in range(1, 101)])  # 1..100 ms
    assert lat.p50 == pytest.approx(50.5) and lat.p99 == pytest.approx(99.01) and lat.max == 100.0
    assert latency_summary([]) == Latency()


def test_batch_histogram_difference_between_scrapes() -> None:
    before = parse_batch_histogram(METRICS_BEFORE, "recommend")
    after = parse_batch_histogram(METRICS_AFTER, "recommend")
    assert before.count == 5 and before.total == 6 and before.buckets[math.inf] == 5
    stats = after.minus(before).stats()
    # three new batches: one of size 2, two in the (2, 4] bucket; 10 requests in all
    assert stats.batches == 3 and stats.requests == 10
    assert stats.histogram == {"1": 0.0, "2": 1.0, "4": 2.0, "+Inf": 0.0}
    assert stats.mean_size == pytest.approx(3.333, abs=1e-3)
    assert parse_batch_histogram(METRICS_BEFORE, "embed").stats().mean_size is None


def _point(mode: str, c: int, rps: float, p99: float) -> PointResult:
    return PointResult(
        mode=mode,  # type: ignore[arg-type]
        concurrency=c,
        seconds=1.0,
        requests=int(rps),
        items_per_request=1,
        throughput_rps=rps,
        items_per_s=rps,
        status=StatusCounts(s2xx=int(rps)),
        latency_ms=Latency(p50=p99 / 2, p95=p99 * 0.9, p99=p99),
        client_cpu_s=0.1,
        load_avg=(0.5, 0.5, 0.5),
    )


def test_ratios_and_targets() -> None:
    result = EndpointResult(
        key="vision.embed",
        service="vision",
        path="/embed",
        method="embed",
        batching=BatchingConfig(max_batch_size=64),
        points=[
            _point("batched", 8, 300, 40),
            _point("batched", 64, 900, 90),
            _point("unbatched", 64, 200, 400),
            _point("naive", 64, 250, 300),
            _point("noop", 64, 2000, 30),
        ],
        ceiling=CeilingResult(batch_size=64, seconds=1, batches=10, items_per_s=1000, ms_per_batch=64, threads=2),
    )
    ratios = {r.name: r for r in endpoint_ratios(result, [1, 8, 32, 64, 128])}
    assert ratios["batched ÷ unbatched req/s"].value == 4.5 and ratios["batched ÷ unbatched req/s"].met
    assert ratios["served ÷ offline ceiling"].value == 0.9 and ratios["served ÷ offline ceiling"].met
    assert ratios["p99 ÷ no-op p99"].value == 3.0 and ratios["p99 ÷ no-op p99"].met is None  # no target on vision
    assert ratios["batched ÷ naive req/s"].value == 3.6 and ratios["batched ÷ naive req/s"].met


def test_reference_level_and_saturation() -> None:
    assert reference_level([1, 8, 32, 64, 128]) == 64
    assert reference_level([1, 8]) == 8
    points = [_point("batched", 1, 100, 10), _point("batched", 8, 500, 20), _point("batched", 32, 540, 60)]
    assert saturating_concurrency(points) == 8
    assert saturating_concurrency([]) == 1


def test_merge_bodies_joins_the_list_field() -> None:
    bodies = [{"images": [{"image": str(i)}]} for i in range(5)]
    merged = merge_bodies(bodies, 2)
    assert merged == [{"images": [{"image": "0"}, {"image": "1"}]}, {"images": [{"image": "2"}, {"image": "3"}]}]
    assert merge_bodies(bodies, 1) is bodies
