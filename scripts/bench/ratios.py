"""Ratios within one run and the issue's targets: batched ÷ unbatched, served ÷ ceiling,
p99 ÷ no-op p99 and batched ÷ naive, each with whether its target was met."""

from __future__ import annotations

from typing import Literal

from .registry import TARGET_BATCHED_VS_UNBATCHED, TARGET_P99_VS_NOOP
from .schemas import MODES, EndpointResult, Ratio

REFERENCE_CONCURRENCY = 64


def reference_level(levels: list[int]) -> int:
    """64 when swept, else the highest level below it (or the lowest level)."""
    if REFERENCE_CONCURRENCY in levels:
        return REFERENCE_CONCURRENCY
    below = [c for c in levels if c < REFERENCE_CONCURRENCY]
    return max(below) if below else min(levels)


def _div(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return round(a / b, 3)


Comparison = Literal[">=", "<="]


def _ratio(
    name: str, endpoint: str, value: float | None, target: float | None, comparison: Comparison, detail: str
) -> Ratio:
    met = None
    if target is not None and value is not None:
        met = value >= target if comparison == ">=" else value <= target
    return Ratio(
        name=name, endpoint=endpoint, value=value, target=target, comparison=comparison, met=met, detail=detail
    )


def endpoint_ratios(result: EndpointResult, levels: list[int]) -> list[Ratio]:
    ref = reference_level(levels)
    b, u, n, z, nz = (result.point(m, ref) for m in MODES)
    out: list[Ratio] = []
    if b and u:
        target = 4.0 if result.key in TARGET_BATCHED_VS_UNBATCHED else None
        out.append(
            _ratio(
                "batched ÷ unbatched req/s",
                result.key,
                _div(b.throughput_rps, u.throughput_rps),
                target,
                ">=",
                f"c={ref}: {b.throughput_rps:.1f} vs {u.throughput_rps:.1f} req/s",
            )
        )
    batched = result.series("batched")
    if batched and result.ceiling is not None:
        best = max(batched, key=lambda p: p.items_per_s)
        out.append(
            _ratio(
                "served ÷ offline ceiling",
                result.key,
                _div(best.items_per_s, result.ceiling.items_per_s),
                0.8,
                ">=",
                f"best served {best.items_per_s:.1f} items/s (c={best.concurrency}) vs ceiling "
                f"{result.ceiling.items_per_s:.1f} items/s (batch {result.ceiling.batch_size})",
            )
        )
    if b and z:
        target = 2.0 if result.key in TARGET_P99_VS_NOOP else None
        out.append(
            _ratio(
                "p99 ÷ no-op p99",
                result.key,
                _div(b.latency_ms.p99, z.latency_ms.p99),
                target,
                "<=",
                f"c={ref}: {b.latency_ms.p99} vs {z.latency_ms.p99} ms",
            )
        )
    if b and n:
        best_b = max((p.throughput_rps for p in batched), default=0.0)
        best_n = max((p.throughput_rps for p in result.series("naive")), default=0.0)
        out.append(
            _ratio(
                "batched ÷ naive req/s",
                result.key,
                _div(b.throughput_rps, n.throughput_rps),
                3.0,
                ">=",
                f"c={ref}: {b.throughput_rps:.1f} vs {n.throughput_rps:.1f} req/s; peak vs peak {_div(best_b, best_n)}",
            )
        )
    if z and nz:
        out.append(
            _ratio(
                "no-op: BentoML ÷ Starlette req/s",
                result.key,
                _div(z.throughput_rps, nz.throughput_rps),
                None,
                ">=",
                f"c={ref}: HTTP floor {z.throughput_rps:.1f} vs {nz.throughput_rps:.1f} req/s",
            )
        )
    return out


def all_ratios(results: list[EndpointResult], levels: list[int]) -> list[Ratio]:
    return [r for result in results for r in endpoint_ratios(result, levels)]
