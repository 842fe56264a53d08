"""Prompt requests become pipeline calls grouped by their shared parameters."""

from __future__ import annotations

from services.creative.grouping import CallParams, Job, expand, plan_calls

SMALL = CallParams(64, 64, 2, 7.5)
WIDE = CallParams(128, 64, 2, 7.5)


def job(prompt: str, params: CallParams = SMALL, seed: int = 0, n: int = 1, negative: str | None = None) -> Job:
    return Job(prompt, negative, params, seed, n)


def test_same_parameters_share_one_call() -> None:
    calls = plan_calls([job("a"), job("b"), job("c")], max_rows=8)
    assert len(calls) == 1
    assert [r.prompt for r in calls[0].rows] == ["a", "b", "c"]
    assert calls[0].negative_prompts is None


def test_different_parameters_run_as_separate_calls_in_first_seen_order() -> None:
    calls = plan_calls([job("a"), job("b", WIDE), job("c"), job("d", CallParams(64, 64, 3, 7.5))], max_rows=8)
    assert [c.params for c in calls] == [SMALL, WIDE, CallParams(64, 64, 3, 7.5)]
    assert [[r.request_index for r in c.rows] for c in calls] == [[0, 2], [1], [3]]


def test_groups_are_split_at_max_rows_and_images_get_consecutive_seeds() -> None:
    calls = plan_calls([job("a", seed=10, n=3), job("b", seed=2**32 - 1, n=2)], max_rows=2)
    assert [len(c.rows) for c in calls] == [2, 2, 1]
    assert [r.seed for r in expand([job("a", seed=10, n=3), job("b", seed=2**32 - 1, n=2)])] == [
        10,
        11,
        12,
        2**32 - 1,
        0,
    ]


def test_negative_prompts_are_per_row_with_blank_for_missing() -> None:
    calls = plan_calls([job("a", negative="blurry"), job("b")], max_rows=8)
    assert calls[0].negative_prompts == ["blurry", ""]
