"""Result models of a benchmark run: what the JSON report holds, validated when written and read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Mode = Literal["batched", "unbatched", "naive", "noop", "naive_noop"]
MODES: tuple[Mode, ...] = ("batched", "unbatched", "naive", "noop", "naive_noop")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatusCounts(_Model):
    """Responses by class; 4xx excludes 429, 5xx excludes 503 and 504; client-side failures last."""

    s2xx: int = 0
    s4xx: int = 0
    s429: int = 0
    s503: int = 0
    s504: int = 0
    s5xx_other: int = 0
    client_timeout: int = 0
    connection_error: int = 0

    @property
    def total(self) -> int:
        return sum(self.model_dump().values())

    @property
    def errors(self) -> int:
        return self.total - self.s2xx


class Latency(_Model):
    """Milliseconds, over successful (2xx) responses only."""

    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    mean: float | None = None
    max: float | None = None


class BatchStats(_Model):
    """Adaptive batches observed during one point, from ``bentoml_service_adaptive_batch_size``."""

    batches: float = 0.0
    requests: float = 0.0
    mean_size: float | None = None
    histogram: dict[str, float] = Field(
        default_factory=dict, description="Upper bound of each bucket ('+Inf' last) -> batches in it."
    )


class PointResult(_Model):
    """One (mode, concurrency) measurement."""

    mode: Mode
    concurrency: int
    seconds: float
    requests: int = Field(description="Responses received (any status) in the measured window.")
    items_per_request: int
    throughput_rps: float = Field(description="Successful requests per second.")
    items_per_s: float
    status: StatusCounts
    latency_ms: Latency
    batch: BatchStats | None = None
    client_cpu_s: float = Field(description="CPU seconds used by the load generator during the point.")
    load_avg: tuple[float, float, float]


class CeilingResult(_Model):
    """The same runtime called in-process on full batches (no HTTP, no queue)."""

    batch_size: int
    seconds: float
    batches: int
    items_per_s: float
    ms_per_batch: float
    items_per_s_with_validation: float | None = Field(
        None, description="Including request parsing and validation of each item (JSON to pydantic)."
    )
    items_per_s_batch1: float | None = Field(
        None, description="The same function called with one item at a time: what batching saves in the model."
    )
    threads: int


class OverloadResult(_Model):
    saturating_concurrency: int
    concurrency: int
    seconds: float
    status: StatusCounts
    throughput_rps: float
    admitted_latency_ms: Latency
    only_429_503: bool = Field(description="True when every error was a 429 or a 503.")
    recovery: PointResult | None = Field(
        None, description="One client right after the overload, to compare with the sweep's concurrency-1 point."
    )


class BatchingConfig(_Model):
    max_batch_size: int | None = None
    max_latency_ms: int | None = None
    workers: int | None = None
    threads: int | None = None


class EndpointResult(_Model):
    key: str
    service: str
    path: str
    method: str
    batching: BatchingConfig
    points: list[PointResult] = Field(default_factory=list)
    ceiling: CeilingResult | None = None
    overload: OverloadResult | None = None
    notes: list[str] = Field(default_factory=list)

    def point(self, mode: Mode, concurrency: int) -> PointResult | None:
        return next((p for p in self.points if p.mode == mode and p.concurrency == concurrency), None)

    def series(self, mode: Mode) -> list[PointResult]:
        return sorted((p for p in self.points if p.mode == mode), key=lambda p: p.concurrency)


class MachineInfo(_Model):
    cpu_model: str
    logical_cpus: int
    usable_cpus: int
    memory_gib: float
    platform: str
    python: str
    versions: dict[str, str]
    git_commit: str | None = None
    git_dirty: bool | None = None
    gpu: str | None = None


class RunConfig(_Model):
    quick: bool
    levels: list[int]
    seconds: float
    warmup_s: float
    overload_s: float
    items_per_request: int
    threads: int | None
    timeout_s: float
    endpoints: list[str]
    model_store: str
    url: str | None = None
    variants: list[str] = Field(
        default_factory=list, description="Serving variants applied (scripts/bench/variants.py)."
    )


class Ratio(_Model):
    name: str
    endpoint: str
    value: float | None
    target: float | None = None
    comparison: Literal[">=", "<="] = ">="
    met: bool | None = None
    detail: str = ""


class CatalogPoint(_Model):
    items: int
    dim: int
    method: str
    params: dict[str, float | int | str] = Field(default_factory=dict)
    build_s: float = 0.0
    recall_at_10: float
    latency_ms: Latency
    queries: int
    batch_ms_per_query: float | None = Field(None, description="Per query when 64 queries are searched at once.")
    cpu_ms: Latency | None = Field(
        None,
        description="Thread CPU time per query (service-path points): the work itself, without waiting for a core.",
    )


class CatalogResult(_Model):
    dim: int
    queries: int
    threads: int
    data: str
    points: list[CatalogPoint]
    load_avg_start: tuple[float, float, float]
    load_avg_end: tuple[float, float, float]


class BenchReport(_Model):
    schema_version: Literal[1] = 1
    started_at: str
    finished_at: str
    command: str
    config: RunConfig
    machine: MachineInfo
    load_avg_start: tuple[float, float, float]
    load_avg_end: tuple[float, float, float]
    endpoints: list[EndpointResult] = Field(default_factory=list)
    ratios: list[Ratio] = Field(default_factory=list)
    catalog: CatalogResult | None = None
    errors: list[str] = Field(default_factory=list, description="Parts of the run that could not be measured.")
