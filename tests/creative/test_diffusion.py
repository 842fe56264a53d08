"""The tiny random pipeline through the real loading path: grouping, seeds, img2img sharing."""

from __future__ import annotations

import shutil
from pathlib import Path

import bentoml
import numpy as np
import pytest

from services.creative.diffusion import DiffusionEngine, fit_to_multiple_of_8
from services.creative.handlers import generate_images
from services.creative.schemas import GenerateRequest
from services.creative.training.samples import product_photo

from .conftest import TINY_SAMPLE_SIZE


def test_model_is_a_diffusers_folder_with_lineage(tiny_model: str) -> None:
    model = bentoml.models.get(tiny_model)
    for part in ("model_index.json", "unet", "vae", "text_encoder", "tokenizer", "scheduler"):
        assert (Path(model.path) / part).exists(), part
    meta = model.info.metadata
    assert meta["weights"].startswith("random") and meta["tokenizer_corpus"]["rows"] == 3000
    corpus = meta["tokenizer_corpus"]
    assert corpus["dataset"] == "myntra-fashion-product-styles" and corpus["column"] == "title"
    assert corpus["sources"]["catalog"]["file"].endswith("styles.csv") and corpus["sources"]["catalog"]["sha256"]


def test_loads_with_auto_pipeline_and_img2img_shares_components(engine: DiffusionEngine) -> None:
    assert type(engine.text2img).__name__ == "StableDiffusionPipeline"
    assert type(engine.img2img).__name__ == "StableDiffusionImg2ImgPipeline"
    for name in ("unet", "vae", "text_encoder", "tokenizer", "scheduler"):
        assert getattr(engine.img2img, name) is getattr(engine.text2img, name)
    assert engine.defaults.side == TINY_SAMPLE_SIZE * 8
    ids = engine.text2img.tokenizer("夏季 summer sale")["input_ids"]
    assert engine.text2img.tokenizer.unk_token_id not in ids[1:-1]


def test_same_seed_same_image_and_batching_does_not_change_it(engine: DiffusionEngine) -> None:
    req = GenerateRequest(prompt="red dress on a beach", seed=123, steps=2)
    alone = generate_images(engine, [req])[0]
    again = generate_images(engine, [req])[0]
    assert alone.images == again.images and alone.seeds == [123]
    others = [GenerateRequest(prompt=f"other {i}", seed=i, steps=2) for i in range(3)]
    batched = generate_images(engine, [others[0], req, *others[1:]])[1]
    from services.creative.image_io import from_base64

    a = np.asarray(from_base64(alone.images[0]), np.int16)
    b = np.asarray(from_base64(batched.images[0]), np.int16)
    assert np.abs(a - b).max() <= 2
    different = generate_images(engine, [GenerateRequest(prompt="red dress on a beach", seed=124, steps=2)])[0]
    assert different.images != alone.images


def test_requests_with_equal_parameters_share_a_pipeline_call(engine: DiffusionEngine) -> None:
    before = engine.calls
    reqs = [
        GenerateRequest(prompt="a", steps=2, seed=1),
        GenerateRequest(prompt="b", steps=2, seed=2, num_images=2, output_format="jpeg"),
        GenerateRequest(prompt="c", steps=2, width=128, height=64, seed=3),
        GenerateRequest(prompt="d", steps=2, seed=4, negative_prompt="blurry"),
    ]
    out = generate_images(engine, reqs)
    assert engine.calls - before == 2  # (64x64, 2 steps) for a, b, b, d and (128x64) for c
    assert [len(r.images) for r in out] == [1, 2, 1, 1]
    assert out[1].seeds == [2, 3] and out[1].images[0].content_type == "image/jpeg"
    assert (out[2].images[0].width, out[2].images[0].height) == (128, 64)
    assert out[0].model.startswith("creative-diffusion:")


def test_unset_seed_is_random_and_reported(engine: DiffusionEngine) -> None:
    out = generate_images(engine, [GenerateRequest(prompt="x", steps=1), GenerateRequest(prompt="x", steps=1)])
    assert out[0].seeds != out[1].seeds


def test_restyle_keeps_aspect_and_checks_steps_times_strength(engine: DiffusionEngine) -> None:
    image = product_photo((300, 200))
    out = engine.restyle(
        image, "watercolour", negative_prompt=None, strength=0.5, steps=4, guidance_scale=None, seed=1, side=96
    )
    assert out.size == (96, 64)
    with pytest.raises(ValueError, match="steps x strength"):
        engine.restyle(image, "x", negative_prompt=None, strength=0.3, steps=2, guidance_scale=None, seed=1, side=None)


def test_fit_to_multiple_of_8() -> None:
    assert fit_to_multiple_of_8(product_photo((1000, 333)), 512).size == (512, 168)
    assert fit_to_multiple_of_8(product_photo((20, 900)), 512).size == (64, 512)


def test_imported_diffusers_folder_keeps_turbo_defaults(tiny_model: str, tmp_path: Path) -> None:
    """``creative import-diffusers``: any diffusers folder becomes a model; its defaults apply."""
    from typer.testing import CliRunner

    from scripts.commands.creative import app
    from services.creative.diffusion import load_engine
    from services.creative.settings import CreativeSettings

    folder = tmp_path / "turbo"
    shutil.copytree(bentoml.models.get(tiny_model).path, folder, ignore=shutil.ignore_patterns("model.yaml"))
    args = ["import-diffusers", str(folder), "--name", "creative-imported", "--default-steps", "1"]
    result = CliRunner().invoke(app, [*args, "--default-guidance", "0", "--source", "test"])
    assert result.exit_code == 0, result.output
    model = bentoml.models.get("creative-imported:latest")
    engine = load_engine(model, CreativeSettings(torch_threads=1))
    assert (engine.defaults.steps, engine.defaults.guidance_scale) == (1, 0.0)
    out = generate_images(engine, [GenerateRequest(prompt="turbo", seed=1)])[0]
    assert out.steps == 1 and out.guidance_scale == 0.0
