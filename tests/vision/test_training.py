"""Training building blocks: the CNN's shapes, augmentation and the stratified hold-out."""

from __future__ import annotations

import numpy as np
import torch

from services.data.adapters.fashion_mnist import FASHION_CLASSES
from services.vision.net import CNNConfig, FashionCNN, count_parameters
from services.vision.training.trainer import augment, stratified_holdout


def test_default_cnn_shapes_and_size() -> None:
    cfg = CNNConfig(labels=list(FASHION_CLASSES))
    model = FashionCNN(cfg).eval()
    logits, feats = model.forward_with_features(torch.zeros(3, 1, 28, 28))
    assert logits.shape == (3, 10) and feats.shape == (3, cfg.embedding_dim) == (3, 256)
    assert 100_000 < count_parameters(model) < 600_000


def test_config_variants() -> None:
    gap = CNNConfig(labels=["a", "b"], channels=(4, 8), hidden=None, head_pool=1, double=True)
    assert gap.embedding_dim == 8
    assert FashionCNN(gap).eval()(torch.zeros(1, 1, 28, 28)).shape == (1, 2)


def test_augment_shifts_and_flips_without_changing_shape() -> None:
    rng = np.random.default_rng(0)
    images = np.zeros((200, 28, 28), dtype=np.uint8)
    images[:, 10:18, 3:6] = 255  # a bar on the left
    out = augment(images, rng, pad=2, flip=True)
    assert out.shape == images.shape and out.dtype == np.uint8
    left = out[:, :, :14].sum(axis=(1, 2)) > 0
    assert 0.3 < left.mean() < 0.7  # about half were mirrored to the right
    assert (out.sum(axis=(1, 2)) <= images.sum(axis=(1, 2))).all()  # shifting only pads with background
    assert np.array_equal(augment(images, rng, pad=0, flip=False), images)


def test_stratified_holdout_is_disjoint_and_balanced() -> None:
    labels = np.repeat(np.arange(10), 100)
    train_idx, held_idx = stratified_holdout(labels, 200, seed=1)
    assert len(held_idx) == 200 and len(train_idx) == 800
    assert not set(train_idx) & set(held_idx)
    assert np.bincount(labels[held_idx]).tolist() == [20] * 10
    all_idx, none = stratified_holdout(labels, 0, seed=1)
    assert len(all_idx) == 1000 and len(none) == 0


def test_model_metadata_drops_what_bentoml_cannot_store() -> None:
    from pathlib import Path

    from services.core.metadata import metadata_safe
    from services.vision.training.trainer import TrainConfig

    meta = metadata_safe({"training": TrainConfig().model_dump(), "shape": (1, None, 2), "path": Path("/x")})
    assert "train_limit" not in meta["training"] and meta["training"]["epochs"] == 10
    assert meta["shape"] == [1, 2] and meta["path"] == "/x"
