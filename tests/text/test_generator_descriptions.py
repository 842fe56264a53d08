"""A catalog with descriptions teaches the generator to write them: training declares it, serving uses it.

A small electronics catalog with its own column names and a description per product is written,
ingested through a mapping file and a small GPT-2 trained on it; the model's metadata and tokenizer
carry the description separator, and the runtime writes the description with the model, kept only
when the guard finds nothing in it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import bentoml
import pytest

from services.data.ingest import ingest
from services.data.mapping import load_mapping
from services.text.generator import GeneratorRuntime, load_generator
from services.text.schemas import DescriptionRequest
from services.text.training.data import title_pairs
from services.text.training.generator import train_generator
from services.text.training.quick_configs import TINY_GENERATOR

pytestmark = pytest.mark.slow

# Large enough to learn the shop's one-sentence descriptions in about half a minute on one core.
DESCRIBING = replace(
    TINY_GENERATOR,
    n_layer=2,
    n_embd=64,
    n_positions=128,
    steps=400,
    learning_rate=4e-3,
    model_name="text-generator-described",
)


MAPPING = """\
name: described-electronics
description: an electronics catalog with product descriptions (test data)
tables:
  catalog:
    source: products.csv
    columns: {item_id: sku, title: name, description: blurb}
    category_columns: [dept, aisle, kind]
    attributes: {brand: maker, colour: finish}
"""
KINDS = {"Headphones": "Audio", "Speakers": "Audio", "Laptops": "Computers", "Phones": "Mobile"}
MAKERS = ("Voltra", "Kessel", "Orbix", "Lumen")
FINISHES = ("Black", "Silver", "White", "Blue")
CLOSINGS = ("Ships in a recycled box.", "Comes with a soft pouch.", "Charges over USB-C.")


@pytest.fixture(scope="module")
def shop_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("described")
    rows = ["sku,name,blurb,dept,aisle,kind,maker,finish"]
    for k, (kind, aisle) in enumerate(KINDS.items()):
        for m, maker in enumerate(MAKERS):
            for f, finish in enumerate(FINISHES):
                blurb = f"{finish} {kind.lower()} from {maker}. {CLOSINGS[(k + m + f) % 3]}"
                rows.append(
                    f"{kind[:3].upper()}-{m}{f},{maker} {finish} {kind},{blurb},Electronics,{aisle},{kind},{maker},{finish}"
                )
    (root / "products.csv").write_text("\n".join(rows) + "\n")
    (root / "mapping.yaml").write_text(MAPPING)
    out = root / "dataset"
    ingest(load_mapping(root / "mapping.yaml"), out, data_dir=root, mapping_file=root / "mapping.yaml")
    return out


@pytest.fixture(scope="module")
def described_model(shop_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> bentoml.Model:
    return train_generator(DESCRIBING, reports=tmp_path_factory.mktemp("reports"), data=shop_dataset)


def test_pairs_carry_the_catalog_description(shop_dataset: Path) -> None:
    from services.data.dataset import Dataset

    pairs = title_pairs(Dataset.load(shop_dataset).catalog)
    described = [p for p in pairs if p.description]
    assert len(described) > len(pairs) / 2 and all(" from " in p.description for p in described)  # type: ignore[operator]
    # a pair whose brand was taken off the title keeps no description that names the brand
    assert all(p.attributes.brand is None for p in pairs if not p.description)


def test_the_model_declares_and_writes_descriptions(described_model: bentoml.Model) -> None:
    meta = described_model.info.metadata
    assert meta["writes"] == ["title", "description"] and meta["description_separator"] == "<|description|>"
    assert meta["data"]["pairs_with_description"] > 0
    runtime = load_generator(described_model)
    assert isinstance(runtime, GeneratorRuntime) and runtime.writes_descriptions
    items = [
        DescriptionRequest.model_validate(
            {
                "attributes": {"brand": maker, "category": ["Electronics", "Audio", "Headphones"], "colour": colour},
                "seed": seed,
                "temperature": 0.3,
            }
        )
        for seed, (maker, colour) in enumerate([("Kessel", "Silver"), ("Voltra", "Black"), ("Orbix", "Blue")])
    ]
    results = runtime.generate_batch(items)
    for result in results:
        assert result.description_source in ("model", "template")
        if result.description_source == "model":
            assert result.description and not result.violations and result.copy_source == "model"
        elif result.copy_source == "model":
            assert any(n.startswith("model description not kept") for n in result.notes), result.notes
    written = [r for r in results if r.description_source == "model"]
    assert written, "\n".join(f"{r.title} | {r.description} | {r.notes}" for r in results)
    assert all("headphones" in r.description.lower() for r in written), [r.description for r in written]


def test_a_title_only_model_keeps_rule_based_descriptions(generator_model: bentoml.Model) -> None:
    runtime = load_generator(generator_model)
    assert not runtime.writes_descriptions
    [result] = runtime.generate_batch(
        [DescriptionRequest.model_validate({"attributes": {"title": "Kessel Silver Headphones"}, "seed": 1})]
    )
    assert result.description_source in ("template", "none")
