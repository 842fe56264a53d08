"""The services the hardening tests walk: target, the model fixtures they need, fuzz budget."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    target: str
    model_fixtures: tuple[str, ...]
    probe_path: str
    probe_body: dict[str, object]
    fuzz_examples: int = 350  # per operation; the run must reach >= 1000 cases in total


SERVICES = [
    ServiceUnderTest(
        "recommend",
        "services.recommend.service:RecommendService",
        ("recommend_model",),
        "/recommend_for_profile",
        {"requests": [{"country": "France", "k": 10}]},
    ),
]
