"""The data contract: the four tables every capability trains from, as pandera DataFrame models.

* ``catalog`` — one row per item: ``item_id``, ``title``, optional ``description``, ``category``
  (a path, broadest level first, levels joined by ``" > "``), ``price``, ``image_uri``, ``language``;
  every other column is an item attribute (``brand``, ``colour``, ``material``, ``gender``, ``size``, …).
* ``users`` — one row per user: ``user_id``; every other column is a user attribute (``country``, …).
* ``interactions`` — ``user_id``, ``item_id``, ``timestamp``, ``event`` (one of ``EVENT_TYPES``),
  optional ``quantity``, ``weight``, ``price`` and ``title`` (the unit price and item name on an
  order line), ``order_id``; extra columns are carried along (e.g. a user attribute to derive users from).
* ``reviews`` — ``item_id``, ``text``, optional ``rating`` (1-5), ``title``, ``timestamp``.

The models describe a table after the mapping (``services.data.mapping``) has renamed the
user's columns; ``services.data.validation`` runs them lazily and turns the failures into a report.
"""

from __future__ import annotations

import warnings
from typing import Final

import pandas as pd

warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
import pandera.pandas as pa  # noqa: E402
from pandera.typing import Series  # noqa: E402

TABLES: Final = ("catalog", "users", "interactions", "reviews")
EVENT_TYPES: Final = ("view", "click", "cart", "purchase", "cancel")
"""``cancel`` marks a cancelled or returned order line: never trained on (cleaning rule ``cancellation``)."""
DEFAULT_EVENT_WEIGHTS: Final[dict[str, float]] = {"view": 0.25, "click": 0.5, "cart": 0.75, "purchase": 1.0}
EARLIEST_TIMESTAMP: Final = pd.Timestamp("1990-01-01")
CATEGORY_SEPARATOR: Final = " > "
KNOWN_ATTRIBUTES: Final = ("brand", "colour", "material", "gender", "size", "season", "usage")
"""Catalog attributes with a conventional name (the text generator reads them); others are free-form."""


class Catalog(pa.DataFrameModel):
    item_id: Series[str] = pa.Field(nullable=False, unique=True, str_length={"min_value": 1, "max_value": 64})
    title: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1})
    description: Series[str] | None = pa.Field(nullable=True)
    category: Series[str] | None = pa.Field(nullable=True)
    price: Series[float] | None = pa.Field(nullable=True, ge=0)
    image_uri: Series[str] | None = pa.Field(nullable=True)
    language: Series[str] | None = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


class Users(pa.DataFrameModel):
    user_id: Series[str] = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})

    class Config:
        strict = False
        coerce = False


class Interactions(pa.DataFrameModel):
    # A missing user is not invalid: such rows cannot be attributed and cleaning drops them
    # (rule ``missing_customer``), so value checks only apply to rows with a user.
    user_id: Series[str] = pa.Field(nullable=True)
    item_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1, "max_value": 64})
    timestamp: Series[pd.Timestamp] = pa.Field(nullable=False)
    event: Series[str] = pa.Field(nullable=False, isin=list(EVENT_TYPES))
    quantity: Series[float] | None = pa.Field(nullable=True)
    weight: Series[float] | None = pa.Field(nullable=True, ge=0)
    price: Series[float] | None = pa.Field(nullable=True)
    title: Series[str] | None = pa.Field(nullable=True)
    order_id: Series[str] | None = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


class Reviews(pa.DataFrameModel):
    item_id: Series[str] = pa.Field(nullable=False, str_length={"min_value": 1, "max_value": 64})
    text: Series[str] = pa.Field(nullable=True)
    rating: Series[float] | None = pa.Field(nullable=True, ge=1, le=5)
    title: Series[str] | None = pa.Field(nullable=True)
    timestamp: Series[pd.Timestamp] | None = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = False


SCHEMAS: Final[dict[str, type[pa.DataFrameModel]]] = {
    "catalog": Catalog,
    "users": Users,
    "interactions": Interactions,
    "reviews": Reviews,
}
ID_COLUMNS: Final = {"catalog": "item_id", "users": "user_id"}
CORE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(model.to_schema().columns) for name, model in SCHEMAS.items()
}
REQUIRED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(c for c, col in model.to_schema().columns.items() if col.required) for name, model in SCHEMAS.items()
}
TIMESTAMP_COLUMNS: Final[dict[str, tuple[str, ...]]] = {"interactions": ("timestamp",), "reviews": ("timestamp",)}
NUMERIC_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "catalog": ("price",),
    "interactions": ("quantity", "weight", "price"),
    "reviews": ("rating",),
}


def attribute_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` that are attributes (not part of the table's fixed contract)."""
    return [c for c in frame.columns if c not in CORE_COLUMNS[table]]


def category_levels(category: object) -> list[str]:
    """``"Electronics > Audio > Headphones"`` → ``["Electronics", "Audio", "Headphones"]``."""
    if not isinstance(category, str):
        return []
    return [level.strip() for level in category.split(">") if level.strip()]
