"""Thompson sampling with an exploration floor, and the simulation the issue asks for (short version)."""

from __future__ import annotations

import numpy as np
import pytest

from scripts.bandit_simulation import simulate, summarize
from services.campaign.bandit import ArmStats, ThompsonSampler

ARMS = ("a", "b", "c", "d")


def test_clear_winner_gets_most_traffic_and_others_keep_the_floor() -> None:
    sampler = ThompsonSampler(ARMS, floor=0.02)
    stats = {"a": ArmStats(1000, 100), "b": ArmStats(1000, 20), "c": ArmStats(1000, 20), "d": ArmStats(1000, 20)}
    picks = sampler.choose_many(stats, 40_000, np.random.default_rng(0))
    share = {arm: picks.count(arm) / len(picks) for arm in ARMS}
    assert share["a"] > 0.9
    for arm in "bcd":
        assert share[arm] >= 0.02 * 0.8, share  # the floor (sampling noise allowed)
    probabilities = sampler.selection_probabilities(stats, np.random.default_rng(1))
    assert sum(probabilities.values()) == pytest.approx(1.0)
    assert min(probabilities.values()) >= 0.02 - 1e-9
    assert max(sampler.posterior_means(stats), key=sampler.posterior_means(stats).get) == "a"


def test_without_feedback_every_arm_is_tried() -> None:
    picks = ThompsonSampler(ARMS, floor=0.0).choose_many({}, 8000, np.random.default_rng(2))
    for arm in ARMS:
        assert 0.2 < picks.count(arm) / len(picks) < 0.3


def test_views_below_clicks_count_as_trials() -> None:
    assert ArmStats.from_counts(views=3, successes=10) == ArmStats(10, 10)


@pytest.mark.parametrize("floor", [-0.1, 0.3])
def test_impossible_floor_is_refused(floor: float) -> None:
    with pytest.raises(ValueError, match="floor"):
        ThompsonSampler(ARMS, floor=floor)


def test_simulated_regret_is_sublinear_and_best_arm_dominates() -> None:
    rates = np.array([0.03, 0.04, 0.05, 0.07])
    rng = np.random.default_rng(11)
    runs = [simulate(rates, 6000, 0.02, 50, rng) for _ in range(6)]
    regrets = np.stack([r for r, _ in runs])
    shares = np.stack([s for _, s in runs]).astype(float)
    summary = summarize(rates, regrets, shares, 1000, 0.02, 50)
    assert summary["regret_ratio_n_over_half_n"] < 1.6  # linear growth would give 2
    assert summary["loglog_slope_second_half"] < 0.8
    assert summary["best_share_last_window"]["mean"] >= 0.8
    uniform = summary["regret"]["6000"]["uniform"]
    assert summary["regret"]["6000"]["thompson"] < uniform / 2
