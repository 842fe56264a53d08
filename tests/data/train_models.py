"""Train tiny recommend, text and vision models from one ingested data set, in this process's store.

Run by the other-domain test as ``python -m tests.data.train_models DATASET REPORTS`` with a
private ``BENTOML_HOME``, so the session's model store keeps its own ``latest`` versions.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(dataset: Path, reports: Path) -> None:
    from services.recommend.training.pipeline import run_training
    from services.recommend.training.trainer import TrainConfig
    from services.text.training.abstractive import train_summarizer
    from services.text.training.generator import train_generator
    from services.text.training.quick_configs import TINY_GENERATOR, TINY_SUMMARIZER
    from services.vision.net import CNNConfig
    from services.vision.training.pipeline import train_catalog_model
    from services.vision.training.trainer import TrainConfig as VisionConfig

    cfg = TrainConfig(
        search_trials=1, bootstrap_resamples=100, use_embeddings=False, num_threads=1, clusters=4, min_df=2
    )
    print("recommend", run_training(cfg, report_dir=reports / "recommend", data=dataset).tag, flush=True)
    print("generator", train_generator(TINY_GENERATOR, reports=reports / "text", data=dataset).tag, flush=True)
    print("summarizer", train_summarizer(TINY_SUMMARIZER, reports=reports / "text", data=dataset).tag, flush=True)
    cnn = CNNConfig(channels=(8, 16), hidden=32, head_pool=2, labels=["x", "y"])
    vision = VisionConfig(epochs=3, batch_size=16, max_lr=5e-3, val_size=8, threads=1)
    model, _ = train_catalog_model(dataset, vision, cnn, progress=False)
    print("vision", model.tag, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
