"""Fixtures (registered suite-wide in tests/conftest.py): tiny vision models built in seconds from the real Fashion-MNIST data, and image-bytes helpers.

* ``vision-classifier``: the default CNN architecture, shrunk, trained two epochs on 4,500 images,
  with a 500-product catalog.
* ``vision-vit-tiny``: a randomly initialised ViT built from a config, saved like pretrained weights
  would be (``save_pretrained``), with a 200-product catalog.
"""

from __future__ import annotations

from pathlib import Path

import bentoml
import numpy as np
import pytest
from PIL import Image

from services.data.adapters.fashion_mnist import FASHION_CLASSES, load_split
from services.data.labelled_images import LabelledImages
from services.vision.net import CNNConfig
from services.vision.training.trainer import TrainConfig

TINY_CNN = CNNConfig(channels=(8, 16), hidden=32, head_pool=2, labels=list(FASHION_CLASSES))
TINY_TRAIN = TrainConfig(epochs=2, batch_size=64, max_lr=5e-3, train_limit=5000, val_size=500, threads=1)
CNN_NAME = "vision-classifier"
VIT_NAME = "vision-vit-tiny"


@pytest.fixture(scope="session")
def fashion_test(shared_data: Path) -> LabelledImages:
    return load_split(shared_data, "test")


@pytest.fixture(scope="session")
def tiny_cnn_model(shared_data: Path) -> bentoml.Model:
    from services.vision.training.pipeline import train_default_model

    model, _ = train_default_model(shared_data, TINY_TRAIN, TINY_CNN, name=CNN_NAME, catalog_limit=500, progress=False)
    return model


def build_tiny_vit(folder: Path) -> Path:
    """A random ViT for 32x32 RGB input with the 10 Fashion-MNIST labels, written like a hub folder."""
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

    torch.manual_seed(0)
    config = ViTConfig(
        image_size=32,
        patch_size=8,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=len(FASHION_CLASSES),
        id2label=dict(enumerate(FASHION_CLASSES)),
        label2id={name: i for i, name in enumerate(FASHION_CLASSES)},
    )
    ViTForImageClassification(config).save_pretrained(folder)
    ViTImageProcessorPil(size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_vit_model(shared_data: Path, session_dir: Path) -> bentoml.Model:
    from services.vision.training.pipeline import import_hf_model

    source = build_tiny_vit(session_dir / "hf-tiny-vit")
    return import_hf_model(source, name=VIT_NAME, data_dir=shared_data, catalog_limit=200)


@pytest.fixture(scope="session")
def sample_images(fashion_test: LabelledImages) -> list[tuple[int, Image.Image]]:
    """(label, image) for the first test image of every class, as 28x28 grayscale PIL images."""
    picks = [int(np.flatnonzero(fashion_test.labels == c)[0]) for c in range(len(FASHION_CLASSES))]
    return [(int(fashion_test.labels[i]), Image.fromarray(fashion_test.images[i], mode="L")) for i in picks]
