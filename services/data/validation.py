"""Validation: map each table onto the contract, run the pandera models lazily, report every problem.

Each problem is one ``Issue`` of a fixed kind, naming the file, the column, how many rows are bad
and up to five examples:

* ``missing_column`` a contract column (or a mapped source column) is not in the file
* ``wrong_type`` values that are not numbers where numbers are expected
* ``missing_value`` empty values in a column that needs one (an item without id or title)
* ``duplicate_id`` the same ``item_id``/``user_id`` on more than one catalog/users row
* ``unknown_item`` / ``unknown_user`` interactions or reviews naming ids the catalog/users lack
* ``unknown_event`` event values the mapping does not map to a contract event
* ``bad_timestamp`` timestamps that do not parse (with the mapping's ``timestamp_format``)
* ``empty_table`` a table with no rows
* ``absurd_value`` negative prices or quantities, ratings outside 1-5, timestamps in the future or
  before 1990, ids longer than 64 characters

Rows without a user are not invalid (cleaning drops them, rule ``missing_customer``), nor are
negative quantities on ``cancel`` events. A report with any issue is invalid: exit code 1, nothing
is ingested or trained. A bad mapping or an unreadable file is exit code 2 (raised, not reported).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from services.core.settings import get_settings

from .contract import (
    CORE_COLUMNS,
    EARLIEST_TIMESTAMP,
    EVENT_TYPES,
    ID_COLUMNS,
    NUMERIC_COLUMNS,
    REQUIRED_COLUMNS,
    SCHEMAS,
    TIMESTAMP_COLUMNS,
)
from .mapping import Mapping, TableMapping, table_names
from .readers import read_source

MAX_EXAMPLES = 5
ERROR_KINDS = (
    "missing_column",
    "wrong_type",
    "missing_value",
    "duplicate_id",
    "unknown_item",
    "unknown_user",
    "unknown_event",
    "bad_timestamp",
    "empty_table",
    "absurd_value",
)
_PANDERA_KINDS = {
    "column_in_dataframe": "missing_column",
    "not_nullable": "missing_value",
    "field_uniqueness": "duplicate_id",
    "unique": "duplicate_id",
    "isin": "unknown_event",
    "greater_than_or_equal_to": "absurd_value",
    "less_than_or_equal_to": "absurd_value",
    "in_range": "absurd_value",
    "str_length": "absurd_value",
    "dtype": "wrong_type",
}


@dataclass
class Issue:
    kind: str
    table: str
    file: str
    column: str
    rows: int
    examples: list[str]
    message: str

    def line(self) -> str:
        shown = ", ".join(self.examples)
        return f"{self.kind}: {self.file}: column '{self.column}': {self.message} ({self.rows:,} rows; e.g. {shown})"


@dataclass
class ValidationReport:
    mapping: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    def add(self, kind: str, table: str, file: str, column: str, bad: pd.Series | list[Any], message: str) -> None:
        values = bad if isinstance(bad, list) else [f"row {i}: {_shown(v)}" for i, v in bad.head(MAX_EXAMPLES).items()]
        rows = len(bad)
        self.issues.append(Issue(kind, table, file, column, rows, [str(v) for v in values[:MAX_EXAMPLES]], message))

    def table(self) -> str:
        lines = [f"{'table':<14}{'rows':>10}  file"]
        for name, info in self.tables.items():
            rows = info.get("rows")
            shown = "-" if rows is None else f"{rows:,}"
            lines.append(f"{name:<14}{shown:>10}  {info.get('file', '')}")
        if self.ok:
            lines.append("valid: no problems found")
            return "\n".join(lines)
        lines.append("")
        lines.append(f"{'problem':<16}{'table':<14}{'column':<16}{'bad rows':>10}  examples")
        for issue in self.issues:
            lines.append(
                f"{issue.kind:<16}{issue.table:<14}{issue.column:<16}{issue.rows:>10,}  {'; '.join(issue.examples)}"
            )
        lines.append("")
        lines.extend(issue.line() for issue in self.issues)
        lines.append(f"invalid: {len(self.issues)} problem(s); nothing was ingested")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mapping": self.mapping,
            "valid": self.ok,
            "tables": self.tables,
            "issues": [asdict(i) for i in self.issues],
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, default=str))


def _shown(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "(empty)"
    return repr(value)


# ---------------------------------------------------------------------- normalising one table
def id_text(values: pd.Series) -> pd.Series:
    """Ids as trimmed text; whole-number floats (ids read as numbers) lose their ``.0``."""
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == np.floor(values))
        text = values.astype(object)
        text[whole] = values[whole].astype(np.int64).astype(str)
        text[values.notna() & ~whole] = values[values.notna() & ~whole].astype(str)
        return text.where(values.notna(), None).astype("str")
    text = values.astype("str").str.strip()
    return text.where(values.notna() & (text != ""), None)


def _parse_timestamps(values: pd.Series, spec: TableMapping) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    elif spec.timestamp_unit is not None:
        parsed = pd.to_datetime(pd.to_numeric(values, errors="coerce"), unit=spec.timestamp_unit, errors="coerce")
    else:
        parsed = pd.to_datetime(values, format=spec.timestamp_format or "ISO8601", errors="coerce", utc=True)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def apply_mapping(
    name: str, raw: pd.DataFrame, spec: TableMapping, file: str, report: ValidationReport
) -> pd.DataFrame | None:
    """Rename to contract columns, add constants and events, parse types; ``None`` if columns are missing."""
    columns: dict[str, str] = {}
    for contract_col in CORE_COLUMNS[name]:
        source_col = spec.columns.get(contract_col, contract_col)
        if source_col in raw.columns:
            columns[contract_col] = source_col
        elif contract_col in spec.columns:
            report.add("missing_column", name, file, source_col, [], f"mapped to '{contract_col}' but not in the file")
    for attr, source_col in spec.attributes.items():
        if source_col in raw.columns:
            columns[attr] = source_col
        else:
            report.add("missing_column", name, file, source_col, [], f"attribute '{attr}' is mapped to it")
    if spec.missing_values:
        raw = raw.replace(dict.fromkeys(spec.missing_values, None))
    frame = pd.DataFrame({c: raw[s].to_numpy() for c, s in columns.items()}, index=raw.index)
    if spec.category_columns:
        absent = [c for c in spec.category_columns if c not in raw.columns]
        for col in absent:
            report.add("missing_column", name, file, col, [], "named in category_columns")
        if not absent:
            levels = raw[spec.category_columns].astype("str").where(raw[spec.category_columns].notna(), "")
            joined = levels.apply(lambda r: " > ".join(v.strip() for v in r if v.strip()), axis=1)
            frame["category"] = joined.where(joined != "", None).to_numpy()
    for col, value in spec.constants.items():
        frame[col] = value
    if name == "interactions":
        _map_events(frame, raw, spec, file, report)
    missing = [c for c in REQUIRED_COLUMNS[name] if c not in frame.columns]
    for col in missing:
        report.add("missing_column", name, file, spec.columns.get(col, col), [], f"the contract needs '{col}'")
    if missing or any(i.kind == "missing_column" and i.table == name for i in report.issues):
        return None
    for col in (c for c in (*ID_COLUMNS.values(), "item_id", "user_id", "order_id") if c in frame.columns):
        frame[col] = id_text(frame[col])
    for col in NUMERIC_COLUMNS.get(name, ()):
        if col in frame.columns:
            parsed = pd.to_numeric(frame[col], errors="coerce").astype("float64")
            bad = frame[col][parsed.isna() & frame[col].notna()]
            if len(bad):
                report.add("wrong_type", name, file, columns.get(col, col), bad, f"'{col}' must be a number")
            frame[col] = parsed
    for col in TIMESTAMP_COLUMNS.get(name, ()):
        if col in frame.columns:
            parsed = _parse_timestamps(frame[col], spec)
            bad = frame[col][parsed.isna() & frame[col].notna()]
            if len(bad):
                fmt = spec.timestamp_format or "ISO 8601"
                report.add("bad_timestamp", name, file, columns.get(col, col), bad, f"does not parse as {fmt}")
            frame[col] = parsed
    text_columns = ("title", "description", "category", "image_uri", "language", "text")
    for col in frame.columns:
        if col not in CORE_COLUMNS[name] or col in text_columns:
            frame[col] = text_values(frame[col])
    return frame


def text_values(values: pd.Series) -> pd.Series:
    """Text with whole-number floats shown without ``.0``; empty stays missing."""
    if pd.api.types.is_float_dtype(values):
        return id_text(values)
    text = values.astype("str")
    return text.where(values.notna(), None)


def _map_events(
    frame: pd.DataFrame, raw: pd.DataFrame, spec: TableMapping, file: str, report: ValidationReport
) -> None:
    if "event" in frame.columns and spec.events:
        source = frame["event"].astype("str").str.strip()
        mapped = source.map(lambda v: spec.events.get(v, v if v in EVENT_TYPES else None))
        bad = source[mapped.isna() & frame["event"].notna()]
        if len(bad):
            known = ", ".join(sorted(spec.events)) or "none"
            column = spec.columns.get("event", "event")
            report.add("unknown_event", "interactions", file, column, bad, f"event values not in the mapping ({known})")
        frame["event"] = mapped.where(mapped.notna(), frame["event"])
    for rule in spec.event_patterns:
        if rule.column not in raw.columns:
            report.add("missing_column", "interactions", file, rule.column, [], "named by an event pattern")
            continue
        hits = raw[rule.column].astype("str").str.contains(rule.pattern, regex=True, na=False)
        if "event" not in frame.columns:
            frame["event"] = None
        frame.loc[hits.to_numpy(), "event"] = rule.value


# ---------------------------------------------------------------------- checks
def _pandera(name: str, frame: pd.DataFrame, file: str, report: ValidationReport) -> None:
    import pandera.errors as pe

    try:
        SCHEMAS[name].validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
        cases = cases.assign(check=cases["check"].astype(str))
        for (column, check), group in cases.groupby(["column", "check"], sort=False, dropna=False):
            base = str(check).split("(")[0]
            kind = _PANDERA_KINDS.get(base, "wrong_type")
            if kind == "unknown_event" and any(i.kind == kind and i.table == name for i in report.issues):
                continue  # already reported, against the source column, while mapping the events
            if kind == "duplicate_id":
                values = group["failure_case"].astype(str)
                examples = [f"{v!r} ×{n}" for v, n in values.value_counts().head(MAX_EXAMPLES).items()]
                report.add(kind, name, file, str(column), [], f"ids must be unique ({check})")
                report.issues[-1].rows = len(group)
                report.issues[-1].examples = examples
                continue
            bad = pd.Series(group["failure_case"].to_numpy(), index=group["index"].to_numpy())
            report.add(kind, name, file, str(column), bad, _describe(kind, str(check)))


def _describe(kind: str, check: str) -> str:
    return {
        "missing_value": "empty values where the contract needs one",
        "unknown_event": f"not a contract event type ({', '.join(EVENT_TYPES)})",
        "absurd_value": f"out of range ({check})",
        "wrong_type": f"wrong type ({check})",
    }.get(kind, check)


def _absurd(name: str, frame: pd.DataFrame, file: str, report: ValidationReport, now: pd.Timestamp) -> None:
    for col in TIMESTAMP_COLUMNS.get(name, ()):
        if col in frame.columns:
            ts = frame[col]
            bad = ts[(ts < EARLIEST_TIMESTAMP) | (ts > now + pd.Timedelta(days=1))]
            if len(bad):
                report.add("absurd_value", name, file, col, bad.astype(str), "timestamps in the future or before 1990")
    if name != "interactions":
        return
    attributed = frame["user_id"].notna()
    if "quantity" in frame.columns:
        bad = frame["quantity"][attributed & (frame["quantity"] < 0) & (frame["event"] != "cancel")]
        if len(bad):
            report.add(
                "absurd_value", name, file, "quantity", bad, "negative quantity on an event that is not a cancel"
            )
    if "price" in frame.columns:
        bad = frame["price"][attributed & (frame["price"] < 0)]
        if len(bad):
            report.add("absurd_value", name, file, "price", bad, "negative price")


def _unknown(
    table: str, frame: pd.DataFrame, column: str, known: pd.Series, other: str, file: str, report: ValidationReport
) -> None:
    ids = frame[column]
    bad = ids[ids.notna() & ~ids.isin(set(known.dropna()))]
    if len(bad):
        kind = "unknown_item" if column == "item_id" else "unknown_user"
        report.add(kind, table, file, column, bad, f"ids not in the {other} table")


@dataclass
class Validated:
    """The contract frames of a valid (or invalid) data set and the report."""

    frames: dict[str, pd.DataFrame]
    report: ValidationReport
    files: dict[str, str]


def validate(mapping: Mapping, *, data_dir: Path | None = None, converted: Path | None = None) -> Validated:
    """Read every mapped table, check it against the contract and across tables."""
    data_dir = data_dir or get_settings().data_dir
    report = ValidationReport(mapping=mapping.name)
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    for name in table_names(mapping):
        spec = mapping.tables[name]
        if spec.derive:
            report.tables[name] = {"file": f"(derived from {spec.derive})", "rows": None}
            continue
        assert spec.source is not None
        file = mapping.resolve(spec.source, data_dir=data_dir, converted=converted)
        files[name] = file
        raw = read_source(file, spec.format, spec.csv_options)
        report.tables[name] = {"file": file, "rows": len(raw)}
        if raw.empty:
            report.add("empty_table", name, file, "*", [], "the table has no rows")
            continue
        frame = apply_mapping(name, raw, spec, file, report)
        if frame is None:
            continue
        _pandera(name, frame, file, report)
        _absurd(name, frame, file, report, now)
        frames[name] = frame
    derived_catalog = mapping.tables.get("catalog") is not None and mapping.tables["catalog"].derive
    if "interactions" in frames:
        inter = frames["interactions"]
        if derived_catalog and "title" not in inter.columns:
            report.add(
                "missing_column", "interactions", files["interactions"], "title", [], "a derived catalog needs it"
            )
        if "catalog" in frames:
            _unknown(
                "interactions", inter, "item_id", frames["catalog"]["item_id"], "catalog", files["interactions"], report
            )
        if "users" in frames:
            _unknown(
                "interactions", inter, "user_id", frames["users"]["user_id"], "users", files["interactions"], report
            )
        users_spec = mapping.tables.get("users")
        if users_spec is not None and users_spec.derive:
            for attr in users_spec.attributes:
                if attr not in inter.columns:
                    report.add("missing_column", "users", files["interactions"], attr, [], "derived user attribute")
    if "reviews" in frames and "catalog" in frames:
        _unknown(
            "reviews", frames["reviews"], "item_id", frames["catalog"]["item_id"], "catalog", files["reviews"], report
        )
    return Validated(frames, report, files)
