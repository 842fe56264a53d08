"""Training data: Myntra catalogue rows as attribute → title pairs, and customer reviews (PII-scrubbed).

Splits are by a hash of the product id, so the same product is never in train and test.
Myntra's ``productDisplayName`` starts with the brand and then the gender word ("Turtle Check Men
Navy Blue Shirt"); the words before the gender word are taken as the brand. Titles without a
gender word give no reliable brand and are skipped, so the model never learns to invent one.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..attributes import ProductAttributes
from ..pii import scrub

STYLES_FILE = Path("myntra-fashion-product-styles") / "styles.csv"
REVIEWS_FILE = Path("womens-ecommerce-clothing-reviews") / "womens_clothing_ecommerce_reviews.csv"
_GENDER_WORDS = ("Men", "Women", "Boys", "Girls", "Unisex", "Men's", "Women's", "Boy's", "Girl's", "Kids")


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


def _value(text: str) -> str | None:
    text = text.strip()
    return None if text in {"", "NA"} else text


def split_brand(title: str) -> tuple[str | None, str]:
    """(brand, rest of the title starting at the gender word), or (None, title) without a gender word."""
    words = title.split()
    for i, word in enumerate(words):
        if word in _GENDER_WORDS:
            return (" ".join(words[:i]) or None), " ".join(words[i:])
    return None, title


def load_title_pairs(
    data_dir: Path, *, drop_brand_fraction: float = 0.25, seed: int = 0, limit: int | None = None
) -> list[TitlePair]:
    """Attribute → title pairs. A share of pairs has the brand removed from both sides, so that a
    request without a brand gets a title without one. ``limit`` reads only the first rows."""
    frame = pd.read_csv(data_dir / STYLES_FILE, keep_default_na=False, dtype=str, nrows=limit)
    rng = random.Random(seed)
    pairs: list[TitlePair] = []
    for row in frame.itertuples(index=False):
        title = " ".join(str(row.productDisplayName).split())
        brand, rest = split_brand(title)
        if brand is None or not rest or len(brand) > 60 or len(title) > 150:
            continue
        drop = rng.random() < drop_brand_fraction
        category = [c for c in (_value(row.masterCategory), _value(row.subCategory), _value(row.articleType)) if c]
        attrs = ProductAttributes(
            brand=None if drop else brand,
            category=[c[:40] for c in category],
            colour=_value(row.baseColour),
            gender=_value(row.gender),
            season=_value(row.season),
            usage=_value(row.usage),
        )
        pairs.append(TitlePair(str(row.id), attrs, rest if drop else title))
    return pairs


@dataclass(frozen=True)
class ReviewRecord:
    product_id: str
    title: str | None
    body: str
    rating: int | None


def load_reviews(data_dir: Path, limit: int | None = None) -> tuple[list[ReviewRecord], int]:
    """Reviews with a body, PII scrubbed from title and body; also how many PII spans were removed."""
    frame = pd.read_csv(data_dir / REVIEWS_FILE, index_col=0, nrows=limit)
    records: list[ReviewRecord] = []
    removed = 0
    for row in frame.itertuples(index=False):
        body = row[3]
        if not isinstance(body, str) or not body.strip():
            continue
        body, n_body = scrub(" ".join(body.split()))
        title = row[2] if isinstance(row[2], str) and row[2].strip() else None
        n_title = 0
        if title is not None:
            title, n_title = scrub(" ".join(title.split()))
        removed += n_body + n_title
        rating = int(row[4]) if pd.notna(row[4]) else None
        records.append(ReviewRecord(str(row[0]), title, body, rating))
    return records, removed
