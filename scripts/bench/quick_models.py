"""Tiny models for ``--quick`` runs, trained in seconds on samples of the real data sets and saved
into the current BentoML store (the caller points ``BENTOML_HOME`` at a private folder first).
They go through the same training and saving code as the default models, only smaller.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def build_recommend(data_dir: Path, work_dir: Path) -> str:
    """LightFM on the interactions of 250 sampled users of the default data set (the online-retail-ii
    adapter, ingested once), no text embeddings."""
    from services.recommend.training.pipeline import run_training
    from services.recommend.training.trainer import TrainConfig

    cfg = TrainConfig(search_trials=1, bootstrap_resamples=200, use_embeddings=False, num_threads=1, clusters=8)
    model = run_training(cfg, max_users=250, report_dir=work_dir / "reports" / "recommend")
    return str(model.tag)


def build_vision(data_dir: Path, work_dir: Path) -> str:
    """The default CNN architecture, shrunk, one epoch on 3,000 Fashion-MNIST images, 500-item catalog."""
    from services.data.adapters.fashion_mnist import FASHION_CLASSES
    from services.vision.net import CNNConfig
    from services.vision.training.pipeline import train_default_model
    from services.vision.training.trainer import TrainConfig

    cnn = CNNConfig(channels=(8, 16), hidden=32, head_pool=2, labels=list(FASHION_CLASSES))
    train = TrainConfig(epochs=1, batch_size=64, max_lr=5e-3, train_limit=3000, val_size=300, threads=1)
    model, _ = train_default_model(data_dir, train, cnn, name="vision-classifier", catalog_limit=500, progress=False)
    return str(model.tag)


def build_text(data_dir: Path, work_dir: Path) -> str:
    """A one-layer GPT-2 title generator and a one-layer T5 headline summarizer, trained for a few steps."""
    from services.text.training.abstractive import train_summarizer
    from services.text.training.generator import train_generator
    from services.text.training.quick_configs import TINY_GENERATOR, TINY_SUMMARIZER

    reports = work_dir / "reports" / "text"
    tags = [
        train_generator(TINY_GENERATOR, data_dir, reports).tag,
        train_summarizer(TINY_SUMMARIZER, data_dir, reports).tag,
    ]
    return ", ".join(str(t) for t in tags)


def build_creative(data_dir: Path, work_dir: Path) -> str:
    """A randomly initialised 64x64 diffusion pipeline with a tokenizer fitted to 3,000 product titles."""
    import torch

    from services.creative.training.corpus import load_titles
    from services.creative.training.tiny_pipeline import TinyConfig, create_tiny_model

    torch.set_num_threads(1)
    titles, lineage = load_titles(data_dir, limit=3000)
    model = create_tiny_model(titles, TinyConfig(sample_size=8, vocab_size=600), lineage=lineage)
    return str(model.tag)


def build_recommend_full_size(data_dir: Path, work_dir: Path) -> str:
    """LightFM on every customer of Online Retail II (the served catalogue size), one search trial,
    no text embeddings: the default model's serving cost without its hours of tuning."""
    from services.recommend.training.pipeline import run_training
    from services.recommend.training.trainer import TrainConfig

    cfg = TrainConfig(search_trials=1, bootstrap_resamples=200, use_embeddings=False, num_threads=1, clusters=8)
    return str(run_training(cfg, report_dir=work_dir / "reports" / "recommend").tag)


def build_vision_full_size(data_dir: Path, work_dir: Path) -> str:
    """The default CNN architecture (390,890 parameters) and full catalog, one short epoch: the default
    model's serving cost (which depends on the architecture, not on how well it is trained)."""
    from services.vision.training.pipeline import train_default_model
    from services.vision.training.trainer import TrainConfig

    train = TrainConfig(epochs=1, batch_size=128, train_limit=6000, val_size=500, threads=1)
    model, _ = train_default_model(data_dir, train, progress=False)
    return str(model.tag)
