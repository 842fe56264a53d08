"""A small AdamW training loop with warm-up and cosine decay, shared by both text models.

``batches`` yields dicts of tensors that the model accepts (``labels`` included, so that
``model(**batch).loss`` is the objective). Progress goes to a tqdm bar; the loss of every step
is returned for the report's learning curve.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from tqdm import tqdm


@dataclass(frozen=True)
class LoopConfig:
    steps: int
    learning_rate: float
    warmup_steps: int
    weight_decay: float = 0.01
    grad_clip: float = 1.0


@dataclass
class LoopResult:
    losses: list[float]
    seconds: float


def auto_threads(limit: int = 2) -> int:
    """``limit`` threads on an idle machine, one when the CPUs are already busy: oversubscribed OpenMP
    threads spin and wait, and a two-thread step then runs several times slower than a one-thread step."""
    try:
        busy = os.getloadavg()[0]
    except OSError:
        return limit
    cores = os.cpu_count() or 1
    return max(1, min(limit, cores - int(busy + 0.5)))


def lr_factor(step: int, cfg: LoopConfig) -> float:
    if step < cfg.warmup_steps:
        return (step + 1) / max(1, cfg.warmup_steps)
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def train_steps(
    model: torch.nn.Module,
    batches: Callable[[], Iterator[dict[str, torch.Tensor]]],
    cfg: LoopConfig,
    description: str,
    show_progress: bool = True,
) -> LoopResult:
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.learning_rate,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, cfg))
    model.train()
    losses: list[float] = []
    started = time.perf_counter()
    stream = batches()
    with tqdm(total=cfg.steps, desc=description, disable=not show_progress, mininterval=2.0) as bar:
        for _ in range(cfg.steps):
            try:
                batch = next(stream)
            except StopIteration:
                stream = batches()
                batch = next(stream)
            loss = model(**batch).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
            optimizer.step()
            scheduler.step()
            losses.append(float(loss.detach()))
            bar.update(1)
            if len(losses) % 20 == 0:
                bar.set_postfix(loss=f"{sum(losses[-20:]) / 20:.3f}")
    model.eval()
    return LoopResult(losses=losses, seconds=time.perf_counter() - started)
