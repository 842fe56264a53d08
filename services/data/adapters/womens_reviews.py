"""Conversion for the Women's E-Commerce Clothing Reviews adapter: the catalog of reviewed items.

The file has one row per review; the items (``Clothing ID``) carry a division, department and
class but no product name. The catalog gets one row per item: its class as title and
``division > department > class`` as category path (the most frequent values of the item's rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE = Path("womens-ecommerce-clothing-reviews") / "womens_clothing_ecommerce_reviews.csv"


def convert(data_dir: Path, out: Path) -> None:
    reviews = pd.read_csv(data_dir / SOURCE, index_col=0, dtype=str, keep_default_na=False, na_values=[""])

    def most(values: pd.Series) -> str | None:
        counts = values.dropna().value_counts()
        return None if counts.empty else str(counts.index[0])

    grouped = reviews.groupby("Clothing ID").agg(
        division=("Division Name", most), department=("Department Name", most), cls=("Class Name", most)
    )
    grouped = grouped.reset_index()
    levels = grouped[["division", "department", "cls"]]
    catalog = pd.DataFrame(
        {
            "item_id": grouped["Clothing ID"],
            "title": grouped["cls"].fillna("Clothing item"),
            "category": [" > ".join(v for v in row if isinstance(v, str)) or None for row in levels.to_numpy()],
            "division": grouped["division"],
        }
    )
    catalog.to_csv(out / "catalog.csv", index=False)
