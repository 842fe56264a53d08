"""The served object, for both model formats: default CNN and a Hugging Face ViT from a config."""

from __future__ import annotations

import bentoml
import numpy as np
import pytest
import torch
from PIL import Image

from services.core.device import pick_device as resolve_device
from services.core.device import pick_dtype as resolve_dtype
from services.data.adapters.fashion_mnist import FASHION_CLASSES
from services.data.labelled_images import LabelledImages
from services.vision.artifacts import FORMAT_CNN, FORMAT_HF, detect_format
from services.vision.runtime import VisionRuntime, load_runtime
from services.vision.training.pipeline import cpu_runtime_settings
from tests.vision.samples import as_photo


@pytest.fixture(scope="module")
def cnn(tiny_cnn_model: bentoml.Model) -> VisionRuntime:
    return load_runtime(tiny_cnn_model, cpu_runtime_settings())


@pytest.fixture(scope="module")
def vit(tiny_vit_model: bentoml.Model) -> VisionRuntime:
    return load_runtime(tiny_vit_model, cpu_runtime_settings())


def _images(split: LabelledImages, n: int, start: int = 0) -> list[Image.Image]:
    return [Image.fromarray(a, mode="L") for a in split.images[start : start + n]]


def test_formats_are_recorded(tiny_cnn_model: bentoml.Model, tiny_vit_model: bentoml.Model) -> None:
    assert detect_format(tiny_cnn_model) == FORMAT_CNN
    assert detect_format(tiny_vit_model) == FORMAT_HF
    meta = tiny_cnn_model.info.metadata
    assert {"test_accuracy", "similarity_precision_at_10", "data_lineage", "training"} <= set(meta)


def test_cnn_classifies_well_above_chance(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    preds = cnn.classify_batch(_images(fashion_test, 400), 1)
    accuracy = np.mean([p[0].index == y for p, y in zip(preds, fashion_test.labels[:400], strict=True)])
    assert accuracy > 0.5  # two epochs on 4,500 images; chance is 0.10


def test_top_k_per_image_sorted_probabilities(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    preds = cnn.classify_batch(_images(fashion_test, 3), [1, 4, 20])
    assert [len(p) for p in preds] == [1, 4, 10]
    scores = [s.score for s in preds[2]]
    assert scores == sorted(scores, reverse=True) and sum(scores) == pytest.approx(1.0, abs=1e-4)
    assert {s.label for s in preds[2]} == set(FASHION_CLASSES)
    with pytest.raises(ValueError, match="top_k"):
        cnn.classify_batch(_images(fashion_test, 2), [1])


def test_micro_batches_give_the_same_answers(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    images = _images(fashion_test, 10)
    whole = cnn.run(images)
    small = VisionRuntime(cnn.backend, tag=cnn.tag, micro_batch=3).run(images)
    assert np.allclose(whole[0], small[0], atol=1e-5) and np.allclose(whole[1], small[1], atol=1e-4)
    empty = cnn.run([])
    assert empty[0].shape == (0, 10)


def test_embeddings_are_unit_vectors(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    vectors = cnn.embed_batch([*_images(fashion_test, 5), as_photo(Image.fromarray(fashion_test.images[0]))])
    assert vectors.shape == (6, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_catalog_image_finds_itself_first(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    assert cnn.index is not None and len(cnn.index) == 500
    [hits] = cnn.similar(_images(fashion_test, 1, start=7), k=5)
    assert hits.matches[0].product_id == "fmnist-test-00007"
    assert hits.matches[0].score == pytest.approx(1.0, abs=2e-3)
    assert len(hits.matches) == 5 and hits.top_label.label in FASHION_CLASSES


def test_hugging_face_vit_runtime(vit: VisionRuntime, fashion_test: LabelledImages) -> None:
    assert vit.labels == list(FASHION_CLASSES)
    images = [*_images(fashion_test, 2), Image.new("RGB", (300, 500), "white")]
    preds = vit.classify_batch(images, 2)
    assert [len(p) for p in preds] == [2, 2, 2]
    vectors = vit.embed_batch(images)
    assert vectors.shape == (3, 32)  # the ViT's hidden size: the classifier head's input
    assert vit.index is not None and len(vit.index) == 200
    [hits] = vit.similar(_images(fashion_test, 1, start=3), k=3)
    assert hits.matches[0].product_id == "fmnist-test-00003"


def test_device_policy() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_dtype(torch.device("cpu"), fp16=True) == torch.float32
    assert resolve_dtype(torch.device("cuda"), fp16=True) == torch.float16
    assert resolve_dtype(torch.device("cuda"), fp16=False) == torch.float32
    if not torch.cuda.is_available():
        assert resolve_device("auto").type == "cpu" and resolve_device("cuda").type == "cpu"


def test_similarity_needs_a_catalog(cnn: VisionRuntime, fashion_test: LabelledImages) -> None:
    bare = VisionRuntime(cnn.backend, tag="no-catalog:1")
    with pytest.raises(LookupError, match="no catalog"):
        bare.similar(_images(fashion_test, 1), 3)
