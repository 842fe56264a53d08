"""Token sampling with per-row temperature, nucleus (top-p) cut and a per-row random generator.

Each row of a batch draws from its own ``torch.Generator`` seeded from the request's seed, so a
seeded request gives the same output whether it is served alone or inside a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SamplingParams:
    max_new_tokens: int
    temperature: float
    top_p: float
    seed: int


def attempt_seed(seed: int, attempt: int) -> int:
    """A distinct, reproducible seed for each re-sampling attempt of one request."""
    if attempt == 0:
        return seed
    digest = hashlib.sha256(f"{seed}:{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 2**63


def make_generator(seed: int) -> torch.Generator:
    gen = torch.Generator(device="cpu")
    gen.manual_seed(seed)
    return gen


def sample_token(logits: torch.Tensor, params: SamplingParams, generator: torch.Generator) -> int:
    """One token id from a 1-D logits vector (already masked for banned tokens)."""
    scaled = logits.float().cpu() / max(params.temperature, 1e-5)
    probs = torch.softmax(scaled, dim=-1)
    if params.top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        cumulative = torch.cumsum(sorted_probs, dim=-1)
        keep = cumulative - sorted_probs < params.top_p  # always keeps the most likely token
        sorted_probs = torch.where(keep, sorted_probs, torch.zeros_like(sorted_probs))
        probs = torch.zeros_like(probs).scatter(0, order, sorted_probs)
    total = probs.sum()
    if not torch.isfinite(total) or total <= 0:
        return int(torch.argmax(scaled))
    return int(torch.multinomial(probs / total, 1, generator=generator))
