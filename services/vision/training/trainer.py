"""Training of the default CNN on Fashion-MNIST: augmentation, one-cycle Adam, per-epoch history.

Pure PyTorch and numpy; no BentoML. A stratified slice of the training split is held out for the
validation curve, so the official test split is only used by the evaluation.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from pydantic import BaseModel, Field
from torch import nn
from tqdm import tqdm

from services.data.labelled_images import LabelledImages

from ..net import CNNConfig, FashionCNN
from ..preprocess import normalise_uint8

log = logging.getLogger(__name__)


class TrainConfig(BaseModel):
    """Hyper-parameters of one training run (recorded in the model's metadata)."""

    epochs: int = Field(10, ge=1)
    batch_size: int = Field(128, ge=8)
    max_lr: float = Field(4e-3, gt=0)
    weight_decay: float = Field(1e-4, ge=0)
    label_smoothing: float = Field(0.05, ge=0, lt=1)
    val_size: int = Field(5000, ge=0, description="Training images held out for the validation curve.")
    train_limit: int | None = Field(None, ge=10, description="Use only this many training images (tests).")
    pad: int = Field(2, ge=0, description="Random-crop padding in pixels (augmentation).")
    flip: bool = True
    seed: int = 0
    threads: int | None = Field(None, ge=1, description="torch intra-op threads; None keeps torch's default.")


class EpochStats(BaseModel):
    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    lr: float
    seconds: float


@dataclass
class TrainResult:
    model: FashionCNN
    history: list[EpochStats] = field(default_factory=list)
    seconds: float = 0.0
    train_size: int = 0
    val_size: int = 0


def stratified_holdout(labels: np.ndarray, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices) with ``size`` held out in proportion to each class."""
    rng = np.random.default_rng(seed)
    if size <= 0:
        return rng.permutation(len(labels)), np.zeros(0, dtype=np.int64)
    classes = np.unique(labels)
    per_class = max(1, size // len(classes))
    held: list[np.ndarray] = []
    for cls in classes:
        members = rng.permutation(np.flatnonzero(labels == cls))
        held.append(members[:per_class])
    held_idx = np.sort(np.concatenate(held))
    mask = np.ones(len(labels), dtype=bool)
    mask[held_idx] = False
    return rng.permutation(np.flatnonzero(mask)), held_idx


def augment(images: np.ndarray, rng: np.random.Generator, pad: int, flip: bool) -> np.ndarray:
    """Random crop after zero padding (dark background) and random horizontal flip, vectorised."""
    n, h, w = images.shape
    out = images
    if pad > 0:
        padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad)))
        dy = rng.integers(0, 2 * pad + 1, size=n)
        dx = rng.integers(0, 2 * pad + 1, size=n)
        rows = dy[:, None] + np.arange(h)[None, :]
        cols = dx[:, None] + np.arange(w)[None, :]
        out = padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    if flip:
        flips = rng.random(n) < 0.5
        out = out.copy() if out is images else out
        out[flips] = out[flips, :, ::-1]
    return out


@torch.inference_mode()
def predict_arrays(model: FashionCNN, images: np.ndarray, batch_size: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """(logits, features) as float32 numpy arrays for uint8 images (n, 28, 28)."""
    model.eval()
    cfg = model.config
    logits, feats = [], []
    for start in range(0, len(images), batch_size):
        x = normalise_uint8(images[start : start + batch_size], cfg.mean, cfg.std)
        out, feat = model.forward_with_features(x.contiguous(memory_format=torch.channels_last))
        logits.append(out.float().numpy())
        feats.append(feat.float().numpy())
    if not logits:
        return np.zeros((0, cfg.num_classes), np.float32), np.zeros((0, cfg.embedding_dim), np.float32)
    return np.concatenate(logits), np.concatenate(feats)


def _evaluate(model: FashionCNN, split: LabelledImages, loss_fn: nn.Module) -> tuple[float, float]:
    logits, _ = predict_arrays(model, split.images)
    targets = torch.from_numpy(split.labels)
    loss = float(loss_fn(torch.from_numpy(logits), targets))
    return loss, float((logits.argmax(1) == split.labels).mean())


def train_cnn(train: LabelledImages, cnn: CNNConfig, cfg: TrainConfig, *, progress: bool = True) -> TrainResult:
    """Train a fresh :class:`FashionCNN`; logs one line per epoch and shows a tqdm bar per epoch."""
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    if cfg.train_limit is not None and cfg.train_limit < len(train):
        train = train.subset(rng.permutation(len(train))[: cfg.train_limit])
    val_size = min(cfg.val_size, len(train) // 5)
    train_idx, val_idx = stratified_holdout(train.labels, val_size, cfg.seed)
    fit, val = train.subset(train_idx), train.subset(val_idx)

    model = FashionCNN(cnn).to(memory_format=torch.channels_last)
    steps_per_epoch = max(1, len(fit) // cfg.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.max_lr, weight_decay=cfg.weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=cfg.max_lr, epochs=cfg.epochs, steps_per_epoch=steps_per_epoch
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=cfg.label_smoothing)
    eval_loss = nn.CrossEntropyLoss()
    result = TrainResult(model=model, train_size=len(fit), val_size=len(val))
    started = time.perf_counter()
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        t0 = time.perf_counter()
        order = rng.permutation(len(fit))
        seen, correct, loss_sum = 0, 0, 0.0
        bar = tqdm(
            range(steps_per_epoch),
            desc=f"epoch {epoch}/{cfg.epochs}",
            unit="batch",
            disable=not progress,
            leave=False,
            mininterval=0.2 if sys.stderr.isatty() else 15.0,
        )
        for step in bar:
            idx = order[step * cfg.batch_size : (step + 1) * cfg.batch_size]
            images = augment(fit.images[idx], rng, cfg.pad, cfg.flip)
            x = normalise_uint8(images, cnn.mean, cnn.std).contiguous(memory_format=torch.channels_last)
            y = torch.from_numpy(fit.labels[idx])
            logits = model(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            seen += len(idx)
            correct += int((logits.argmax(1) == y).sum())
            loss_sum += float(loss.detach()) * len(idx)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{loss_sum / seen:.3f}", acc=f"{correct / seen:.3f}")
        val_loss, val_acc = _evaluate(model, val, eval_loss) if len(val) else (None, None)
        stats = EpochStats(
            epoch=epoch,
            train_loss=loss_sum / max(seen, 1),
            train_accuracy=correct / max(seen, 1),
            val_loss=val_loss,
            val_accuracy=val_acc,
            lr=float(scheduler.get_last_lr()[0]),
            seconds=time.perf_counter() - t0,
        )
        result.history.append(stats)
        log.info(
            "epoch %d/%d  train loss %.4f acc %.4f  val loss %s acc %s  (%.1fs)",
            epoch,
            cfg.epochs,
            stats.train_loss,
            stats.train_accuracy,
            f"{val_loss:.4f}" if val_loss is not None else "-",
            f"{val_acc:.4f}" if val_acc is not None else "-",
            stats.seconds,
        )
    result.seconds = time.perf_counter() - started
    model.eval()
    return result
