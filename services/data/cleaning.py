"""Cleaning rules applied to validated contract tables before anything is stored or trained.

Interaction rules, applied in order, each counting the rows it removes (names are stable: reports,
docs and the Spark job use them):

1. ``missing_customer`` rows without a user id (cannot be attributed to a user)
2. ``cancellation`` ``cancel`` events (cancelled or returned order lines)
3. ``non_positive_quantity`` quantity <= 0, when the table has quantities
4. ``non_product_code`` items that are not products: the id does not match the mapping's
   ``item_id_pattern`` or the title names one of its ``excluded_title_words`` (postage, fees, …)
5. ``non_positive_price`` unit price <= 0, when the lines carry prices
6. ``missing_description`` no title for the line nor for any other line or catalog row of its item
7. ``price_outlier`` unit price more than ``price_outlier_factor`` times away from the item's median
8. ``duplicate`` exact duplicate lines

Titles are normalised (trimmed, spaces collapsed, optionally upper case) to one canonical text per
item (the catalog's, else the most frequent on the lines) and missing ones filled from the same item.
Each interaction gets a ``weight``: its own when given, else the event type's weight.
A catalog or user table marked ``derive: interactions`` is built from the clean lines. Reviews
without text are dropped (``empty_review``) and PII is scrubbed from their text and title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from services.core.privacy import scrub

from .contract import DEFAULT_EVENT_WEIGHTS
from .mapping import CleaningOptions, Mapping

RULES = (
    "missing_customer",
    "cancellation",
    "non_positive_quantity",
    "non_product_code",
    "non_positive_price",
    "missing_description",
    "price_outlier",
    "duplicate",
)
DUPLICATE_KEY = ("order_id", "item_id", "quantity", "timestamp", "price", "user_id", "event")


@dataclass
class CleaningReport:
    rows_in: int
    removed: dict[str, int] = field(default_factory=dict)
    filled_descriptions: int = 0
    rows_out: int = 0
    users: int = 0
    items: int = 0
    catalog: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)

    def table(self) -> str:
        lines = [f"{'rule':<24}{'removed':>10}{'remaining':>12}"]
        remaining = self.rows_in
        lines.append(f"{'(raw rows)':<24}{'':>10}{remaining:>12,}")
        for rule, count in self.removed.items():
            remaining -= count
            lines.append(f"{rule:<24}{count:>10,}{remaining:>12,}")
        lines.append(f"descriptions filled from the same item: {self.filled_descriptions:,}")
        lines.append(f"rows out {self.rows_out:,}; users {self.users:,}; items {self.items:,}")
        if self.events:
            lines.append("events: " + ", ".join(f"{k} {v:,}" for k, v in self.events.items()))
        if self.catalog:
            lines.append("catalog: " + ", ".join(f"{k} {v:,}" for k, v in self.catalog.items()))
        if self.reviews:
            lines.append("reviews: " + ", ".join(f"{k} {v:,}" for k, v in self.reviews.items()))
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2))


def normalise_title(text: object, upper: bool = False) -> str | None:
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", " ", text).strip()
    if upper:
        cleaned = cleaned.upper()
    return cleaned or None


def _drop(frame: pd.DataFrame, mask: pd.Series, rule: str, report: CleaningReport) -> pd.DataFrame:
    report.removed[rule] = int(mask.sum())
    return frame.loc[~mask]


def _excluded(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I)


def _normalise_ids(ids: pd.Series, options: CleaningOptions) -> pd.Series:
    ids = ids.astype("str").str.strip()
    return ids.str.upper() if options.upper_case_ids else ids


def clean_interactions(
    raw: pd.DataFrame, options: CleaningOptions, catalog: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, CleaningReport]:
    """Apply every rule; the clean lines keep the contract columns plus ``title`` and ``weight``."""
    report = CleaningReport(rows_in=len(raw))
    frame = raw.copy()
    frame["item_id"] = _normalise_ids(frame["item_id"], options)
    has_qty, has_price = "quantity" in frame.columns, "price" in frame.columns
    if "title" not in frame.columns:
        frame["title"] = None

    frame = _drop(frame, frame["user_id"].isna(), "missing_customer", report)
    frame = _drop(frame, frame["event"] == "cancel", "cancellation", report)
    frame = _drop(frame, frame["quantity"] <= 0 if has_qty else _none(frame), "non_positive_quantity", report)
    not_product = _none(frame)
    if options.item_id_pattern:
        not_product |= ~frame["item_id"].str.match(options.item_id_pattern)
    pattern = _excluded(options.excluded_title_words)
    if pattern is not None:
        not_product |= frame["title"].fillna("").astype("str").str.contains(pattern)
    frame = _drop(frame, not_product, "non_product_code", report)
    frame = _drop(frame, frame["price"] <= 0 if has_price else _none(frame), "non_positive_price", report)

    frame = frame.assign(title=frame["title"].map(lambda t: normalise_title(t, options.upper_case_titles)))
    canonical = (
        frame.dropna(subset=["title"]).groupby("item_id")["title"].agg(lambda s: s.value_counts().index[0])
        if frame["title"].notna().any()
        else pd.Series(dtype="str")
    )
    if catalog is not None:
        canonical = pd.concat([canonical, catalog.set_index("item_id")["title"]])
        canonical = canonical[~canonical.index.duplicated(keep="last")]
    missing = frame["title"].isna()
    if raw.get("title") is not None:
        report.filled_descriptions = int((missing & frame["item_id"].isin(canonical.index)).sum())
    frame = frame.assign(title=frame["item_id"].map(canonical))
    frame = _drop(frame, frame["title"].isna(), "missing_description", report)

    outlier = _none(frame)
    if has_price:
        median = frame.groupby("item_id")["price"].transform("median")
        ratio = frame["price"] / median
        outlier = (ratio > options.price_outlier_factor) | (ratio < 1.0 / options.price_outlier_factor)
    frame = _drop(frame, outlier, "price_outlier", report)

    key = [c for c in DUPLICATE_KEY if c in frame.columns]
    frame = _drop(frame, frame.duplicated(subset=key, keep="first"), "duplicate", report)

    weights = {**DEFAULT_EVENT_WEIGHTS, **options.event_weights}
    event_weight = frame["event"].map(weights).astype("float64")
    if "weight" in frame.columns:
        event_weight = frame["weight"].astype("float64").fillna(event_weight)
    frame = frame.assign(weight=event_weight.to_numpy())
    clean = frame.reset_index(drop=True)
    report.rows_out = len(clean)
    report.users = int(clean["user_id"].nunique())
    report.items = int(clean["item_id"].nunique())
    report.events = {str(k): int(v) for k, v in clean["event"].value_counts().items()}
    return clean, report


def _none(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(False, index=frame.index)


def clean_catalog(catalog: pd.DataFrame, options: CleaningOptions, report: CleaningReport) -> pd.DataFrame:
    """A supplied catalog: normalised ids and titles, non-products removed."""
    frame = catalog.copy()
    frame["item_id"] = _normalise_ids(frame["item_id"], options)
    frame["title"] = frame["title"].map(lambda t: normalise_title(t, options.upper_case_titles))
    keep = frame["title"].notna()
    if options.item_id_pattern:
        keep &= frame["item_id"].str.match(options.item_id_pattern)
    pattern = _excluded(options.excluded_title_words)
    if pattern is not None:
        keep &= ~frame["title"].fillna("").str.contains(pattern)
    report.catalog = {"rows_in": len(frame), "removed": int((~keep).sum()), "rows_out": int(keep.sum())}
    return frame[keep].reset_index(drop=True)


def derive_catalog(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per item from the clean lines: canonical title and median unit price."""
    aggregations: dict[str, tuple[str, str]] = {"title": ("title", "first")}
    if "price" in clean.columns:
        aggregations["price"] = ("price", "median")
    return clean.groupby("item_id").agg(**aggregations).reset_index()


