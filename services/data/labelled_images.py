"""Labelled image arrays: what an image classifier trains and is evaluated on.

``images`` is uint8 ``(n, height, width)`` (grey levels, product light on a dark background, the
form the default CNN takes), ``labels`` int64 ``(n,)`` indexes into the data set's class names.
Adapters that ship image arrays (Fashion-MNIST) and the catalog-image loader of the vision
training both produce it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LabelledImages:
    """One split of labelled images."""

    name: str
    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, indices: np.ndarray) -> LabelledImages:
        return LabelledImages(self.name, self.images[indices], self.labels[indices])
