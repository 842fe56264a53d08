"""Recommend payloads: users, items and countries of the served model's own catalog (Online Retail II).

The served model knows which (pseudonymous) users and which products exist, so ids come from its
``recommender.json``. Without a local copy of the model (load tests against a deployed URL), raw
customer numbers and stock codes are drawn from the transactions instead; the server
pseudonymizes customer numbers with its own key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .context import PayloadContext

SETTING = "recommend_model"
META_FILE = "recommender.json"
PRODUCT_CODE = r"^\d{5}[A-Za-z]{0,2}$"


@dataclass(frozen=True)
class RecommendCatalog:
    users: list[str]
    user_field: str  # "user_id" (pseudonymous, from the model) or "customer_id" (raw, from the data)
    items: list[str]
    countries: list[str]


@cache
def _catalog_from_data(data_dir: Path) -> RecommendCatalog:
    frame = pd.read_parquet(
        data_dir / "online-retail-ii" / "online_retail_ii_2009_2010.parquet",
        columns=["Invoice", "StockCode", "Quantity", "Customer ID", "Country"],
    )
    frame = frame[
        frame["Customer ID"].notna()
        & (frame["Quantity"] > 0)
        & ~frame["Invoice"].astype(str).str.startswith("C")
        & frame["StockCode"].astype(str).str.match(PRODUCT_CODE)
    ]
    customers = sorted({str(int(c)) for c in frame["Customer ID"]})
    items = frame["StockCode"].astype(str).value_counts().index.tolist()
    countries = sorted(frame["Country"].dropna().astype(str).unique().tolist())
    return RecommendCatalog(customers, "customer_id", items, countries)


def catalog(ctx: PayloadContext) -> RecommendCatalog:
    meta = ctx.model_json(SETTING, META_FILE)
    if meta is None:
        return _catalog_from_data(ctx.data_dir)
    countries = [c for c in meta.get("countries", []) if c] or ["United Kingdom"]
    return RecommendCatalog(list(meta["user_ids"]), "user_id", list(meta["item_ids"]), countries)


def _pick(rng: np.random.Generator, values: list[str], n: int) -> list[str]:
    return [values[i] for i in rng.integers(0, len(values), size=n)]


def recommend_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/recommend``: one known user per request, top 10, purchased items excluded."""
    cat = catalog(ctx)
    return [{"requests": [{cat.user_field: user, "k": 10}]} for user in _pick(ctx.rng(1), cat.users, n)]


def similar_items_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/similar_items``: one catalog product per request, 10 neighbours."""
    cat = catalog(ctx)
    return [{"requests": [{"item_id": item, "k": 10}]} for item in _pick(ctx.rng(2), cat.items, n)]


def profile_bodies(ctx: PayloadContext, n: int) -> list[dict[str, Any]]:
    """``/recommend_for_profile``: a country and 0-5 recently viewed products of the catalog."""
    cat = catalog(ctx)
    rng = ctx.rng(3)
    bodies = []
    for _ in range(n):
        recent = _pick(rng, cat.items, int(rng.integers(0, 6)))
        country = cat.countries[int(rng.integers(0, len(cat.countries)))]
        bodies.append({"requests": [{"country": country, "recent_item_ids": sorted(set(recent)), "k": 10}]})
    return bodies
