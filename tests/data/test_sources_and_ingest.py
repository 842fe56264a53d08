"""Sources in Parquet and on S3 (a real moto server), and what ingestion writes."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest

from services.core.privacy import pseudonymize
from services.core.settings import get_settings
from services.data.dataset import Dataset, DatasetError
from services.data.ingest import ingest
from services.data.mapping import load_mapping
from services.data.validation import validate
from tests.data.shop import make_shop
from tests.support.s3_server import TEST_CREDENTIALS, S3Server


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop(tmp_path_factory.mktemp("shop") / "export", items_per_kind=5, customers=8).folder


def test_parquet_and_s3_sources_validate(
    pristine: Path, tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(pristine, folder)
    pd.read_csv(folder / "events.csv", dtype=str).to_parquet(folder / "events.parquet")
    bucket = f"data-{uuid.uuid4().hex[:8]}"
    s3_server.create_bucket(bucket)
    s3_server.client().upload_file(str(folder / "reviews.csv"), bucket, "exports/reviews.csv")
    for key, value in {**TEST_CREDENTIALS, **s3_server.env(bucket)}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    text = (folder / "mapping.yaml").read_text()
    text = text.replace("source: events.csv", "source: events.parquet")
    text = text.replace("source: reviews.csv", f"source: s3://{bucket}/exports/reviews.csv")
    (folder / "mapping.yaml").write_text(text)
    result = validate(load_mapping(folder / "mapping.yaml"))
    assert result.report.ok, result.report.table()
    assert result.files["reviews"] == f"s3://{bucket}/exports/reviews.csv"
    assert len(result.frames["reviews"]) == 60 and len(result.frames["interactions"]) > 0


def test_ingest_writes_pseudonymized_tables_reports_and_manifest(pristine: Path, tmp_path: Path) -> None:
    mapping = load_mapping(pristine / "mapping.yaml")
    out, cleaning, report = ingest(mapping, tmp_path / "dataset")
    assert report.ok and cleaning.rows_in == cleaning.rows_out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["pii_key_fingerprint"] == get_settings().hmac_key_fingerprint()
    assert manifest["sources"]["catalog"]["sha256"] and manifest["tables"]["catalog"] == 20
    users = pd.read_parquet(out / "users.parquet")
    assert set(users["user_id"]) == {pseudonymize(f"C{n:04d}", get_settings().hmac_key()) for n in range(8)}
    assert set(users.columns) == {"user_id", "country", "segment"}
    catalog = Dataset.load(out).catalog
    assert catalog["category"].str.startswith("Electronics > ").all() and Path(catalog["image_uri"][0]).is_file()
    inter = pd.read_parquet(out / "interactions.parquet")
    assert set(inter["weight"]) <= {0.25, 0.5, 0.75, 1.0}


def test_a_data_set_ingested_under_another_key_is_refused(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _, _ = ingest(load_mapping(pristine / "mapping.yaml"), tmp_path / "dataset")
    monkeypatch.setenv("ADSERVE_PII_HMAC_KEY", "another-key-for-this-test-0123456789abcdef")
    get_settings.cache_clear()
    with pytest.raises(DatasetError, match="pseudonymization key"):
        Dataset.load(out)


def test_vision_reads_catalog_images_or_an_image_folder(pristine: Path, tmp_path: Path) -> None:
    import random

    from services.vision.training.data import load_catalog_images
    from tests.data.shop import KINDS, draw

    out, _, _ = ingest(load_mapping(pristine / "mapping.yaml"), tmp_path / "dataset")
    from_catalog = load_catalog_images(out, test_fraction=0.3)
    assert from_catalog.labels == sorted(KINDS) and len(from_catalog.train) + len(from_catalog.test) == 20
    assert from_catalog.train.images.shape[1:] == (28, 28) and set(from_catalog.test_ids) <= set(
        Dataset.load(out).catalog["item_id"]
    )
    folder = tmp_path / "images"
    rng = random.Random(0)
    for split in ("train", "test"):
        for kind in KINDS:
            (folder / split / kind).mkdir(parents=True)
            for n in range(3):
                draw(kind, rng).save(folder / split / kind / f"{n}.jpg")
    from_folder = load_catalog_images(folder)
    assert from_folder.labels == sorted(KINDS) and len(from_folder.train) == len(from_folder.test) == 12


def test_event_types_weight_the_recommenders_interactions() -> None:
    from services.recommend.training.quality import decayed_weights
    from services.recommend.training.trainer import TrainConfig, prepare

    lines = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u1", "u2"],
            "item_id": ["a", "a", "b", "b"],
            "title": ["red mug", "red mug", "blue lamp", "blue lamp"],
            "price": [3.0, 3.0, 9.0, 9.0],
            "ts": pd.to_datetime(["2025-01-01"] * 4),
            "weight": [0.25, 1.0, 0.5, 0.75],
        }
    )
    prep = prepare(lines, TrainConfig(use_embeddings=False, min_df=1), None)
    shape = (len(prep.users), len(prep.items))
    # No time decay (half-life 0): the sample weight of a pair is its strongest event's weight.
    ones, weights = decayed_weights(lines, prep.user_index, prep.item_index, shape, lines["ts"].max(), 0.0)
    dense = weights.toarray()
    assert dense[prep.user_index["u1"], prep.item_index["a"]] == 1.0  # the strongest event of the pair
    assert dense[prep.user_index["u1"], prep.item_index["b"]] == 0.5
    assert ones.toarray().max() == 1.0 and ones.nnz == weights.nnz  # binary interactions, same entry order
    _, plain = decayed_weights(lines.assign(weight=1.0), prep.user_index, prep.item_index, shape, lines["ts"].max(), 0)
    assert set(plain.data) == {1.0}  # purchases only: plain binary interactions