def derive_users(clean: pd.DataFrame, attributes: Sequence[str]) -> pd.DataFrame:
    """One row per user with the most frequent value of each attribute carried on the lines."""
    users = pd.DataFrame({"user_id": np.sort(clean["user_id"].unique())})
    for attr in attributes:
        values = clean[attr].fillna("Unspecified").astype("str")
        most = values.groupby(clean["user_id"]).agg(lambda s: s.value_counts().index[0])
        users[attr] = users["user_id"].map(most).to_numpy()
    return users


def clean_reviews(reviews: pd.DataFrame, report: CleaningReport) -> pd.DataFrame:
    """Reviews with text, whitespace collapsed and PII scrubbed from text and title."""
    frame = reviews.copy()
    has_text = frame["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    frame = frame[has_text].copy()
    spans = 0

    def scrubbed(value: object) -> str | None:
        nonlocal spans
        if not isinstance(value, str) or not value.strip():
            return None
        text, n = scrub(" ".join(value.split()))
        spans += n
        return text

    frame["text"] = frame["text"].map(scrubbed)
    if "title" in frame.columns:
        frame["title"] = frame["title"].map(scrubbed)
    report.reviews = {"rows_in": len(reviews), "empty_review": int((~has_text).sum()), "pii_spans_scrubbed": spans}
    report.reviews["rows_out"] = len(frame)
    return frame.reset_index(drop=True)


def clean_all(frames: dict[str, pd.DataFrame], mapping: Mapping) -> tuple[dict[str, pd.DataFrame], CleaningReport]:
    """Every mapped table cleaned (and derived tables built); the users' raw ids are still in place."""
    options = mapping.cleaning
    out: dict[str, pd.DataFrame] = {}
    report = CleaningReport(rows_in=0)
    catalog = None
    catalog_spec = mapping.tables.get("catalog")
    if "catalog" in frames:
        catalog = clean_catalog(frames["catalog"], options, report)
    if "interactions" in frames:
        clean, inter_report = clean_interactions(frames["interactions"], options, catalog)
        inter_report.catalog = report.catalog
        report = inter_report
        if catalog is not None:
            known = clean["item_id"].isin(set(catalog["item_id"]))
            report.removed["non_product_code"] += int((~known).sum())
            clean = clean[known].reset_index(drop=True)
            report.rows_out = len(clean)
        out["interactions"] = clean
        if catalog_spec is not None and catalog_spec.derive:
            catalog = derive_catalog(clean)
        users_spec = mapping.tables.get("users")
        if users_spec is not None and users_spec.derive:
            out["users"] = derive_users(clean, list(users_spec.attributes))
    if catalog is not None:
        out["catalog"] = catalog
    if "users" in frames:
        out["users"] = frames["users"].reset_index(drop=True)
    if "reviews" in frames:
        out["reviews"] = clean_reviews(frames["reviews"], report)
    return out, report
