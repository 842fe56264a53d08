"""Each cleaning rule on crafted Online Retail II rows, mapped onto the contract by the shipped adapter."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.data.adapters import adapter_path
from services.data.cleaning import RULES, clean_interactions, normalise_title
from services.data.mapping import load_mapping
from services.data.validation import ValidationReport, apply_mapping

ADAPTER = load_mapping(adapter_path("online-retail-ii"))


def row(**over: object) -> dict[str, object]:
    base = {
        "Invoice": "500001",
        "StockCode": "85123A",
        "Description": "WHITE HANGING HEART T-LIGHT HOLDER",
        "Quantity": 6,
        "InvoiceDate": "2010-01-04 10:00:00",
        "Price": 2.55,
        "Customer ID": 17850.0,
        "Country": "United Kingdom",
    }
    base.update(over)
    return base


def run(rows: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    report = ValidationReport("online-retail-ii")
    frame = apply_mapping("interactions", pd.DataFrame(rows), ADAPTER.tables["interactions"], "rows.csv", report)
    assert frame is not None and report.ok, report.table()
    return clean_interactions(frame, ADAPTER.cleaning)


def test_good_row_survives_with_contract_columns() -> None:
    clean, report = run([row()])
    assert report.rows_out == 1 and sum(report.removed.values()) == 0
    assert list(report.removed) == list(RULES)
    assert clean.loc[0, "user_id"] == "17850" and clean.loc[0, "event"] == "purchase"
    assert clean.loc[0, "weight"] == 1.0 and "Customer ID" not in clean.columns


def test_missing_customer_removed() -> None:
    _, report = run([row(), row(**{"Customer ID": np.nan, "Invoice": "500002"})])
    assert report.removed["missing_customer"] == 1 and report.rows_out == 1


def test_cancellation_removed() -> None:
    _, report = run([row(), row(Invoice="C500003", Quantity=-6)])
    assert report.removed["cancellation"] == 1


def test_non_positive_quantity_removed() -> None:
    _, report = run([row(), row(Invoice="500004", Quantity=0)])
    assert report.removed["non_positive_quantity"] == 1


def test_non_product_codes_removed() -> None:
    rows = [
        row(),
        row(StockCode="POST", Description="POSTAGE"),
        row(StockCode="M", Description="Manual"),
        row(StockCode="gift_0001_20", Description="voucher"),
        row(StockCode="TEST001", Description="test"),
    ]
    _, report = run(rows)
    assert report.removed["non_product_code"] == 4


def test_non_positive_price_removed() -> None:
    _, report = run([row(), row(Invoice="500005", Price=0.0)])
    assert report.removed["non_positive_price"] == 1


def test_missing_description_filled_from_same_code_or_dropped() -> None:
    rows = [row(), row(Invoice="500006", Description=None), row(Invoice="500007", StockCode="99999", Description=None)]
    clean, report = run(rows)
    assert report.filled_descriptions == 1
    assert report.removed["missing_description"] == 1
    assert set(clean["title"]) == {"WHITE HANGING HEART T-LIGHT HOLDER"}


def test_price_outlier_removed() -> None:
    rows = [row(Invoice=f"5100{i}") for i in range(5)] + [row(Invoice="510099", Price=2500.0)]
    _, report = run(rows)
    assert report.removed["price_outlier"] == 1


def test_exact_duplicates_removed() -> None:
    _, report = run([row(), row(), row(Quantity=12)])
    assert report.removed["duplicate"] == 1 and report.rows_out == 2


def test_descriptions_normalised_to_one_canonical_text() -> None:
    rows = [row(Description="  white  hanging heart t-light holder "), row(Invoice="500008"), row(Invoice="500009")]
    clean, _ = run(rows)
    assert clean["title"].nunique() == 1
    assert normalise_title("  a   b ", upper=True) == "A B" and normalise_title(None) is None


def test_report_table_counts_add_up() -> None:
    rows = [row(), row(Invoice="C1"), row(Invoice="2", Quantity=0), row(Invoice="3", **{"Customer ID": None})]
    _, report = run(rows)
    assert report.rows_in - sum(report.removed.values()) == report.rows_out
    assert "cancellation" in report.table()
