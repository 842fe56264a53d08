"""The adaptive batch-size histogram from a BentoML ``/metrics`` page, and its change over one point.

BentoML observes one sample per model call: the number of requests merged into that call. The
series are cumulative since start; the batch sizes of one point are the difference of the scrapes
taken right before and right after it (summed over workers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from .schemas import BatchStats

METRIC = "bentoml_service_adaptive_batch_size"


@dataclass
class BatchHistogram:
    """Cumulative bucket counts (upper bound -> samples at or below it), sample sum and count."""

    buckets: dict[float, float] = field(default_factory=dict)
    total: float = 0.0
    count: float = 0.0

    def minus(self, earlier: BatchHistogram) -> BatchHistogram:
        return BatchHistogram(
            {le: v - earlier.buckets.get(le, 0.0) for le, v in self.buckets.items()},
            self.total - earlier.total,
            self.count - earlier.count,
        )

    def stats(self) -> BatchStats:
        """Per-bucket (not cumulative) batch counts, number of batches and mean batch size."""
        per_bucket: dict[str, float] = {}
        previous = 0.0
        for le in sorted(self.buckets):
            cumulative = self.buckets[le]
            label = "+Inf" if math.isinf(le) else f"{le:g}"
            per_bucket[label] = round(max(0.0, cumulative - previous), 3)
            previous = cumulative
        mean = round(self.total / self.count, 3) if self.count > 0 else None
        return BatchStats(batches=self.count, requests=self.total, mean_size=mean, histogram=per_bucket)


def parse_batch_histogram(metrics_text: str, method: str) -> BatchHistogram:
    """The histogram of one API method, summed over every worker and label set (prometheus_client's
    own text-format parser)."""
    hist = BatchHistogram()
    for family in text_string_to_metric_families(metrics_text):
        if family.name != METRIC:
            continue
        for sample in family.samples:
            if sample.labels.get("method_name") != method:
                continue
            if sample.name == f"{METRIC}_bucket":
                le = float(sample.labels.get("le", "nan"))
                hist.buckets[le] = hist.buckets.get(le, 0.0) + sample.value
            elif sample.name == f"{METRIC}_sum":
                hist.total += sample.value
            elif sample.name == f"{METRIC}_count":
                hist.count += sample.value
    return hist
