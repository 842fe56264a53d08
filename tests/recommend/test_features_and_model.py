"""Item attributes from product text, feature matrices, and the serving recommender."""

from __future__ import annotations

from pathlib import Path

import bentoml
import numpy as np

from services.core.embeddings import embed_texts
from services.recommend.artifacts import load_lightfm, load_recommender
from services.recommend.features import FeatureSpace, description_tokens, learn_item_attributes


def test_description_tokens_drop_stop_words_and_numbers() -> None:
    assert description_tokens("SET OF 3 RED HEART T-LIGHT HOLDERS") == ["red", "heart", "light", "holders"]


def test_item_attributes_use_keywords_price_bands_and_embedding_clusters() -> None:
    titles = [f"RED HEART MUG {i}" for i in range(10)] + [f"BLUE STAR CANDLE {i}" for i in range(10)]
    prices = list(np.linspace(0.5, 20, 20))
    emb = embed_texts([t.lower() for t in titles])
    assert emb.shape == (20, 384) and np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-4)
    attrs = learn_item_attributes(titles, prices, emb, min_df=3, clusters=2)
    assert {"tok:red", "tok:heart", "tok:blue"} <= set(attrs.feature_names)
    cheap = attrs.describe(titles[0], prices[0], emb[0])
    pricey = attrs.describe(titles[-1], prices[-1], emb[-1])
    assert "price:0" in cheap and "price:0" not in pricey
    clusters = {f for f in cheap if f.startswith("cluster:")} ^ {f for f in pricey if f.startswith("cluster:")}
    assert clusters, "mugs and candles should fall in different embedding clusters"


def test_feature_space_rows_are_normalised_and_cold_rows_have_no_identity() -> None:
    space = FeatureSpace(("a", "b"), ("tok:x", "tok:y"))
    mat = space.matrix([space.row("a", ["tok:x"]), space.row(None, ["tok:x", "tok:y", "tok:unknown"])])
    assert np.allclose(np.asarray(mat.sum(axis=1)).ravel(), 1.0)
    assert mat[1, 0] == 0 and mat[1, 1] == 0 and mat[0, 0] == 0.5


def test_saved_model_round_trip_and_serving_scores(recommend_model: bentoml.Model) -> None:
    rec = load_recommender(recommend_model)
    lfm = load_lightfm(Path(recommend_model.path))
    assert lfm.item_embeddings.shape[1] == rec.item_vecs.shape[1]
    user = rec.user_ids[0]
    [top] = rec.recommend([user], [10], [True])
    assert len(top) == 10
    purchased = {rec.item_ids[i] for i in rec.purchased[0]}
    assert not purchased & {r.item_id for r in top}
    brute = rec.user_vecs[0] @ rec.item_vecs.T + rec.item_bias
    brute[rec.purchased[0]] = -np.inf
    assert [r.item_id for r in top] == [rec.item_ids[i] for i in np.argsort(-brute, kind="stable")[:10]]
    [with_purchased] = rec.recommend([user], [5], [False])
    assert len(with_purchased) == 5


def test_cold_item_fold_in_from_features(recommend_model: bentoml.Model) -> None:
    rec = load_recommender(recommend_model)
    vec, bias = rec.item_vector_from_features("RED HEART MUG", 2.5, None)
    grown = rec.with_items([("NEW001", "RED HEART MUG", 2.5, vec, bias)])
    assert grown.n_items == rec.n_items + 1 and "NEW001" in grown.item_index
    assert rec.n_items == len(rec.item_ids)  # the served model is untouched


def test_profile_recommendations_exclude_recent_items(recommend_model: bentoml.Model) -> None:
    rec = load_recommender(recommend_model)
    recent = rec.item_ids[:3]
    [items] = rec.recommend_for_profiles([("France", recent)], [10])
    assert len(items) == 10 and not set(recent) & {r.item_id for r in items}


def test_report_written_with_plots(recommend_model: bentoml.Model, session_dir: Path) -> None:
    folder = session_dir / "reports" / "recommend"
    assert (folder / "report.json").exists() and (folder / "metrics_per_epoch.png").exists()
    assert (folder / "model_comparison.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    lineage = recommend_model.info.metadata["lineage"]
    assert lineage["dataset"] == "online-retail-ii" and lineage["attribution"].startswith("Online Retail II")


def test_model_metadata_accepts_full_data_lineage() -> None:
    import numpy as np

    from services.core.metadata import metadata_safe

    cleaned = metadata_safe({"lineage": {"users_sampled": None, "rows": np.int64(3)}, "p": [np.float32(0.5), None]})
    assert cleaned == {"lineage": {"rows": 3}, "p": [0.5]}
    with bentoml.models.create("metadata-check", metadata=cleaned) as model:
        pass
    assert bentoml.models.get(model.tag).info.metadata["lineage"] == {"rows": 3}
