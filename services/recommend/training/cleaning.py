"""Cleaning and privacy protection of raw transactions before anything is stored or trained.

Rules, applied in order, each counting the rows it removes:

1. ``missing_customer`` rows without a customer id (cannot be attributed to a user)
2. ``cancellation`` invoices starting with ``C``
3. ``non_positive_quantity`` quantity <= 0 (returns, adjustments)
4. ``non_product_code`` stock codes that are not products (postage, fees, tests, vouchers)
5. ``non_positive_price`` price <= 0 (free samples, bookkeeping lines)
6. ``missing_description`` no description for the row nor for any other row of its stock code
7. ``price_outlier`` unit price more than ``outlier_factor`` times away from the item's median
8. ``duplicate`` exact duplicate invoice lines

Descriptions are normalised (trimmed, spaces collapsed, upper case, one canonical text per stock
code), missing ones filled from the same stock code, and customer ids replaced by keyed-HMAC
pseudonyms; the raw id column is dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from services.core.privacy import pseudonymize

PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]{0,2}$")
EXCLUDED_WORDS = re.compile(r"\b(?:POSTAGE|CARRIAGE|MANUAL|DISCOUNT|SAMPLES?|ADJUST|FEE|TEST|VOUCHER)\b", re.I)


@dataclass
class CleaningReport:
    rows_in: int
    removed: dict[str, int] = field(default_factory=dict)
    filled_descriptions: int = 0
    rows_out: int = 0
    users: int = 0
    items: int = 0

    def table(self) -> str:
        lines = [f"{'rule':<24}{'removed':>10}{'remaining':>12}"]
        remaining = self.rows_in
        lines.append(f"{'(raw rows)':<24}{'':>10}{remaining:>12,}")
        for rule, count in self.removed.items():
            remaining -= count
            lines.append(f"{rule:<24}{count:>10,}{remaining:>12,}")
        lines.append(f"descriptions filled from the same stock code: {self.filled_descriptions:,}")
        lines.append(f"rows out {self.rows_out:,}; users {self.users:,}; items {self.items:,}")
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2))


def normalise_description(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", " ", text).strip().upper()
    return cleaned or None


def _drop(frame: pd.DataFrame, mask: pd.Series, rule: str, report: CleaningReport) -> pd.DataFrame:
    report.removed[rule] = int(mask.sum())
    return frame.loc[~mask]


def clean_transactions(
    raw: pd.DataFrame, hmac_key: bytes, outlier_factor: float = 10.0
) -> tuple[pd.DataFrame, CleaningReport]:
    """Apply every rule; returns the clean frame (user_id, item_id, title, quantity, price, ts, country)."""
    report = CleaningReport(rows_in=len(raw))
    frame = raw.copy()
    frame["Invoice"] = frame["Invoice"].astype(str)
    frame["StockCode"] = frame["StockCode"].astype(str).str.strip().str.upper()

    frame = _drop(frame, frame["Customer ID"].isna(), "missing_customer", report)
    frame = _drop(frame, frame["Invoice"].str.startswith("C"), "cancellation", report)
    frame = _drop(frame, frame["Quantity"] <= 0, "non_positive_quantity", report)
    not_product = ~frame["StockCode"].str.match(PRODUCT_CODE) | frame["Description"].fillna("").str.contains(
        EXCLUDED_WORDS
    )
    frame = _drop(frame, not_product, "non_product_code", report)
    frame = _drop(frame, frame["Price"] <= 0, "non_positive_price", report)

    frame = frame.assign(Description=frame["Description"].map(normalise_description))
    canonical = (
        frame.dropna(subset=["Description"])
        .groupby("StockCode")["Description"]
        .agg(lambda s: s.value_counts().index[0])
    )
    missing = frame["Description"].isna()
    report.filled_descriptions = int((missing & frame["StockCode"].isin(canonical.index)).sum())
    frame = frame.assign(Description=frame["StockCode"].map(canonical))
    frame = _drop(frame, frame["Description"].isna(), "missing_description", report)

    median = frame.groupby("StockCode")["Price"].transform("median")
    ratio = frame["Price"] / median
    outlier = (ratio > outlier_factor) | (ratio < 1.0 / outlier_factor)
    frame = _drop(frame, outlier, "price_outlier", report)

    key_cols = ["Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID"]
    frame = _drop(frame, frame.duplicated(subset=key_cols, keep="first"), "duplicate", report)

    clean = pd.DataFrame(
        {
            "user_id": [pseudonymize(c, hmac_key) for c in frame["Customer ID"].to_numpy()],
            "item_id": frame["StockCode"].to_numpy(),
            "title": frame["Description"].to_numpy(),
            "quantity": frame["Quantity"].to_numpy(dtype=np.int64),
            "price": frame["Price"].to_numpy(dtype=np.float64),
            "ts": pd.to_datetime(frame["InvoiceDate"]).to_numpy(),
            "country": frame["Country"].fillna("Unspecified").astype(str).to_numpy(),
            "invoice": frame["Invoice"].to_numpy(),
        }
    )
    report.rows_out = len(clean)
    report.users = int(clean["user_id"].nunique())
    report.items = int(clean["item_id"].nunique())
    return clean.reset_index(drop=True), report
