"""The mapping file: how a user's own export maps onto the data contract (YAML, checked with pydantic).

```yaml
name: my-shop
tables:
  catalog:
    source: products.csv            # CSV or Parquet (by suffix or ``format``), local or s3://bucket/key
    columns: {item_id: sku, title: name, price: list_price, category: dept}   # contract name: your column
    attributes: {brand: maker, colour: finish}                                # attribute name: your column
    constants: {language: en}
  users: {source: customers.csv, columns: {user_id: customer}, attributes: {country: region}}
  interactions:
    source: events.parquet
    columns: {user_id: customer, item_id: sku, timestamp: when, event: action}
    events: {seen: view, tapped: click, basket: cart, bought: purchase}       # your value: contract event
    timestamp_format: "%d/%m/%Y %H:%M"
  reviews: {source: reviews.csv, columns: {item_id: sku, text: body, rating: stars}}
```

Relative sources are resolved against the mapping file's folder; ``{data_dir}`` expands to
``ADSERVE_DATA_DIR`` and ``{converted}`` to the output folder of the adapter's conversion.
A table may instead be ``derive: interactions`` (catalog: one row per item from the order lines'
``title`` and ``price``; users: one row per user with the ``attributes`` carried on the lines).
A catalog whose category levels are separate columns names them in ``category_columns`` (joined
with ``" > "``); ``missing_values`` lists values that mean "no value" (e.g. ``NA``).
``cleaning`` sets the options of the cleaning rules (``services.data.cleaning``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .contract import CORE_COLUMNS, EVENT_TYPES, TABLES


class MappingError(ValueError):
    """The mapping file is missing, not YAML, or does not describe a valid mapping (exit code 2)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventPattern(_Strict):
    """Rows whose ``column`` matches ``pattern`` (a regular expression) get the event ``value``."""

    column: str
    pattern: str
    value: Literal["view", "click", "cart", "purchase", "cancel"]

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


class TableMapping(_Strict):
    source: str | None = Field(None, description="CSV or Parquet file, local path or s3://bucket/key.")
    format: Literal["csv", "parquet"] | None = Field(None, description="Default: from the file suffix.")
    csv_options: dict[str, str | int | bool] = Field(default_factory=dict, description="sep, encoding, …")
    derive: Literal["interactions"] | None = Field(None, description="Build the table from the interactions.")
    columns: dict[str, str] = Field(default_factory=dict, description="contract column: source column")
    attributes: dict[str, str] = Field(default_factory=dict, description="attribute name: source column")
    constants: dict[str, str | float | int] = Field(default_factory=dict, description="column: constant value")
    events: dict[str, Literal["view", "click", "cart", "purchase", "cancel"]] = Field(
        default_factory=dict, description="source event value: contract event"
    )
    event_patterns: list[EventPattern] = Field(default_factory=list)
    category_columns: list[str] = Field(
        default_factory=list, description="Catalog category levels in separate columns, broadest first."
    )
    missing_values: list[str] = Field(default_factory=list, description="Values that mean 'no value' (e.g. NA).")
    timestamp_format: str | None = Field(None, description="strptime format; default: ISO 8601 / pandas parsing")
    timestamp_unit: Literal["s", "ms"] | None = Field(None, description="numeric epoch timestamps")

    @model_validator(mode="after")
    def _one_source(self) -> TableMapping:
        if (self.source is None) == (self.derive is None):
            raise ValueError("give exactly one of 'source' or 'derive'")
        return self


class CleaningOptions(_Strict):
    item_id_pattern: str | None = Field(None, description="Items whose id does not match are not products.")
    excluded_title_words: list[str] = Field(default_factory=list, description="Titles naming non-products.")
    upper_case_titles: bool = Field(False, description="Fold titles to upper case before choosing one per item.")
    upper_case_ids: bool = Field(False, description="Fold item ids to upper case (codes typed both ways).")
    price_outlier_factor: float = Field(10.0, gt=1.0)
    event_weights: dict[str, float] = Field(default_factory=dict, description="Override the default weights.")

    @field_validator("event_weights")
    @classmethod
    def _known_events(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; the contract has {list(EVENT_TYPES)}")
        return value


class Mapping(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    description: str = ""
    attribution: str = ""
    license: str = ""
    convert: str | None = Field(None, description="module:function of the adapter's conversion, if any")
    tables: dict[Literal["catalog", "users", "interactions", "reviews"], TableMapping]
    cleaning: CleaningOptions = Field(default_factory=CleaningOptions)
    base_dir: Path = Field(Path("."), exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> Mapping:
        if not self.tables:
            raise ValueError("map at least one table")
        for name, table in self.tables.items():
            unknown = sorted(set(table.columns) - set(CORE_COLUMNS[name]))
            if unknown:
                raise ValueError(
                    f"tables.{name}.columns: {unknown} are not contract columns of {name} "
                    f"({list(CORE_COLUMNS[name])}); put other columns under 'attributes'"
                )
            if table.derive and "interactions" not in self.tables:
                raise ValueError(f"tables.{name}: derive: interactions needs an interactions table")
            if table.derive and name not in ("catalog", "users"):
                raise ValueError(f"tables.{name}: only catalog and users can be derived")
        return self

    def resolve(self, source: str, *, data_dir: Path, converted: Path | None = None) -> str:
        """A table's source with ``{data_dir}``/``{converted}`` expanded and relative paths made absolute."""
        text = source.replace("{data_dir}", str(data_dir))
        if "{converted}" in text:
            if converted is None:
                raise MappingError(f"{source}: '{{converted}}' needs the adapter's conversion to run first")
            text = text.replace("{converted}", str(converted))
        if text.startswith("s3://"):
            return text
        path = Path(text)
        return str(path if path.is_absolute() else (self.base_dir / path).resolve())


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem is a ``MappingError`` naming the file."""
    try:
        raw = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping file is a YAML mapping with 'name' and 'tables'")
    try:
        return Mapping.model_validate({**raw, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise MappingError(f"{path}: {problems}") from None


def table_names(mapping: Mapping) -> list[str]:
    """The mapped tables in contract order."""
    return [t for t in TABLES if t in mapping.tables]
