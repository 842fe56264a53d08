"""Build a tiny, randomly initialised Stable Diffusion pipeline and store it as a BentoML model.

The pipeline has the real component classes (``UNet2DConditionModel``, ``AutoencoderKL``,
``CLIPTextModel``, ``CLIPTokenizer``, ``DDIMScheduler``) with small configs, saved with
``save_pretrained``; the service loads it with the same code that loads SD 1.5, SD-Turbo or SDXL.
Its weights are random: it outputs noise until real weights are published and configured.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .tiny_tokenizer import MAX_LENGTH, save_clip_tokenizer, train_bpe

if TYPE_CHECKING:
    import bentoml

log = logging.getLogger(__name__)
MODEL_NAME = "creative-diffusion"


@dataclass(frozen=True)
class TinyConfig:
    """Sizes of the tiny pipeline; ``sample_size`` x 8 is its native image side."""

    sample_size: int = 64
    unet_channels: tuple[int, int] = (32, 64)
    vae_channels: tuple[int, int, int, int] = (16, 16, 32, 32)
    text_hidden: int = 32
    text_layers: int = 2
    vocab_size: int = 1000
    seed: int = 0

    @property
    def native_side(self) -> int:
        return self.sample_size * 8


def build_pipeline(folder: Path, corpus: Sequence[str], config: TinyConfig) -> dict[str, Any]:
    """Write a diffusers ``save_pretrained`` folder; returns facts for the model's metadata."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    vocab, merges = train_bpe(corpus, config.vocab_size)
    with tempfile.TemporaryDirectory(prefix="creative-tokenizer-") as tmp:
        vocab_len = save_clip_tokenizer(vocab, merges, Path(tmp))
        tokenizer = CLIPTokenizer.from_pretrained(tmp)
    torch.manual_seed(config.seed)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=vocab_len,
            hidden_size=config.text_hidden,
            intermediate_size=config.text_hidden * 2,
            num_hidden_layers=config.text_layers,
            num_attention_heads=4,
            max_position_embeddings=MAX_LENGTH,
            projection_dim=config.text_hidden,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )
    )
    unet = UNet2DConditionModel(
        sample_size=config.sample_size,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=config.unet_channels,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=config.text_hidden,
        attention_head_dim=8,
        norm_num_groups=min(32, config.unet_channels[0]),
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * len(config.vae_channels),
        up_block_types=("UpDecoderBlock2D",) * len(config.vae_channels),
        block_out_channels=config.vae_channels,
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=min(config.vae_channels),
        sample_size=config.native_side,
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipe = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(str(folder))
    params = {
        name: sum(p.numel() for p in module.parameters())
        for name, module in (("unet", unet), ("vae", vae), ("text_encoder", text_encoder))
    }
    return {"parameters": params, "vocab_size": vocab_len, "merges": len(merges)}


def corpus_digest(corpus: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for line in corpus:
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def create_tiny_model(
    corpus: Sequence[str],
    config: TinyConfig | None = None,
    *,
    name: str = MODEL_NAME,
    lineage: dict[str, Any] | None = None,
) -> bentoml.Model:
    """Build the tiny pipeline into a new version of the BentoML model ``name``."""
    import bentoml

    config = config or TinyConfig()
    metadata: dict[str, Any] = {
        "pipeline": "StableDiffusionPipeline",
        "weights": "random initialisation (untrained): outputs noise",
        "native_size": config.native_side,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
        "tokenizer_corpus": {"rows": len(corpus), "sha256": corpus_digest(corpus), **(lineage or {})},
    }
    labels = {"capability": "creative", "kind": "tiny-random", "format": "diffusers"}
    with bentoml.models.create(name, metadata=metadata, labels=labels) as model:
        facts = build_pipeline(Path(model.path), corpus, config)
        model.info.metadata.update(facts)
    log.info("built %s (%s parameters)", model.tag, sum(facts["parameters"].values()))
    return bentoml.models.get(str(model.tag))
