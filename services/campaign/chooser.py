"""Per-request variant choice for ``/campaign`` and the ``/variant_stats`` report.

Counts come from the feedback log's per-variant counters (updated in the same transaction as the
events), read at most every ``stats_cache_s`` seconds; one Thompson sampler per family (copy,
creative) chooses an arm per item shown.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from services.core.feedback import FeedbackStore, VariantCounts

from .bandit import ArmStats, ThompsonSampler
from .events import ArmReport, FamilyReport, VariantStatsResponse
from .settings import CampaignSettings
from .variants import check_arms

Family = dict[str, VariantCounts]


class VariantChooser:
    def __init__(self, log: FeedbackStore, settings: CampaignSettings, seed: int | None = None) -> None:
        check_arms(settings.copy_variants, settings.creative_variants)
        self.log = log
        self.settings = settings
        self.samplers = {
            "copy": ThompsonSampler(
                settings.copy_variants, settings.exploration_floor, settings.prior_alpha, settings.prior_beta
            ),
            "creative": ThompsonSampler(
                settings.creative_variants, settings.exploration_floor, settings.prior_alpha, settings.prior_beta
            ),
        }
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()
        self._counts: dict[str, Family] = {}
        self._read_at = float("-inf")

    def counts(self) -> dict[str, Family]:
        now = time.monotonic()
        if now - self._read_at >= self.settings.stats_cache_s:
            self._counts = self.log.variant_counts()
            self._read_at = now
        return self._counts

    def _stats(self, family: str) -> dict[str, ArmStats]:
        reward = self.settings.reward_event
        return {arm: ArmStats.from_counts(c.views, c.of(reward)) for arm, c in self.counts().get(family, {}).items()}

    def __call__(self, n: int) -> list[tuple[str, str]]:
        """``n`` (copy, creative) pairs, one per item shown."""
        copy_stats, creative_stats = self._stats("copy"), self._stats("creative")
        with self._lock:
            copies = self.samplers["copy"].choose_many(copy_stats, n, self._rng)
            creatives = self.samplers["creative"].choose_many(creative_stats, n, self._rng)
        return list(zip(copies, creatives, strict=True))

    def report(self) -> VariantStatsResponse:
        counts = self.counts()
        families = []
        for family, sampler in self.samplers.items():
            stats = self._stats(family)
            with self._lock:
                probabilities = sampler.selection_probabilities(stats, self._rng)
            means = sampler.posterior_means(stats)
            arms = []
            for arm in sampler.arms:
                c = counts.get(family, {}).get(arm, VariantCounts())
                arms.append(
                    ArmReport(
                        arm=arm,
                        views=c.views,
                        clicks=c.clicks,
                        add_to_cart=c.add_to_cart,
                        purchases=c.purchases,
                        successes=c.of(self.settings.reward_event),
                        posterior_mean=round(means[arm], 6),
                        selection_probability=round(probabilities[arm], 4),
                    )
                )
            families.append(
                FamilyReport(
                    family=family,  # type: ignore[arg-type]
                    reward_event=self.settings.reward_event,
                    exploration_floor=self.settings.exploration_floor,
                    arms=arms,
                    leader=max(means, key=lambda a: means[a]),
                )
            )
        return VariantStatsResponse(families=families, events_logged=self.log.count())
