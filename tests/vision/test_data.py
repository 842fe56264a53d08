"""The Fashion-MNIST IDX reader on the real files, and its refusal of malformed ones."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from services.data.adapters.fashion_mnist import FASHION_CLASSES, _read_idx, lineage
from services.data.labelled_images import LabelledImages


def test_test_split_shapes_and_balanced_classes(fashion_test: LabelledImages) -> None:
    assert fashion_test.images.shape == (10_000, 28, 28)
    assert fashion_test.images.dtype == np.uint8
    assert fashion_test.labels.dtype == np.int64
    assert np.bincount(fashion_test.labels).tolist() == [1000] * len(FASHION_CLASSES)
    corners = fashion_test.images[:, [0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.mean() < 10  # products sit on a dark background


def test_subset_keeps_images_and_labels_aligned(fashion_test: LabelledImages) -> None:
    part = fashion_test.subset(np.array([3, 1]))
    assert len(part) == 2
    assert np.array_equal(part.images[1], fashion_test.images[1])
    assert part.labels.tolist() == [fashion_test.labels[3], fashion_test.labels[1]]


def test_lineage_records_license_and_checksums(shared_data: Path) -> None:
    info = lineage(shared_data)
    assert "MIT" in info["license"]
    assert len(info["sha256:t10k-labels-idx1-ubyte.gz"]) == 64


def _write_gz(path: Path, payload: bytes) -> Path:
    with gzip.open(path, "wb") as fh:
        fh.write(payload)
    return path


def test_read_idx_rejects_wrong_magic_and_short_data(tmp_path: Path) -> None:
    labels = (2049).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes([1, 2, 3])
    assert _read_idx(_write_gz(tmp_path / "ok.gz", labels), 2049).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="magic"):
        _read_idx(_write_gz(tmp_path / "magic.gz", labels), 2051)
    short = (2049).to_bytes(4, "big") + (5).to_bytes(4, "big") + bytes([1, 2])
    with pytest.raises(ValueError, match="declares"):
        _read_idx(_write_gz(tmp_path / "short.gz", short), 2049)
