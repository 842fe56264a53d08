"""How a batch of prompt requests becomes pipeline calls.

Each request expands to one row per image. Rows with the same generation parameters (size,
steps, guidance) share a pipeline call, because a call takes one latent shape, one number of
steps and one guidance scale; prompts, negative prompts and seeds are per row. Groups with other
parameters become separate calls in the same batch. Calls are capped at ``max_rows`` images.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CallParams:
    """The parameters one pipeline call shares."""

    width: int
    height: int
    steps: int
    guidance_scale: float


@dataclass(frozen=True)
class Row:
    """One image to generate: which request it answers and its own prompt and seed."""

    request_index: int
    prompt: str
    negative_prompt: str | None
    seed: int


@dataclass(frozen=True)
class Call:
    params: CallParams
    rows: tuple[Row, ...]

    @property
    def negative_prompts(self) -> list[str] | None:
        if all(r.negative_prompt is None for r in self.rows):
            return None
        return [r.negative_prompt or "" for r in self.rows]


@dataclass(frozen=True)
class Job:
    """A request with its defaults resolved."""

    prompt: str
    negative_prompt: str | None
    params: CallParams
    seed: int
    num_images: int


def new_seed() -> int:
    return secrets.randbelow(2**32)


def expand(jobs: Sequence[Job]) -> list[Row]:
    """One row per image; image ``i`` of a request uses ``seed + i``."""
    return [
        Row(index, job.prompt, job.negative_prompt, (job.seed + i) % 2**32)
        for index, job in enumerate(jobs)
        for i in range(job.num_images)
    ]


def plan_calls(jobs: Sequence[Job], max_rows: int) -> list[Call]:
    """Group rows by call parameters (first-seen order) and split groups larger than ``max_rows``."""
    groups: dict[CallParams, list[Row]] = {}
    for row in expand(jobs):
        groups.setdefault(jobs[row.request_index].params, []).append(row)
    return [
        Call(params, tuple(rows[i : i + max_rows]))
        for params, rows in groups.items()
        for i in range(0, len(rows), max_rows)
    ]
