"""Preprocessing: Fashion-MNIST inputs pass unchanged; photos of any size, colour and background are
brought to the data set's format; Hugging Face processors drive their own models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from services.data.labelled_images import LabelledImages
from services.vision.net import CNNConfig
from services.vision.preprocess import (
    FashionPreprocessor,
    ProcessorPreprocessor,
    border_mean,
    fashion_mnist_array,
    normalise_uint8,
)
from tests.vision.fixtures import TINY_CNN, build_tiny_vit
from tests.vision.samples import as_photo


def test_dataset_images_pass_through_unchanged(fashion_test: LabelledImages) -> None:
    for i in range(20):
        img = Image.fromarray(fashion_test.images[i], mode="L")
        assert np.array_equal(fashion_mnist_array(img), fashion_test.images[i])


def test_light_background_colour_photo_is_inverted_and_recovers_the_product(fashion_test: LabelledImages) -> None:
    correlations = []
    for i in range(30):
        photo = as_photo(Image.fromarray(fashion_test.images[i], mode="L"), size=(480, 640))
        assert photo.mode == "RGB" and border_mean(photo.convert("L")) > 200
        out = fashion_mnist_array(photo)
        assert out.shape == (28, 28) and out.dtype == np.uint8
        original = fashion_test.images[i]
        assert border_mean(Image.fromarray(out)) <= border_mean(Image.fromarray(original)) + 20  # dark background
        assert out.min() == 0 and out.max() >= 250  # full contrast, like every image of the data set
        correlations.append(np.corrcoef(out.ravel().astype(float), original.ravel())[0, 1])
    assert np.median(correlations) > 0.85


def test_tall_product_keeps_its_aspect_ratio_and_is_centred() -> None:
    img = Image.new("RGB", (600, 900), (255, 255, 255))
    ImageDraw.Draw(img).rectangle((250, 150, 349, 749), fill=(10, 10, 80))  # 100 x 600, dark on white
    out = fashion_mnist_array(img)
    rows, cols = np.flatnonzero(out.max(1) > 100), np.flatnonzero(out.max(0) > 100)
    assert rows[0] == 0 and rows[-1] == 27  # fills the height
    assert 3 <= len(cols) <= 6  # 1:6 aspect ratio kept
    assert abs((cols[0] + cols[-1]) / 2 - 13.5) <= 1.0


def test_transparent_cutout_counts_as_light_background() -> None:
    img = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((20, 10, 180, 90), fill=(200, 30, 30, 255))
    out = fashion_mnist_array(img)
    assert out[0].max() < 30 and out[14, 14] > 100


@pytest.mark.parametrize("colour", [0, 255, 128])
def test_blank_images_do_not_fail(colour: int) -> None:
    out = fashion_mnist_array(Image.new("L", (50, 70), colour))
    assert out.shape == (28, 28)


def test_preprocessor_normalises_with_the_model_config(fashion_test: LabelledImages) -> None:
    pre = FashionPreprocessor(TINY_CNN)
    batch = pre([Image.fromarray(a, mode="L") for a in fashion_test.images[:4]])
    assert batch.shape == (4, 1, 28, 28)
    expected = (fashion_test.images[0].astype(np.float32) / 255 - TINY_CNN.mean) / TINY_CNN.std
    assert np.allclose(batch[0, 0].numpy(), expected, atol=1e-6)
    assert pre([]).shape == (0, 1, 28, 28)


def test_normalise_uint8_accepts_read_only_arrays() -> None:
    arr = np.frombuffer(bytes(range(16)), dtype=np.uint8).reshape(1, 4, 4)
    out = normalise_uint8(arr, 0.0, 1.0)
    assert out.shape == (1, 1, 4, 4) and float(out.max()) == pytest.approx(15 / 255)


def test_other_image_sizes_follow_the_config() -> None:
    cfg = CNNConfig(labels=["a", "b"], image_size=32)
    assert FashionPreprocessor(cfg)([Image.new("RGB", (90, 40), "white")]).shape == (1, 1, 32, 32)


def test_hugging_face_processor_resizes_and_converts_to_rgb(tmp_path: Path) -> None:
    from transformers import AutoImageProcessor

    folder = build_tiny_vit(tmp_path / "vit")
    pre = ProcessorPreprocessor(AutoImageProcessor.from_pretrained(folder, backend="pil"))
    batch = pre([Image.new("L", (28, 28), 30), Image.new("RGB", (640, 480), (250, 0, 0))])
    assert tuple(batch.shape) == (2, 3, 32, 32)
    assert float(batch.min()) >= -1.0001 and float(batch.max()) <= 1.0001  # mean 0.5 / std 0.5
