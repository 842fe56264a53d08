"""Online updates keep every user attribute a model was trained with, not only the country.

A small catalog with two user attributes (region as country, tier as segment) is ingested and a
tiny hybrid model trained in-process; the online model rebuilt from it reproduces the served user
vectors exactly, so an update moves users only by what it learns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.data.ingest import ingest
from services.data.mapping import load_mapping
from services.recommend.training.data import load_training_data
from services.recommend.training.online_model import OnlineModel
from services.recommend.training.trainer import TrainConfig, train_pipeline
from tests.data.shop import make_shop

pytestmark = pytest.mark.slow


def test_rebuilt_user_features_keep_every_trained_attribute(tmp_path: Path) -> None:
    shop = make_shop(tmp_path / "export")
    dataset = tmp_path / "dataset"
    ingest(load_mapping(shop.mapping), dataset, data_dir=shop.folder, mapping_file=shop.mapping)
    training = load_training_data(dataset)
    cfg = TrainConfig(
        search_trials=1, bootstrap_resamples=50, use_embeddings=False, num_threads=1, clusters=4, min_df=2
    )
    result = train_pipeline(training.lines, cfg, None, training.catalog, training.users)
    served = result.recommender
    assert served.user_attr_rows is not None
    assert all(len(row) == 2 and any(v.startswith("segment:") for v in row) for row in served.user_attr_rows)

    online = OnlineModel.build(served, result.model)
    same = online.extend([], []).to_recommender(served.purchased, {})
    assert np.allclose(same.user_vecs, served.user_vecs, atol=1e-5)
    assert np.allclose(same.item_vecs, served.item_vecs, atol=1e-5)
    assert same.user_attr_rows == served.user_attr_rows
