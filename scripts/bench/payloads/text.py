"""Text payloads: product attributes from the Myntra catalogue (styles.csv) for descriptions and
the compliance guard, and real customer reviews grouped by product for summaries."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .context import PayloadContext

TONES = ("neutral", "friendly", "premium", "sporty")
MAX_REVIEWS = 12


@cache
def _styles(data_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(data_dir / "myntra-fashion-product-styles" / "styles.csv", keep_default_na=False, dtype=str)
    return frame[(frame["productDisplayName"] != "") & (frame["articleType"] != "")].reset_index(drop=True)


@cache
def _reviews(data_dir: Path) -> pd.DataFrame:
    frame = pd.read_csv(data_dir / "womens-ecommerce-clothing-reviews" / "womens_clothing_ecommerce_reviews.csv")
    frame = frame.dropna(subset=["Review Text"])
    return frame[frame["Review Text"].str.len() <= 2000].reset_index(drop=True)


def attributes(row: pd.Series) -> dict[str, Any]:
    """A catalogue row as the service's ``ProductAttributes`` (brand = first word of the title)."""
    attrs: dict[str, Any] = {
        "brand": row["productDisplayName"].split()[0][:40],
        "category": [v for v in (row["masterCategory"], row["subCategory"], row["articleType"]) if v][:4],
    }
    for key, column in (("colour", "baseColour"), ("gender", "gender"), ("season", "season"), ("usage", "usage")):
        if row[column] and row[column] != "NA":
            attrs[key] = row[column]
    return attrs


def description_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/generate_description``: one catalogue product per request, a tone and a seed."""
    styles = _styles(ctx.data_dir)
    rng = ctx.rng(21)
    bodies = []
    for i in rng.integers(0, len(styles), size=n):
        item = {"attributes": attributes(styles.iloc[int(i)]), "tone": TONES[int(i) % len(TONES)], "seed": int(i)}
        bodies.append({"items": [item]})
    return bodies


def summary_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/summarize_reviews``: up to 12 reviews of one product (products with at least 5 reviews)."""
    reviews = _reviews(ctx.data_dir)
    groups = [g for _, g in reviews.groupby("Clothing ID") if len(g) >= 5]
    rng = ctx.rng(22)
    bodies = []
    for i in rng.integers(0, len(groups), size=n):
        group = groups[int(i)].head(MAX_REVIEWS)
        items = [{"text": str(t), "rating": int(r)} for t, r in zip(group["Review Text"], group["Rating"], strict=True)]
        product = {"product_id": str(group["Clothing ID"].iloc[0]), "reviews": items, "method": "extractive"}
        bodies.append({"products": [product]})
    return bodies


def compliance_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/check_compliance`` (not batched): a review text checked against the product's attributes."""
    reviews = _reviews(ctx.data_dir)
    styles = _styles(ctx.data_dir)
    rng = ctx.rng(23)
    bodies = []
    for i in rng.integers(0, len(reviews), size=n):
        row = styles.iloc[int(i) % len(styles)]
        bodies.append({"text": str(reviews["Review Text"].iloc[int(i)]), "attributes": attributes(row)})
    return bodies
