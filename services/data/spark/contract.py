"""The data contract's interactions mapping on Spark: a user's own columns and event values → contract columns.

The job gets the mapping file's content as JSON (``Mapping.model_dump(mode="json")``, written by
the runner or ``scripts/submit_spark.sh``) and reads its ``interactions`` table spec and its
``cleaning`` options, exactly as ``services.data.validation.apply_mapping`` and
``services.data.cleaning`` read them: ``columns`` (contract column: source column), ``attributes``
(``country``), ``constants``, ``events`` (source value: contract event), ``event_patterns``
(a regex on a source column sets the event, later patterns win) and ``timestamp_format``.
Only pyspark and the standard library are imported (the job runs on EMR Serverless as is).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

# Contract columns of the interactions the pipeline reads (services.data.contract), and their types.
REQUIRED = ("user_id", "item_id", "timestamp")
OPTIONAL = ("title", "quantity", "price", "order_id", "event")
_STRPTIME_TO_JAVA = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss", "%f": "SSSSSS"}


class MissingColumnsError(ValueError):
    """The input lacks columns the mapping names."""


def java_time_format(strptime_format: str) -> str:
    """A strptime format (the mapping's) as a Spark datetime pattern (the directives timestamps use)."""
    out, i = [], 0
    while i < len(strptime_format):
        piece = strptime_format[i : i + 2]
        if piece in _STRPTIME_TO_JAVA:
            out.append(_STRPTIME_TO_JAVA[piece])
            i += 2
        elif strptime_format[i].isalpha():
            out.append(f"'{strptime_format[i]}'")
            i += 1
        else:
            out.append(strptime_format[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class InteractionsMapping:
    """The parts of a mapping file the Spark job applies."""

    name: str
    columns: dict[str, str]
    attributes: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    event_patterns: tuple[tuple[str, str, str], ...] = ()
    timestamp_format: str | None = None
    item_id_pattern: str | None = None
    excluded_title_words: tuple[str, ...] = ()
    upper_case_ids: bool = False
    upper_case_titles: bool = False
    price_outlier_factor: float = 10.0

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any]) -> InteractionsMapping:
        """From ``Mapping.model_dump(mode="json")``; the mapping must have an ``interactions`` table."""
        spec = (mapping.get("tables") or {}).get("interactions")
        if not spec:
            raise ValueError(f"mapping {mapping.get('name')!r} has no interactions table")
        cleaning = mapping.get("cleaning") or {}
        return cls(
            name=str(mapping.get("name", "")),
            columns=dict(spec.get("columns") or {}),
            attributes=dict(spec.get("attributes") or {}),
            constants=dict(spec.get("constants") or {}),
            events=dict(spec.get("events") or {}),
            event_patterns=tuple((p["column"], p["pattern"], p["value"]) for p in spec.get("event_patterns") or ()),
            timestamp_format=spec.get("timestamp_format"),
            item_id_pattern=cleaning.get("item_id_pattern"),
            excluded_title_words=tuple(cleaning.get("excluded_title_words") or ()),
            upper_case_ids=bool(cleaning.get("upper_case_ids", False)),
            upper_case_titles=bool(cleaning.get("upper_case_titles", False)),
            price_outlier_factor=float(cleaning.get("price_outlier_factor", 10.0)),
        )

    @classmethod
    def from_json(cls, text: str) -> InteractionsMapping:
        return cls.from_mapping(json.loads(text))

    def source(self, contract_column: str) -> str:
        return self.columns.get(contract_column, contract_column)

    def source_columns(self, available: list[str]) -> list[str]:
        """Every source column the mapping reads; a clear error names the ones ``available`` lacks."""
        wanted = [self.source(c) for c in REQUIRED]
        wanted += [self.source(c) for c in OPTIONAL if self.source(c) in available or c in self.columns]
        wanted += list(self.attributes.values()) + [column for column, _, _ in self.event_patterns]
        wanted = list(dict.fromkeys(wanted))
        missing = [c for c in wanted if c not in available]
        if missing:
            raise MissingColumnsError(f"the input lacks the columns {missing} named by mapping {self.name!r}")
        return wanted

    # ------------------------------------------------------------------ renaming
    def _event(self, raw: DataFrame) -> Column:
        if self.source("event") in raw.columns:
            value = F.trim(F.col(f"`{self.source('event')}`").cast("string"))
            event: Column = value
            if self.events:
                pairs = [x for k, v in self.events.items() for x in (F.lit(k), F.lit(v))]
                event = F.coalesce(F.create_map(*pairs)[value], value)
        elif "event" in self.constants:
            event = F.lit(str(self.constants["event"]))
        else:
            event = F.lit(None).cast("string")
        for column, pattern, value in self.event_patterns:
            event = F.when(F.col(f"`{column}`").cast("string").rlike(pattern), F.lit(value)).otherwise(event)
        return event

    def _timestamp(self, raw: DataFrame) -> Column:
        col = F.col(f"`{self.source('timestamp')}`")
        if isinstance(raw.schema[self.source("timestamp")].dataType, (T.TimestampType, T.TimestampNTZType)):
            return F.to_timestamp_ntz(col)
        if self.timestamp_format:
            return F.to_timestamp_ntz(col.cast("string"), F.lit(java_time_format(self.timestamp_format)))
        return F.to_timestamp_ntz(col.cast("string"))

    def to_contract(self, raw: DataFrame) -> DataFrame:
        """``user_id`` (its own type: pseudonymized later), ``item_id``, ``title``, ``quantity``, ``price``,
        ``timestamp``, ``order_id``, ``event`` and ``country``, from the mapped source columns."""
        self.source_columns(raw.columns)

        def optional(contract: str, dtype: str) -> Column:
            if self.source(contract) in raw.columns:
                return F.col(f"`{self.source(contract)}`").cast(dtype)
            value = self.constants.get(contract)
            return F.lit(value).cast(dtype)

        country = self.attributes.get("country")
        return raw.select(
            F.col(f"`{self.source('user_id')}`").alias("user_id"),
            F.trim(F.col(f"`{self.source('item_id')}`").cast("string")).alias("item_id"),
            optional("title", "string").alias("title"),
            optional("quantity", "double").alias("quantity"),
            optional("price", "double").alias("price"),
            self._timestamp(raw).alias("timestamp"),
            optional("order_id", "string").alias("order_id"),
            self._event(raw).alias("event"),
            (F.col(f"`{country}`").cast("string") if country else F.lit(None).cast("string")).alias("country"),
        )

    # ------------------------------------------------------------------ cleaning patterns (Java regex)
    @property
    def item_id_regex(self) -> str | None:
        """``re.match`` semantics (anchored at the start) for ``rlike``."""
        return None if not self.item_id_pattern else f"^(?:{self.item_id_pattern})"

    @property
    def excluded_words_regex(self) -> str | None:
        """Case-insensitive whole words with Unicode classes, like the pandas rule."""
        if not self.excluded_title_words:
            return None
        return r"(?iU)\b(?:" + "|".join(self.excluded_title_words) + r")\b"
