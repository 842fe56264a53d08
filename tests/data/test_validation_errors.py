"""Every validation error kind on a user's export: its message (file, column, bad rows, examples),
the JSON report, exit code 1 and nothing ingested; a bad mapping or an unreadable file exits 2."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scripts.cli import app
from services.data.validation import ERROR_KINDS
from tests.data.shop import make_shop

runner = CliRunner()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shop(tmp_path_factory.mktemp("shop") / "export", items_per_kind=5, customers=8).folder


@pytest.fixture
def shop(pristine: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(pristine, folder)
    return folder


def edit(folder: Path, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    path = folder / f"{name}.csv"
    change(pd.read_csv(path, dtype=str, keep_default_na=False)).to_csv(path, index=False)


def set_cell(column: str, value: str, row: int = 0) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return change


def validate(folder: Path, tmp_path: Path) -> tuple[int, str, dict]:
    report = tmp_path / "report.json"
    result = runner.invoke(
        app, ["data", "validate", "--mapping", str(folder / "mapping.yaml"), "--report", str(report)]
    )
    return result.exit_code, result.output, json.loads(report.read_text()) if report.exists() else {}


CASES = [
    ("missing_column", "products", lambda f: f.drop(columns=["product_name"]), "product_name", "not in the file"),
    ("wrong_type", "products", set_cell("list_price", "twelve", 2), "list_price", "must be a number"),
    ("missing_value", "products", set_cell("product_name", "", 1), "title", "empty values"),
    ("duplicate_id", "customers", lambda f: pd.concat([f, f.head(2)]), "user_id", "must be unique"),
    ("unknown_item", "events", set_cell("sku", "NOPE-001", 3), "item_id", "not in the catalog"),
    ("unknown_user", "events", set_cell("cust_no", "C9999", 4), "user_id", "not in the users"),
    ("unknown_event", "events", set_cell("action", "wishlist", 5), "action", "not in the mapping"),
    ("bad_timestamp", "events", set_cell("when", "31/31/2025 10:00", 6), "when", "does not parse"),
    ("empty_table", "reviews", lambda f: f.head(0), "*", "no rows"),
    ("absurd_value", "products", set_cell("list_price", "-3.50", 0), "price", "out of range"),
    ("absurd_value", "reviews", set_cell("stars", "7", 0), "rating", "out of range"),
    ("absurd_value", "events", set_cell("when", "01/02/1985 10:00", 0), "timestamp", "before 1990"),
    ("absurd_value", "events", set_cell("when", "01/02/2199 10:00", 0), "timestamp", "in the future"),
    ("absurd_value", "events", set_cell("qty", "-2", 0), "quantity", "negative quantity"),
]


def test_every_error_kind_is_covered() -> None:
    assert {c[0] for c in CASES} == set(ERROR_KINDS)


def test_valid_export_passes(shop: Path, tmp_path: Path) -> None:
    code, output, report = validate(shop, tmp_path)
    assert code == 0, output
    assert report["valid"] is True and report["issues"] == []


@pytest.mark.parametrize(
    ("kind", "table", "change", "column", "fragment"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES]
)
def test_error_kind_is_reported_with_exit_code_1(
    shop: Path, tmp_path: Path, kind: str, table: str, change: Callable, column: str, fragment: str
) -> None:
    edit(shop, table, change)
    code, output, report = validate(shop, tmp_path)
    assert code == 1, output
    issues = [i for i in report["issues"] if i["kind"] == kind and i["column"] == column]
    assert issues, output
    issue = issues[0]
    assert issue["file"].endswith(f"{table}.csv") and fragment in issue["message"]
    assert kind in output and f"{table}.csv" in output and "nothing was ingested" in output
    if kind not in ("missing_column", "empty_table"):
        assert issue["rows"] >= 1 and 1 <= len(issue["examples"]) <= 5


def test_invalid_data_is_not_ingested(shop: Path, tmp_path: Path) -> None:
    edit(shop, "events", set_cell("sku", "NOPE-001", 3))
    out = tmp_path / "dataset"
    result = runner.invoke(app, ["data", "ingest", "--mapping", str(shop / "mapping.yaml"), "--out", str(out)])
    assert result.exit_code == 1 and "unknown_item" in result.output
    assert not out.exists() and not out.with_name("dataset.tmp").exists()


def test_examples_are_capped_at_five(shop: Path, tmp_path: Path) -> None:
    edit(shop, "events", lambda f: f.assign(action="wishlist"))
    _, _, report = validate(shop, tmp_path)
    [issue] = [i for i in report["issues"] if i["kind"] == "unknown_event"]
    assert issue["rows"] > 5 and len(issue["examples"]) == 5


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        ("name: x\ntables: {catalog: {source: products.csv, columns: {sku_code: sku}}}", "not contract columns"),
        ("name: x\ntables: {catalog: {source: missing.csv}}", "no such file"),
        ("name: x\ntables: [unclosed", "not valid YAML"),
        ("name: x\ntables: {catalog: {source: products.csv, derive: interactions}}", "exactly one of"),
    ],
)
def test_bad_mapping_or_unreadable_file_exits_2(shop: Path, mapping: str, fragment: str) -> None:
    path = shop / "bad.yaml"
    path.write_text(mapping)
    result = runner.invoke(app, ["data", "validate", "--mapping", str(path)])
    assert result.exit_code == 2 and fragment in result.output, result.output
