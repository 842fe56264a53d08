"""Thompson sampling over variants (Beta-Bernoulli) with an exploration floor.

Each arm's success rate has a Beta(prior_alpha + successes, prior_beta + failures) posterior, where
trials are the arm's views (or its successes when fewer views were reported). A choice draws one
sample per arm and takes the largest; with probability ``floor × arms`` the choice is uniform
instead, so every arm keeps at least ``floor`` of the traffic and a drifting arm is noticed.
Pure numpy: the service, the simulation script and the tests use this same code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ArmStats:
    trials: int
    successes: int

    @classmethod
    def from_counts(cls, views: int, successes: int) -> ArmStats:
        return cls(trials=max(views, successes), successes=successes)


class ThompsonSampler:
    """Chooses one of ``arms``; stats of arms not listed are ignored, missing arms have none."""

    def __init__(
        self, arms: Sequence[str], floor: float = 0.0, prior_alpha: float = 1.0, prior_beta: float = 1.0
    ) -> None:
        if not arms:
            raise ValueError("at least one arm is needed")
        if floor < 0 or floor * len(arms) > 1.0:
            raise ValueError("floor must be in [0, 1 / number of arms]")
        self.arms = tuple(arms)
        self.floor = floor
        self.prior = (prior_alpha, prior_beta)

    def _posterior(self, stats: Mapping[str, ArmStats]) -> tuple[np.ndarray, np.ndarray]:
        succ = np.array([stats[a].successes if a in stats else 0 for a in self.arms], dtype=np.float64)
        trials = np.array([stats[a].trials if a in stats else 0 for a in self.arms], dtype=np.float64)
        fail = np.maximum(trials - succ, 0.0)
        return self.prior[0] + succ, self.prior[1] + fail

    def choose_many(self, stats: Mapping[str, ArmStats], n: int, rng: np.random.Generator) -> list[str]:
        """``n`` independent choices (one per item shown)."""
        alpha, beta = self._posterior(stats)
        draws = rng.beta(alpha[None, :], beta[None, :], size=(n, len(self.arms)))
        picks = np.argmax(draws, axis=1)
        uniform = rng.random(n) < self.floor * len(self.arms)
        picks = np.where(uniform, rng.integers(0, len(self.arms), size=n), picks)
        return [self.arms[i] for i in picks]

    def choose(self, stats: Mapping[str, ArmStats], rng: np.random.Generator) -> str:
        return self.choose_many(stats, 1, rng)[0]

    def posterior_means(self, stats: Mapping[str, ArmStats]) -> dict[str, float]:
        alpha, beta = self._posterior(stats)
        return {a: float(m) for a, m in zip(self.arms, alpha / (alpha + beta), strict=True)}

    def selection_probabilities(
        self, stats: Mapping[str, ArmStats], rng: np.random.Generator, draws: int = 4000
    ) -> dict[str, float]:
        """Monte Carlo estimate of how often each arm is chosen now (floor included)."""
        alpha, beta = self._posterior(stats)
        samples = rng.beta(alpha[None, :], beta[None, :], size=(draws, len(self.arms)))
        wins = np.bincount(np.argmax(samples, axis=1), minlength=len(self.arms)) / draws
        mix = self.floor * len(self.arms)
        probs = (1.0 - mix) * wins + self.floor
        return {a: float(p) for a, p in zip(self.arms, probs, strict=True)}
