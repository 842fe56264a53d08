"""The default classifier: a small CNN for 28x28 grayscale product images, and its JSON config.

Each block is conv3x3-BN-ReLU (twice when ``double`` is set) followed by 2x2 max-pooling; the last
block is pooled to ``head_pool`` x ``head_pool``, flattened and, when ``hidden`` is set, projected by
a linear-BN-ReLU layer. That vector (``embedding_dim``) is the image embedding used for visual
similarity; a dropout and a linear layer on top of it give the class logits.
"""

from __future__ import annotations

import torch
from pydantic import BaseModel, Field
from torch import nn


class CNNConfig(BaseModel):
    """Architecture and input contract of :class:`FashionCNN` (saved as ``config.json``)."""

    architecture: str = "fashion-cnn"
    channels: tuple[int, ...] = Field((32, 64, 128), min_length=1)
    double: bool = False
    head_pool: int = Field(3, ge=1, description="Spatial size the last block is pooled to (1 = global).")
    hidden: int | None = Field(256, ge=2, description="Width of the embedding layer; None uses the pooled map.")
    dropout: float = Field(0.2, ge=0.0, lt=1.0)
    image_size: int = Field(28, ge=8)
    in_channels: int = 1
    mean: float = 0.2860
    std: float = Field(0.3530, gt=0.0)
    labels: list[str] = Field(min_length=2)

    @property
    def num_classes(self) -> int:
        return len(self.labels)

    @property
    def embedding_dim(self) -> int:
        return self.hidden or self.channels[-1] * self.head_pool * self.head_pool


def _block(cin: int, cout: int, double: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(),
    ]
    if double:
        layers += [nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return layers


class FashionCNN(nn.Module):
    """Small CNN: ``forward`` gives logits, ``features`` the (unnormalised) penultimate vector."""

    def __init__(self, config: CNNConfig) -> None:
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        cin = config.in_channels
        for i, cout in enumerate(config.channels):
            layers += _block(cin, cout, config.double)
            last = i == len(config.channels) - 1
            layers.append(nn.AdaptiveMaxPool2d(config.head_pool) if last else nn.MaxPool2d(2))
            cin = cout
        layers.append(nn.Flatten())
        width = cin * config.head_pool * config.head_pool
        if config.hidden:
            layers += [nn.Linear(width, config.hidden, bias=False), nn.BatchNorm1d(config.hidden), nn.ReLU()]
            width = config.hidden
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(width, config.num_classes))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))

    def forward_with_features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feats = self.body(x)
        return self.head(feats), feats


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
