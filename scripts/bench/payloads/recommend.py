"""Recommend payloads: users, items and countries of the served model's own catalog.

The served model knows which (pseudonymous) users and which products exist, so ids come from its
``recommender.json``. Without a local copy of the model (load tests against a deployed URL), the
raw user ids, items and countries are read through the data contract from the model's data set
(``ADSERVE_BENCH_DATASET``, default the shipped ``online-retail-ii`` adapter), validated and
cleaned but not pseudonymized: the server pseudonymizes them with its own key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .context import PayloadContext

SETTING = "recommend_model"
META_FILE = "recommender.json"


@dataclass(frozen=True)
class RecommendCatalog:
    users: list[str]
    user_field: str  # "user_id" (pseudonymous, from the model) or "customer_id" (raw, from the data)
    items: list[str]
    countries: list[str]


@cache
def _catalog_from_data(data_dir: Path, dataset: str) -> RecommendCatalog:
    from services.data.adapters import adapter_path
    from services.data.cleaning import clean_all
    from services.data.mapping import load_mapping
    from services.data.validation import validate

    mapping = load_mapping(adapter_path(dataset))
    validated = validate(mapping, data_dir=data_dir)
    frames, _ = clean_all(validated.frames, mapping)
    interactions = frames["interactions"]
    customers = sorted(interactions["user_id"].astype(str).unique().tolist())
    items = interactions["item_id"].astype(str).value_counts().index.tolist()
    users = frames.get("users")
    countries = (
        sorted(users["country"].dropna().astype(str).unique().tolist())
        if users is not None and "country" in users.columns
        else []
    )
    return RecommendCatalog(customers, "customer_id", items, countries or ["United Kingdom"])


def catalog(ctx: PayloadContext) -> RecommendCatalog:
    meta = ctx.model_json(SETTING, META_FILE)
    if meta is None:
        return _catalog_from_data(ctx.data_dir, os.environ.get("ADSERVE_BENCH_DATASET", "online-retail-ii"))
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
