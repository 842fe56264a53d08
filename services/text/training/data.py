"""Training data from an ingested data set: catalog rows as attribute → title pairs, and reviews.

Splits are by a hash of the product id, so the same product is never in train and test.
Where the catalog has a ``description`` column, a pair also carries the row's description
(whitespace folded, at most ``MAX_DESCRIPTION_CHARS``), and the generator learns to write it after
the title; a pair whose brand was removed from the title keeps no description naming the brand.
Pairs take the catalog's ``brand``, ``gender``, ``category`` levels, ``colour``, ``season`` and
``usage`` (values the attribute model refuses are left out). When the catalog has a ``brand``
column, rows without a brand are skipped (a title with an unknown brand would teach the model to
invent one), and when the title starts with the brand a share of the pairs has it removed from
both sides, so that a request without a brand gets a title without one. Reviews come PII-scrubbed
from ingestion. Without ``--data``, the shipped adapters are used (Myntra styles for titles,
Women's E-Commerce Clothing Reviews for reviews).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from services.data.contract import category_levels
from services.data.dataset import Dataset, ensure_adapter_dataset

from ..attributes import ProductAttributes

TITLE_DATASET = "myntra-fashion-product-styles"
REVIEW_DATASET = "womens-ecommerce-clothing-reviews"
_FIELDS = ("colour", "gender", "season", "usage")
MAX_DESCRIPTION_CHARS = 400


def in_test_split(key: object, test_fraction: float) -> bool:
    digest = hashlib.sha256(str(key).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < test_fraction


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class TitlePair:
    product_id: str
    attributes: ProductAttributes
    title: str
    description: str | None = None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _attributes(brand: str | None, category: list[str], row: dict[str, object]) -> ProductAttributes | None:
    fields = {f: _text(row.get(f)) for f in _FIELDS}
    try:
        return ProductAttributes(brand=brand, category=[c[:40] for c in category[:4]], **fields)
    except ValidationError:
        pass
    for name in _FIELDS:  # drop the values the attribute model refuses, one at a time
        try:
            ProductAttributes(title="x", **{name: fields[name]})
        except ValidationError:
            fields[name] = None
    try:
        return ProductAttributes(brand=brand, category=[c[:40] for c in category[:4]], **fields)
    except ValidationError:
        return None


def title_pairs(
    catalog: pd.DataFrame, *, drop_brand_fraction: float = 0.25, seed: int = 0, limit: int | None = None
) -> list[TitlePair]:
    """Attribute → title pairs from catalog rows (``limit``: the first rows only)."""
    frame = catalog.head(limit) if limit is not None else catalog
    has_brand = "brand" in frame.columns
    rng = random.Random(seed)
    pairs: list[TitlePair] = []
    for row in frame.to_dict("records"):
        title = " ".join(str(row["title"]).split())
        brand = _text(row.get("brand")) if has_brand else None
        if (has_brand and brand is None) or len(title) > 150 or (brand is not None and len(brand) > 60):
            continue
        rest = title[len(brand) :].strip() if brand and title.startswith(brand + " ") else None
        if brand is not None and rest is not None and not rest:
            continue
        drop = rest is not None and rng.random() < drop_brand_fraction
        attrs = _attributes(None if drop else brand, category_levels(row.get("category")), row)
        if attrs is None:
            continue
        description = _description(row.get("description"))
        if drop and brand and description and brand.lower() in description.lower():
            description = None  # the request has no brand: the copy must not name one
        pairs.append(TitlePair(str(row["item_id"]), attrs, rest if drop and rest else title, description))
    return pairs


def _description(value: object) -> str | None:
    """A catalog description as one line, cut at a word boundary within ``MAX_DESCRIPTION_CHARS``."""
    text = _text(value)
    if text is None or "<|" in text or "|>" in text:
        return None
    text = " ".join(text.split())
    if len(text) > MAX_DESCRIPTION_CHARS:
        text = text[:MAX_DESCRIPTION_CHARS].rsplit(" ", 1)[0]
    return text or None


def title_dataset(data: Path | None = None) -> Dataset:
    return Dataset.load(data or ensure_adapter_dataset(TITLE_DATASET))


def load_title_pairs(
    data: Path | None = None, *, drop_brand_fraction: float = 0.25, seed: int = 0, limit: int | None = None
) -> list[TitlePair]:
    """Title pairs of the data set ``data`` (default: the shipped Myntra styles adapter)."""
    catalog = title_dataset(data).catalog
    return title_pairs(catalog, drop_brand_fraction=drop_brand_fraction, seed=seed, limit=limit)


@dataclass(frozen=True)
class ReviewRecord:
    product_id: str
    title: str | None
    body: str
    rating: int | None


def review_dataset(data: Path | None = None) -> Dataset:
    return Dataset.load(data or ensure_adapter_dataset(REVIEW_DATASET))


def review_records(reviews: pd.DataFrame, limit: int | None = None) -> list[ReviewRecord]:
    frame = reviews.head(limit) if limit is not None else reviews
    has_title, has_rating = "title" in frame.columns, "rating" in frame.columns
    records = []
    for row in frame.to_dict("records"):
        body = _text(row["text"])
        if body is None:
            continue
        rating = row.get("rating") if has_rating else None
        records.append(
            ReviewRecord(
                str(row["item_id"]),
                _text(row.get("title")) if has_title else None,
                body,
                int(rating) if rating is not None and rating == rating else None,
            )
        )
    return records


def load_reviews(data: Path | None = None, limit: int | None = None) -> tuple[list[ReviewRecord], int]:
    """Reviews with a body (PII scrubbed at ingestion) and how many PII spans ingestion removed."""
    dataset = review_dataset(data)
    removed = int(dataset.manifest.get("cleaning", {}).get("reviews", {}).get("pii_spans_scrubbed", 0))
    return review_records(dataset.reviews, limit), removed
