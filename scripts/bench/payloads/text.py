"""Text payloads: product attributes from the catalog of the ingested Myntra styles data set for
descriptions and the compliance guard, and real customer reviews (the ingested Women's E-Commerce
Clothing Reviews) grouped by product for summaries. Both are shipped adapters, ingested on first use."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from services.data.contract import category_levels
from services.data.dataset import Dataset, ensure_adapter_dataset

from .context import PayloadContext

TONES = ("neutral", "friendly", "premium", "sporty")
MAX_REVIEWS = 12
CATALOG_DATASET = "myntra-fashion-product-styles"
REVIEW_DATASET = "womens-ecommerce-clothing-reviews"
ATTRIBUTE_LENGTHS = {"brand": 60, "colour": 40, "gender": 40, "season": 40, "usage": 30}  # ProductAttributes caps


@cache
def catalog(data_dir: Path) -> pd.DataFrame:
    """Catalog rows with a title and a category, from the data set the text generator trains on."""
    frame = Dataset.load(ensure_adapter_dataset(CATALOG_DATASET, data_dir)).catalog
    titled = frame["title"].fillna("").astype(str).str.strip() != ""
    categorised = frame["category"].map(lambda c: bool(category_levels(c)))
    return frame[titled & categorised].reset_index(drop=True)


@cache
def _reviews(data_dir: Path) -> pd.DataFrame:
    """Reviews with a text of at most 2,000 characters (PII scrubbed at ingestion), from the shipped
    reviews data set the summarizer trains on."""
    frame = Dataset.load(ensure_adapter_dataset(REVIEW_DATASET, data_dir)).reviews
    frame = frame[frame["text"].notna() & frame["rating"].notna()]
    return frame[frame["text"].str.len() <= 2000].reset_index(drop=True)


def attributes(row: pd.Series) -> dict[str, Any]:
    """A catalog row as the service's ``ProductAttributes`` (the attributes it has a value for)."""
    attrs: dict[str, Any] = {"category": [level[:40] for level in category_levels(row["category"])][:4]}
    for key, max_len in ATTRIBUTE_LENGTHS.items():
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            attrs[key] = value.strip()[:max_len]
    return attrs


def description_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/generate_description``: one catalogue product per request, a tone and a seed."""
    styles = catalog(ctx.data_dir)
    rng = ctx.rng(21)
    bodies = []
    for i in rng.integers(0, len(styles), size=n):
        item = {"attributes": attributes(styles.iloc[int(i)]), "tone": TONES[int(i) % len(TONES)], "seed": int(i)}
        bodies.append({"items": [item]})
    return bodies


def summary_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/summarize_reviews``: up to 12 reviews of one product (products with at least 5 reviews)."""
    reviews = _reviews(ctx.data_dir)
    groups = [g for _, g in reviews.groupby("item_id") if len(g) >= 5]
    rng = ctx.rng(22)
    bodies = []
    for i in rng.integers(0, len(groups), size=n):
        group = groups[int(i)].head(MAX_REVIEWS)
        items = [{"text": str(t), "rating": int(r)} for t, r in zip(group["text"], group["rating"], strict=True)]
        product = {"product_id": str(group["item_id"].iloc[0]), "reviews": items, "method": "extractive"}
        bodies.append({"products": [product]})
    return bodies


def compliance_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/check_compliance`` (not batched): a review text checked against the product's attributes."""
    reviews = _reviews(ctx.data_dir)
    styles = catalog(ctx.data_dir)
    rng = ctx.rng(23)
    bodies = []
    for i in rng.integers(0, len(reviews), size=n):
        row = styles.iloc[int(i) % len(styles)]
        bodies.append({"text": str(reviews["text"].iloc[int(i)]), "attributes": attributes(row)})
    return bodies
