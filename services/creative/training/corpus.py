"""Text the tiny pipeline's tokenizer is trained on: Myntra product titles (``shared/data``).

Read with ``keep_default_na=False`` as the data set's notes ask; empty titles are skipped. The
lineage (file, SHA-256, rows) goes into the model's metadata.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

STYLES = Path("myntra-fashion-product-styles") / "styles.csv"


def load_titles(data_dir: Path, limit: int | None = None) -> tuple[list[str], dict[str, Any]]:
    """Product display titles and their lineage."""
    path = data_dir / STYLES
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; the tokenizer corpus comes from the shared data sets")
    titles: list[str] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            title = (row.get("productDisplayName") or "").strip()
            if title:
                titles.append(title)
            if limit is not None and len(titles) >= limit:
                break
    lineage = {
        "source": str(STYLES),
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "license": "permissive per the Kaggle uploader (Fashion Product Images Dataset, Param Aggarwal)",
        "column": "productDisplayName",
    }
    return titles, lineage
