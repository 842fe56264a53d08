"""Conversion for the Myntra styles adapter: the brand, split off the display title.

Myntra's ``productDisplayName`` starts with the brand and then the gender word ("Turtle Check Men
Navy Blue Shirt"): the words before the gender word are the brand. Titles without a gender word
give no reliable brand and get none. The 7 rows whose display name is ``NA`` are left out (a
catalog item needs a title). Everything else is mapped by ``myntra-fashion-product-styles.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE = Path("myntra-fashion-product-styles") / "styles.csv"
GENDER_WORDS = ("Men", "Women", "Boys", "Girls", "Unisex", "Men's", "Women's", "Boy's", "Girl's", "Kids")


def split_brand(title: str) -> tuple[str | None, str]:
    """(brand, rest of the title starting at the gender word), or (None, title) without a gender word."""
    words = title.split()
    for i, word in enumerate(words):
        if word in GENDER_WORDS:
            return (" ".join(words[:i]) or None), " ".join(words[i:])
    return None, title


def convert(data_dir: Path, out: Path) -> None:
    styles = pd.read_csv(data_dir / SOURCE, keep_default_na=False, dtype=str)
    styles = styles[~styles["productDisplayName"].str.strip().isin(["", "NA"])]
    titles = styles["productDisplayName"].map(lambda t: " ".join(str(t).split()))
    styles["productDisplayName"] = titles
    styles["brand"] = titles.map(lambda t: split_brand(t)[0] or "")
    styles.to_csv(out / "styles.csv", index=False)
