"""The services the hardening tests walk: target, the model fixtures they need, fuzz budget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    target: str
    model_fixtures: tuple[str, ...]
    fuzz_examples: int = 350  # per operation; the run must reach >= 1000 cases in total


SERVICES = [
    ServiceUnderTest("recommend", "services.recommend.service:RecommendService", ("recommend_model",)),
]
